namespace Wharf.Api.Build;

/// <summary>
/// Go's filepath.Match on slash-separated paths, which COPY wildcards and .dockerignore patterns use:
/// `*` is any run of non-slash characters, `?` one non-slash character, `[a-z]` / `[^a-z]` a class,
/// `\` escapes the next character.
/// </summary>
public static class PathPattern
{
    /// <summary>Whether <paramref name="name"/> matches <paramref name="pattern"/> entirely; a malformed pattern throws <see cref="FormatException"/>.</summary>
    public static bool Match(string pattern, string name) => MatchAt(pattern, 0, name, 0);

    /// <summary>Throws <see cref="FormatException"/> when the pattern is malformed (an unclosed class, a trailing `\`).</summary>
    public static void Validate(string pattern)
    {
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\')
            {
                if (++i >= pattern.Length) throw new FormatException("syntax error in pattern");
            }
            else if (pattern[i] == '[')
            {
                ClassEnd(pattern, i);
            }
        }
    }

    private static bool MatchAt(string p, int pi, string s, int si)
    {
        while (pi < p.Length)
        {
            var c = p[pi];
            switch (c)
            {
                case '*':
                    while (pi < p.Length && p[pi] == '*') pi++;
                    if (pi == p.Length) return s.IndexOf('/', si) < 0;
                    for (var k = si; k <= s.Length; k++)
                    {
                        if (MatchAt(p, pi, s, k)) return true;
                        if (k < s.Length && s[k] == '/') return false;
                    }
                    return false;
                case '?':
                    if (si >= s.Length || s[si] == '/') return false;
                    pi++;
                    si++;
                    break;
                case '[':
                    var end = ClassEnd(p, pi);
                    if (si >= s.Length || s[si] == '/' || !InClass(p, pi + 1, end, s[si])) return false;
                    pi = end + 1;
                    si++;
                    break;
                case '\\':
                    if (pi + 1 >= p.Length) throw new FormatException("syntax error in pattern");
                    if (si >= s.Length || s[si] != p[pi + 1]) return false;
                    pi += 2;
                    si++;
                    break;
                default:
                    if (si >= s.Length || s[si] != c) return false;
                    pi++;
                    si++;
                    break;
            }
        }
        return si == s.Length;
    }

    /// <summary>The index of the `]` closing the class that opens at <paramref name="open"/>.</summary>
    private static int ClassEnd(string p, int open)
    {
        var i = open + 1;
        if (i < p.Length && p[i] == '^') i++;
        var first = true;
        while (i < p.Length)
        {
            if (p[i] == ']' && !first) return i;
            if (p[i] == '\\') i++;
            i++;
            first = false;
        }
        throw new FormatException("syntax error in pattern");
    }

    private static bool InClass(string p, int start, int end, char c)
    {
        var negate = start < end && p[start] == '^';
        if (negate) start++;
        var matched = false;
        for (var i = start; i < end;)
        {
            var lo = p[i] == '\\' ? p[++i] : p[i];
            i++;
            var hi = lo;
            if (i + 1 < end && p[i] == '-')
            {
                hi = p[i + 1] == '\\' ? p[i + 2] : p[i + 1];
                i += p[i + 1] == '\\' ? 3 : 2;
            }
            if (lo <= c && c <= hi) matched = true;
        }
        return matched != negate;
    }
}
