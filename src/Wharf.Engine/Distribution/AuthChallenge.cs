namespace Wharf.Engine.Distribution;

/// <summary>One challenge of a WWW-Authenticate header: `Bearer realm="...",service="...",scope="..."` or `Basic realm="..."`.</summary>
public sealed record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public string? this[string name] => Parameters.TryGetValue(name, out var v) ? v : null;

    public bool IsBearer => Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);
    public bool IsBasic => Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Parses a header value into its challenges (RFC 7235): schemes followed by comma-separated
    /// name=value or name="quoted \"value\"" parameters; several challenges may share one header.
    /// </summary>
    public static List<AuthChallenge> Parse(string header)
    {
        var result = new List<AuthChallenge>();
        int i = 0;
        string? scheme = null;
        Dictionary<string, string> parameters = new(StringComparer.OrdinalIgnoreCase);
        while (i < header.Length)
        {
            SkipSeparators(header, ref i);
            if (i >= header.Length) break;
            int start = i;
            while (i < header.Length && IsTokenChar(header[i])) i++;
            if (i == start) { i++; continue; }
            var token = header[start..i];
            int afterToken = i;
            SkipSpaces(header, ref i);
            if (i < header.Length && header[i] == '=' && scheme is not null)
            {
                i++;
                SkipSpaces(header, ref i);
                parameters[token] = ReadValue(header, ref i);
                continue;
            }
            // A token not followed by '=' starts a new challenge (token68 forms are kept as a parameter).
            if (scheme is not null) result.Add(new AuthChallenge(scheme, parameters));
            scheme = token;
            parameters = new(StringComparer.OrdinalIgnoreCase);
            i = afterToken;
        }
        if (scheme is not null) result.Add(new AuthChallenge(scheme, parameters));
        return result;
    }

    private static string ReadValue(string s, ref int i)
    {
        if (i < s.Length && s[i] == '"')
        {
            i++;
            var sb = new System.Text.StringBuilder();
            while (i < s.Length && s[i] != '"')
            {
                if (s[i] == '\\' && i + 1 < s.Length) i++;
                sb.Append(s[i++]);
            }
            if (i < s.Length) i++;
            return sb.ToString();
        }
        int start = i;
        while (i < s.Length && s[i] != ',' && s[i] != ' ') i++;
        return s[start..i];
    }

    private static void SkipSpaces(string s, ref int i)
    {
        while (i < s.Length && (s[i] == ' ' || s[i] == '\t')) i++;
    }

    private static void SkipSeparators(string s, ref int i)
    {
        while (i < s.Length && (s[i] == ' ' || s[i] == '\t' || s[i] == ',')) i++;
    }

    private static bool IsTokenChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~/".Contains(c);
}
