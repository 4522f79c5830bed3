using System.Text;

namespace Wharf.Registry.Auth;

/// <summary>The access a request needs: a resource and the actions on it (none for the /v2/ check).</summary>
public sealed record RequiredAccess(string Type, string Name, IReadOnlyList<string> Actions)
{
    public static readonly RequiredAccess Base = new("", "", []);

    public static RequiredAccess Repository(string name, params string[] actions) => new("repository", name, actions);

    public static readonly RequiredAccess Catalog = new("registry", "catalog", ["*"]);

    public string? ScopeText => Type.Length == 0 ? null : $"{Type}:{Name}:{string.Join(',', Actions)}";
}

/// <summary>Why a request was not let in, and the WWW-Authenticate challenge that tells the client how to get in.</summary>
public sealed record AccessDenied(string Message, string Challenge);

/// <summary>
/// Decides whether a request may do what it asks. Without an htpasswd file everyone may do everything; with one,
/// anonymous requests are refused and a request carries either Basic credentials from the file or a bearer
/// token this server issued at its /token realm, whose scopes must cover the resource and action.
/// </summary>
public sealed class AccessControl(Htpasswd? users, TokenService tokens)
{
    public bool Enabled => users is not null;
    public Htpasswd? Users => users;
    public TokenService Tokens => tokens;

    /// <summary>Null when allowed; otherwise the denial with the challenge for <paramref name="realm"/>.</summary>
    public AccessDenied? Check(string? authorization, RequiredAccess need, string realm, DateTimeOffset now)
    {
        if (users is null) return null;
        bool presentedToken = false;
        if (authorization is { Length: > 0 })
        {
            if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
            {
                if (TryDecodeBasic(authorization, out var user, out var password) && users.Verify(user, password)) return null;
                return new AccessDenied("incorrect username or password", Challenge(realm, need, null));
            }
            if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                presentedToken = true;
                var claims = tokens.Validate(authorization[7..].Trim(), now);
                if (claims is not null && (need.Actions.Count == 0 || need.Actions.All(a => claims.Allows(need.Type, need.Name, a)))) return null;
                if (claims is null) return new AccessDenied("invalid or expired token", Challenge(realm, need, "invalid_token"));
            }
        }
        return new AccessDenied(presentedToken ? "insufficient scope" : "authentication required",
            Challenge(realm, need, presentedToken ? "insufficient_scope" : null));
    }

    public bool Allows(string? authorization, RequiredAccess need, DateTimeOffset now) => Check(authorization, need, "", now) is null;

    string Challenge(string realm, RequiredAccess need, string? error)
    {
        var sb = new StringBuilder();
        sb.Append("Bearer realm=\"").Append(realm).Append("\",service=\"").Append(tokens.Service).Append('"');
        if (need.ScopeText is { } scope) sb.Append(",scope=\"").Append(scope).Append('"');
        if (error is not null) sb.Append(",error=\"").Append(error).Append('"');
        return sb.ToString();
    }

    public static bool TryDecodeBasic(string header, out string user, out string password)
    {
        user = password = "";
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            var colon = text.IndexOf(':');
            if (colon < 0) return false;
            user = text[..colon];
            password = text[(colon + 1)..];
            return true;
        }
        catch (FormatException) { return false; }
    }
}
