using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Wharf.Engine.Distribution;

/// <summary>What a client sends to authenticate against a registry (the X-Registry-Auth header, the /auth body).</summary>
public sealed record RegistryCredentials(string? Username, string? Password, string? IdentityToken, string? RegistryToken, string? ServerAddress)
{
    public static readonly RegistryCredentials Anonymous = new(null, null, null, null, null);

    public bool IsAnonymous => string.IsNullOrEmpty(Username) && string.IsNullOrEmpty(IdentityToken) && string.IsNullOrEmpty(RegistryToken);

    /// <summary>Decodes X-Registry-Auth: base64url (padded or not, standard alphabet accepted too) of an AuthConfig JSON.</summary>
    public static RegistryCredentials FromHeader(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return Anonymous;
        byte[] raw;
        try
        {
            var b64 = header.Trim().Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
            raw = Convert.FromBase64String(b64);
        }
        catch (FormatException)
        {
            throw new BadRequestException("invalid X-Registry-Auth header: not base64");
        }
        // Older clients send "{}" or "null" for no credentials.
        return FromJson(raw, "X-Registry-Auth header");
    }

    /// <summary>
    /// Decodes X-Registry-Config (sent with /build): base64url of a JSON object mapping each registry to an AuthConfig.
    /// Entries without credentials are left out.
    /// </summary>
    public static IReadOnlyDictionary<string, RegistryCredentials> ConfigFromHeader(string? header)
    {
        var result = new Dictionary<string, RegistryCredentials>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(header)) return result;
        byte[] raw;
        try
        {
            var b64 = header.Trim().Replace('-', '+').Replace('_', '/');
            raw = Convert.FromBase64String(b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '='));
        }
        catch (FormatException)
        {
            throw new BadRequestException("invalid X-Registry-Config header: not base64");
        }
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(raw);
        }
        catch (JsonException e)
        {
            throw new BadRequestException($"invalid X-Registry-Config header: {e.Message}", e);
        }
        if (node is null) return result;
        if (node is not JsonObject o) throw new BadRequestException("invalid X-Registry-Config header: expected a JSON object");
        foreach (var (key, value) in o)
        {
            if (value is null) continue;
            var credentials = FromJson(System.Text.Encoding.UTF8.GetBytes(value.ToJsonString()), $"X-Registry-Config entry for {key}");
            if (!credentials.IsAnonymous) result[key] = credentials;
        }
        return result;
    }

    /// <summary>A registry as a host[:port], from what clients send (`https://host/v1/`, `http://host`, `host`); Docker Hub's names as docker.io.</summary>
    public static string HostOf(string keyOrAddress) => Api.Models.RegistryAddress.HostOf(keyOrAddress);

    /// <summary>Parses an AuthConfig object (`username`, `password`, `auth`, `identitytoken`, `registrytoken`, `serveraddress`).</summary>
    public static RegistryCredentials FromJson(ReadOnlySpan<byte> json, string what)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new BadRequestException($"invalid {what}: {e.Message}", e);
        }
        if (node is null) return Anonymous;
        if (node is not JsonObject o) throw new BadRequestException($"invalid {what}: expected a JSON object");
        string? Get(string key)
        {
            foreach (var (k, v) in o)
                if (k.Equals(key, StringComparison.OrdinalIgnoreCase) && v is JsonValue jv && jv.GetValueKind() == JsonValueKind.String)
                    return jv.GetValue<string>();
            return null;
        }
        var user = Get("username");
        var pass = Get("password");
        if (string.IsNullOrEmpty(user) && Get("auth") is { Length: > 0 } auth)
            (user, pass) = DecodeBasic(auth);
        return new RegistryCredentials(NullIfEmpty(user), NullIfEmpty(pass), NullIfEmpty(Get("identitytoken")),
            NullIfEmpty(Get("registrytoken")), NullIfEmpty(Get("serveraddress")));
    }

    /// <summary>The `auth` field of config.json: base64 of "user:password".</summary>
    public static (string User, string Password) DecodeBasic(string auth)
    {
        string text;
        try { text = Encoding.UTF8.GetString(Convert.FromBase64String(auth)); }
        catch (FormatException) { throw new BadRequestException("invalid auth field: not base64"); }
        int colon = text.IndexOf(':');
        if (colon < 0) throw new BadRequestException("invalid auth field: expected user:password");
        return (text[..colon], text[(colon + 1)..]);
    }

    public string BasicHeaderValue() => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{Password}"));

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    public override string ToString() => $"RegistryCredentials({Username ?? "anonymous"})";
}
