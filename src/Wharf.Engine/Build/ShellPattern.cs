using System.Text;
using System.Text.RegularExpressions;

namespace Wharf.Engine.Build;

/// <summary>Shell wildcard patterns (`*`, `?`, `\` escapes; no brackets) for `${a#p}`, `${a%p}` and `${a/p/r}`.</summary>
internal static class ShellPattern
{
    /// <summary>Removes the shortest (or longest when greedy) prefix of <paramref name="value"/> matching the pattern.</summary>
    public static string TrimPrefix(string pattern, string value, bool greedy)
    {
        var m = ToRegex(pattern, greedy, anchored: true).Match(value);
        return m.Success ? value[(m.Index + m.Length)..] : value;
    }

    /// <summary>Removes the shortest (or longest) suffix matching the pattern.</summary>
    public static string TrimSuffix(string pattern, string value, bool greedy)
    {
        // A regex finds the leftmost match, so reverse the value and the pattern to search from the right.
        var trimmed = TrimPrefix(ReversePattern(pattern), Reverse(value), greedy);
        return Reverse(trimmed);
    }

    /// <summary>Replaces the first (or every) match of the pattern in <paramref name="value"/>.</summary>
    public static string Replace(string pattern, string value, string replacement, bool all)
    {
        var re = ToRegex(pattern, greedy: true, anchored: false);
        // The replacement is literal text, not a regex substitution pattern.
        return all ? re.Replace(value, _ => replacement) : re.Replace(value, _ => replacement, 1);
    }

    private static Regex ToRegex(string pattern, bool greedy, bool anchored)
    {
        var sb = new StringBuilder(pattern.Length + 4);
        if (anchored)
        {
            sb.Append('^');
        }
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*':
                    sb.Append(greedy ? ".*" : ".*?");
                    continue;
                case '?':
                    sb.Append('.');
                    continue;
                case '\\':
                    // Inside ${...} the escapes before } and / only protect the delimiter.
                    if (i + 1 < pattern.Length && pattern[i + 1] is '}' or '/')
                    {
                        continue;
                    }
                    if (i + 1 >= pattern.Length || pattern[i + 1] is not ('*' or '?' or '\\'))
                    {
                        var bad = i + 1 < pattern.Length ? pattern[i + 1].ToString() : "";
                        throw new ShellExpansionException($"invalid pattern ({pattern}) in substitution: invalid escape '\\{bad}'");
                    }
                    sb.Append('\\').Append(pattern[++i]);
                    continue;
            }
            sb.Append(Regex.Escape(c.ToString()));
        }
        return new Regex(sb.ToString(), RegexOptions.CultureInvariant);
    }

    private static string ReversePattern(string pattern)
    {
        // Reverse, but keep each escape in front of the character it escapes (a\*c -> c\*a).
        var tokens = new List<string>();
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\' && i + 1 < pattern.Length)
            {
                tokens.Add(pattern.Substring(i, 2));
                i++;
            }
            else
            {
                tokens.Add(pattern[i].ToString());
            }
        }
        tokens.Reverse();
        return string.Concat(tokens);
    }

    private static string Reverse(string s)
    {
        var a = s.ToCharArray();
        Array.Reverse(a);
        return new string(a);
    }
}
