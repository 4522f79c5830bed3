using System.Text;
using System.Text.RegularExpressions;

namespace Wharf.Cli.Build;

/// <summary>
/// `.dockerignore` with Docker's rules: one pattern a line, `#` comments, blank lines skipped, patterns cleaned
/// (leading `/` and `./` dropped), `*` `?` `[...]` within a path element, `**` across any number of elements,
/// `!` re-includes; the last matching pattern decides, and a pattern matching a directory excludes what is in it.
/// </summary>
public sealed class DockerIgnore
{
    private sealed record Rule(string Text, Regex Regex, bool Exclusion, int Depth);

    private readonly List<Rule> _rules;

    private DockerIgnore(List<Rule> rules) => _rules = rules;

    public static DockerIgnore Empty { get; } = new([]);

    public bool HasExclusions => _rules.Any(r => r.Exclusion);

    /// <summary>Parses the file's text; throws <see cref="FormatException"/> naming a malformed pattern.</summary>
    public static DockerIgnore Parse(string text)
    {
        var rules = new List<Rule>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith('#')) continue;
            line = line.Trim();
            if (line.Length == 0) continue;
            var exclusion = false;
            if (line[0] == '!')
            {
                exclusion = true;
                line = line[1..].Trim();
                if (line.Length == 0) throw new FormatException("illegal exclusion pattern: \"!\"");
            }
            var cleaned = Clean(line);
            if (cleaned == ".") continue;
            rules.Add(new Rule(cleaned, ToRegex(cleaned), exclusion, cleaned.Count(c => c == '/')));
        }
        return new DockerIgnore(rules);
    }

    private static string Clean(string pattern)
    {
        var parts = new List<string>();
        foreach (var p in pattern.Split('/'))
        {
            if (p is "" or ".") continue;
            if (p == ".." && parts.Count > 0 && parts[^1] != "..") { parts.RemoveAt(parts.Count - 1); continue; }
            if (p == ".." && parts.Count == 0) continue;
            parts.Add(p);
        }
        return parts.Count == 0 ? "." : string.Join('/', parts);
    }

    private static Regex ToRegex(string pattern)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*':
                    if (i + 1 < pattern.Length && pattern[i + 1] == '*')
                    {
                        i++;
                        // `**/` matches zero or more directories; a trailing `**` anything.
                        if (i + 1 < pattern.Length && pattern[i + 1] == '/')
                        {
                            i++;
                            sb.Append("(.*/)?");
                        }
                        else
                        {
                            sb.Append(".*");
                        }
                    }
                    else
                    {
                        sb.Append("[^/]*");
                    }
                    break;
                case '?':
                    sb.Append("[^/]");
                    break;
                case '[':
                    var end = pattern.IndexOf(']', i + 2);
                    if (end < 0) throw new FormatException($"syntax error in pattern: {pattern}");
                    var cls = pattern[(i + 1)..end];
                    if (cls.StartsWith('^')) cls = "^" + Regex.Escape(cls[1..]).Replace("\\-", "-");
                    else cls = Regex.Escape(cls).Replace("\\-", "-");
                    sb.Append('[').Append(cls).Append(']');
                    i = end;
                    break;
                case '\\':
                    if (i + 1 >= pattern.Length) throw new FormatException($"syntax error in pattern: {pattern}");
                    sb.Append(Regex.Escape(pattern[++i].ToString()));
                    break;
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
        sb.Append('$');
        return new Regex(sb.ToString(), RegexOptions.CultureInvariant);
    }

    /// <summary>Whether the context path <paramref name="path"/> (slash-separated, relative) is left out.</summary>
    public bool IsExcluded(string path)
    {
        var excluded = false;
        foreach (var rule in _rules)
        {
            if (rule.Exclusion == !excluded) continue;
            if (Matches(rule, path)) excluded = !rule.Exclusion;
        }
        return excluded;
    }

    /// <summary>A pattern matches the path itself or one of its parent directories (as deep as the pattern).</summary>
    private static bool Matches(Rule rule, string path)
    {
        if (rule.Regex.IsMatch(path)) return true;
        var parts = path.Split('/');
        for (var n = 1; n < parts.Length; n++)
        {
            if (rule.Regex.IsMatch(string.Join('/', parts.Take(n)))) return true;
        }
        return false;
    }

    /// <summary>
    /// Whether a walk may skip an excluded directory without looking inside: no `!` rule could re-include
    /// something below it.
    /// </summary>
    public bool CanSkipDirectory(string dir)
    {
        foreach (var rule in _rules.Where(r => r.Exclusion))
        {
            if (rule.Text.Contains("**") || rule.Text.StartsWith(dir + "/", StringComparison.Ordinal)
                || (rule.Text.IndexOfAny(['*', '?', '[', '\\']) >= 0 && rule.Depth > dir.Count(c => c == '/'))) return false;
        }
        return true;
    }
}
