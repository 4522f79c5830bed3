using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Wharf.Registry.Auth;

/// <summary>The claims a bearer token carries: who, for which service, until when, and which scopes.</summary>
public sealed record TokenClaims(string Subject, string Audience, DateTimeOffset Expires, IReadOnlyList<Scope> Access)
{
    /// <summary>True when one of the granted scopes covers <paramref name="action"/> on the resource.</summary>
    public bool Allows(string type, string name, string action) =>
        Access.Any(s => s.Type == type && s.Name == name && (s.Actions.Contains(action) || s.Actions.Contains("*")));
}

/// <summary>
/// Issues and checks the registry's own bearer tokens: base64url(JSON claims) "." base64url(HMAC-SHA256).
/// The key is made at start-up and never leaves the process, so only this server can have issued a token
/// it accepts; clients fetch a new one after a restart, as they do when a token expires.
/// </summary>
public sealed class TokenService(string service, TimeSpan lifetime, byte[]? key = null)
{
    readonly byte[] _key = key ?? RandomNumberGenerator.GetBytes(32);

    public string Service { get; } = service;
    public TimeSpan Lifetime { get; } = lifetime;

    public string Issue(string subject, IEnumerable<Scope> access, DateTimeOffset now)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("iss", Service);
            w.WriteString("sub", subject);
            w.WriteString("aud", Service);
            w.WriteNumber("iat", now.ToUnixTimeSeconds());
            w.WriteNumber("exp", (now + Lifetime).ToUnixTimeSeconds());
            w.WriteStartArray("access");
            foreach (var s in access)
            {
                w.WriteStartObject();
                w.WriteString("type", s.Type);
                w.WriteString("name", s.Name);
                w.WriteStartArray("actions");
                foreach (var a in s.Actions) w.WriteStringValue(a);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        var payload = buffer.ToArray();
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(HMACSHA256.HashData(_key, payload));
    }

    /// <summary>The claims of a token this service issued and that has not expired, or null.</summary>
    public TokenClaims? Validate(string token, DateTimeOffset now)
    {
        var dot = token.IndexOf('.');
        if (dot <= 0) return null;
        byte[] payload, mac;
        try
        {
            payload = Base64Url.DecodeFromChars(token.AsSpan(0, dot));
            mac = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
        }
        catch (FormatException) { return null; }
        if (!CryptographicOperations.FixedTimeEquals(mac, HMACSHA256.HashData(_key, payload))) return null;
        try
        {
            using var doc = JsonDocument.Parse(payload);
            var root = doc.RootElement;
            var exp = DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("exp").GetInt64());
            var aud = root.GetProperty("aud").GetString() ?? "";
            if (exp <= now || aud != Service) return null;
            var access = new List<Scope>();
            foreach (var a in root.GetProperty("access").EnumerateArray())
                access.Add(new Scope(a.GetProperty("type").GetString() ?? "", a.GetProperty("name").GetString() ?? "",
                    a.GetProperty("actions").EnumerateArray().Select(x => x.GetString() ?? "").ToList()));
            return new TokenClaims(root.GetProperty("sub").GetString() ?? "", aud, exp, access);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// What an htpasswd user is granted of the scopes asked for: every repository action the protocol knows,
    /// and the catalog (htpasswd carries no per-user rights, as with registry:2).
    /// </summary>
    public static List<Scope> Grant(IEnumerable<Scope> requested)
    {
        var granted = new List<Scope>();
        foreach (var s in requested)
        {
            string[] allowed = s.Type switch
            {
                "repository" => ["pull", "push", "delete", "*"],
                "registry" when s.Name == "catalog" => ["*"],
                _ => [],
            };
            var actions = s.Actions.Where(allowed.Contains).Distinct().ToList();
            if (actions.Count > 0) granted.Add(s with { Actions = actions });
        }
        return granted;
    }

    public static string EncodeBasic(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));
}
