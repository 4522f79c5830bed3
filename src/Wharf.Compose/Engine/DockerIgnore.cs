using System.Text.RegularExpressions;

namespace Wharf.Compose.Engine;

/// <summary>.dockerignore patterns for the build context sent with a compose build (globs with *, ?, ** and ! exceptions).</summary>
public sealed class DockerIgnore
{
    readonly List<(Regex Pattern, bool Exclude)> _rules = [];

    public static DockerIgnore Load(string context)
    {
        var d = new DockerIgnore();
        var file = Path.Combine(context, ".dockerignore");
        if (!File.Exists(file)) return d;
        foreach (var raw in File.ReadAllLines(file))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var exclude = line[0] != '!';
            if (!exclude) line = line[1..].Trim();
            line = line.Trim('/');
            if (line.StartsWith("./", StringComparison.Ordinal)) line = line[2..];
            d._rules.Add((new Regex("^" + Glob(line) + "(/.*)?$", RegexOptions.CultureInvariant), exclude));
        }
        return d;
    }

    static string Glob(string pattern)
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                sb.Append(".*");
                i++;
                if (i + 1 < pattern.Length && pattern[i + 1] == '/') i++;
            }
            else if (c == '*') sb.Append("[^/]*");
            else if (c == '?') sb.Append("[^/]");
            else sb.Append(Regex.Escape(c.ToString()));
        }
        return sb.ToString();
    }

    public bool Excludes(string relativePath)
    {
        bool excluded = false;
        foreach (var (p, ex) in _rules) if (p.IsMatch(relativePath)) excluded = ex;
        return excluded;
    }
}
