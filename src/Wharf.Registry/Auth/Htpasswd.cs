using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Wharf.Registry.Auth;

/// <summary>
/// An htpasswd file of bcrypt entries (`htpasswd -B`), as registry:2 reads it. Other hash kinds are refused
/// when the file is loaded, not at the first login. Successful checks are remembered (by a hash of the
/// credentials) so a push of many blobs does not pay bcrypt's cost on every request.
/// </summary>
public sealed class Htpasswd
{
    readonly Dictionary<string, string> _users;
    readonly ConcurrentDictionary<string, string> _verified = new();

    Htpasswd(Dictionary<string, string> users) => _users = users;

    public int Count => _users.Count;

    public static Htpasswd Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"reading htpasswd file {path}: {e.Message}");
        }
        return Parse(text, path);
    }

    public static Htpasswd Parse(string text, string source = "htpasswd")
    {
        var users = new Dictionary<string, string>(StringComparer.Ordinal);
        int lineNo = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNo++;
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var colon = line.IndexOf(':');
            if (colon <= 0) throw new FormatException($"{source}:{lineNo}: expected user:hash");
            var user = line[..colon];
            var hash = line[(colon + 1)..];
            if (!(hash.StartsWith("$2y$", StringComparison.Ordinal) || hash.StartsWith("$2a$", StringComparison.Ordinal) || hash.StartsWith("$2b$", StringComparison.Ordinal)) || hash.Length != 60)
                throw new FormatException($"{source}:{lineNo}: user {user} does not have a bcrypt hash (create entries with htpasswd -B)");
            users[user] = hash;
        }
        if (users.Count == 0) throw new FormatException($"{source}: no users");
        return new Htpasswd(users);
    }

    public bool Verify(string user, string password)
    {
        if (!_users.TryGetValue(user, out var hash)) return false;
        var key = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(user + "\0" + password)));
        if (_verified.TryGetValue(key, out var known) && known == hash) return true;
        bool ok;
        try { ok = BCrypt.Net.BCrypt.Verify(password, hash); }
        catch (BCrypt.Net.SaltParseException) { ok = false; }
        if (ok) _verified[key] = hash;
        return ok;
    }
}
