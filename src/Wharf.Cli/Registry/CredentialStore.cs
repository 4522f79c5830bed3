using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Wharf.Api.Models;

namespace Wharf.Cli.Registry;

/// <summary>
/// Registry credentials in a docker-compatible config.json: `{"auths": {"host": {"auth": base64(user:pass)}}}`.
/// Written to the wharf config directory (~/.wharf); read from there, then from the docker CLI's (~/.docker),
/// so a `docker login` is honoured too. Other keys of the file are kept as they are. A credential helper named by
/// `credHelpers` (per registry) or `credsStore` (all registries) in either file holds the secrets instead: the file
/// then only records the registry, as Docker does.
/// </summary>
public sealed class CredentialStore(string configDir, string? dockerConfigDir)
{
    /// <summary>The key Docker stores docker.io credentials under.</summary>
    public const string IndexServer = "https://index.docker.io/v1/";

    public string ConfigPath => Path.Combine(configDir, "config.json");

    public static CredentialStore ForUser(string configDir) => new(configDir,
        Environment.GetEnvironmentVariable("DOCKER_CONFIG") is { Length: > 0 } d ? d : Path.Combine(GlobalOptions.HomeDir(), ".docker"));

    /// <summary>The config key of a registry host: docker.io is Docker's index URL, others are host[:port].</summary>
    public static string KeyFor(string host) => IsDockerHub(host) ? IndexServer : host;

    /// <summary>The registry host of a normalized image name (`docker.io/library/busybox` → docker.io).</summary>
    public static string HostOfImage(string normalizedName) => normalizedName[..normalizedName.IndexOf('/')];

    IEnumerable<string> ConfigPaths => dockerConfigDir is null ? [ConfigPath] : [ConfigPath, Path.Combine(dockerConfigDir, "config.json")];

    /// <summary>The credential helper for a host: `credHelpers` then `credsStore`, of the first file that names one; or null.</summary>
    public CredentialHelper? HelperFor(string host)
    {
        foreach (var path in ConfigPaths)
        {
            if (Load(path, throwOnError: path == ConfigPath) is not { } root) continue;
            if (root["credHelpers"] is JsonObject helpers)
                foreach (var (key, value) in helpers)
                    if (SameHost(key, host) && value is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: > 0 } name)
                        return new CredentialHelper(name);
            if (Str(root, "credsStore") is { Length: > 0 } store) return new CredentialHelper(store);
        }
        return null;
    }

    /// <summary>Stored credentials for a host (from its credential helper, else the files), or null.</summary>
    public AuthConfig? Get(string host)
    {
        var key = KeyFor(HostOf(host));
        if (HelperFor(host) is { } helper && helper.Get(key) is { } found)
            return found.Username == CredentialHelper.TokenUser
                ? new AuthConfig { ServerAddress = key, IdentityToken = found.Secret }
                : new AuthConfig { ServerAddress = key, Username = found.Username, Password = found.Secret };
        return GetFromFiles(host);
    }

    AuthConfig? GetFromFiles(string host)
    {
        foreach (var path in ConfigPaths)
        {
            if (Load(path, throwOnError: path == ConfigPath) is not { } root || root["auths"] is not JsonObject auths) continue;
            foreach (var (key, value) in auths)
            {
                if (value is not JsonObject entry || !SameHost(key, host)) continue;
                var auth = new AuthConfig { ServerAddress = KeyFor(host) };
                if (Str(entry, "auth") is { Length: > 0 } b64)
                {
                    var text = Encoding.UTF8.GetString(Convert.FromBase64String(b64));
                    int colon = text.IndexOf(':');
                    if (colon < 0) throw new FormatException($"{path}: the credentials for {key} are not user:password");
                    auth.Username = text[..colon];
                    auth.Password = text[(colon + 1)..];
                }
                auth.IdentityToken = Str(entry, "identitytoken");
                if (auth.Username is null && auth.IdentityToken is null) continue;
                return auth;
            }
        }
        return null;
    }

    /// <summary>
    /// Every registry's stored credentials, keyed as Docker keys them (what `build` sends as X-Registry-Config, as the
    /// docker CLI does): the registries the files record a login for and those given a helper by `credHelpers`.
    /// </summary>
    public Dictionary<string, AuthConfig> All()
    {
        var hosts = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in ConfigPaths)
        {
            if (Load(path, throwOnError: path == ConfigPath) is not { } root) continue;
            foreach (var section in new[] { "auths", "credHelpers" })
                if (root[section] is JsonObject entries)
                    foreach (var (key, _) in entries) hosts.Add(HostOf(key));
        }
        var all = new Dictionary<string, AuthConfig>(StringComparer.Ordinal);
        foreach (var host in hosts)
        {
            AuthConfig? found;
            try { found = Get(host); }
            catch (FormatException) { continue; } // a broken helper entry must not stop a build that may not need it
            if (found is not null) all[KeyFor(host)] = found;
        }
        return all;
    }

    /// <summary>Stores a login: with the host's credential helper (returned) when there is one, else in the file.</summary>
    public CredentialHelper? Save(string host, string username, string password)
    {
        var helper = HelperFor(host);
        helper?.Store(KeyFor(HostOf(host)), username, password);
        var root = Load(ConfigPath, throwOnError: true) ?? new JsonObject();
        if (root["auths"] is not JsonObject auths) root["auths"] = auths = new JsonObject();
        foreach (var k in auths.Select(a => a.Key).Where(k => SameHost(k, host)).ToList()) auths.Remove(k);
        auths[KeyFor(host)] = helper is not null
            ? new JsonObject()
            : new JsonObject { ["auth"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(username + ":" + password)) };
        Write(root);
        return helper;
    }

    /// <summary>Forgets a host's credentials; false when there were none.</summary>
    public bool Remove(string host)
    {
        bool erased = HelperFor(host)?.Erase(KeyFor(HostOf(host))) ?? false;
        var root = Load(ConfigPath, throwOnError: true);
        if (root?["auths"] is not JsonObject auths) return erased;
        var keys = auths.Select(a => a.Key).Where(k => SameHost(k, host)).ToList();
        if (keys.Count == 0) return erased;
        foreach (var k in keys) auths.Remove(k);
        Write(root);
        return true;
    }

    /// <summary>Normalises what users type or files hold (`https://host/v1/`, `http://host`, `host`) to host[:port].</summary>
    public static string HostOf(string keyOrAddress) => RegistryAddress.HostOf(keyOrAddress);

    private static bool IsDockerHub(string host) => RegistryAddress.IsDockerHub(host);

    private static bool SameHost(string key, string host) => HostOf(key) == HostOf(host);

    private static JsonObject? Load(string path, bool throwOnError)
    {
        if (!File.Exists(path)) return null;
        try
        {
            return JsonNode.Parse(File.ReadAllBytes(path)) as JsonObject ?? throw new FormatException("not a JSON object");
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            if (throwOnError) throw new FormatException($"loading {path}: {e.Message}", e);
            return null;
        }
    }

    private void Write(JsonObject root)
    {
        Directory.CreateDirectory(configDir);
        var tmp = ConfigPath + ".tmp-" + Environment.ProcessId;
        var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true })) root.WriteTo(w);
        var bytes = ms.ToArray();
        using (var f = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            f.Write(bytes);
            f.Flush(flushToDisk: true);
        }
        File.Move(tmp, ConfigPath, overwrite: true);
    }

    private static string? Str(JsonObject o, string key) =>
        o[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
