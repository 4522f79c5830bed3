using System.Text;
using Wharf.Compose.Yaml;

namespace Wharf.Compose.Loading;

/// <summary>
/// Compose's variable substitution in values: <c>$VAR ${VAR} ${VAR:-default} ${VAR-default}
/// ${VAR:?error} ${VAR?error} ${VAR:+alt} ${VAR+alt}</c> and <c>$$</c> for a literal dollar.
/// Defaults are themselves interpolated.
/// </summary>
public static class Interpolator
{
    public static string Interpolate(string text, Func<string, string?> lookup, SourceMark mark, string key)
    {
        if (!text.Contains('$')) return text;
        var sb = new StringBuilder(text.Length);
        int i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c != '$' || i + 1 >= text.Length)
            {
                sb.Append(c);
                i++;
                continue;
            }
            var next = text[i + 1];
            if (next == '$')
            {
                sb.Append('$');
                i += 2;
            }
            else if (next == '{')
            {
                var end = MatchingBrace(text, i + 2);
                if (end < 0) throw ComposeFileException.At(mark, $"{key}: invalid interpolation format in \"{text}\": missing closing brace");
                sb.Append(Expand(text[(i + 2)..end], lookup, mark, key, text));
                i = end + 1;
            }
            else if (IsNameStart(next))
            {
                int j = i + 1;
                while (j < text.Length && IsNameChar(text[j])) j++;
                sb.Append(lookup(text[(i + 1)..j]) ?? "");
                i = j;
            }
            else
            {
                sb.Append(c);
                i++;
            }
        }
        return sb.ToString();
    }

    static int MatchingBrace(string text, int from)
    {
        int depth = 1;
        for (int i = from; i < text.Length; i++)
        {
            if (text[i] == '{' && i > 0 && text[i - 1] == '$') depth++;
            else if (text[i] == '}' && --depth == 0) return i;
        }
        return -1;
    }

    static string Expand(string body, Func<string, string?> lookup, SourceMark mark, string key, string whole)
    {
        int n = 0;
        while (n < body.Length && IsNameChar(body[n])) n++;
        var name = body[..n];
        if (name.Length == 0 || !IsNameStart(name[0]))
            throw ComposeFileException.At(mark, $"{key}: invalid interpolation format for \"{whole}\": \"${{{body}}}\"");
        var value = lookup(name);
        if (n == body.Length) return value ?? "";
        var rest = body[n..];
        bool colon = rest[0] == ':';
        if (colon) rest = rest[1..];
        if (rest.Length == 0) throw ComposeFileException.At(mark, $"{key}: invalid interpolation format for \"{whole}\": \"${{{body}}}\"");
        var op = rest[0];
        var arg = rest[1..];
        bool unset = colon ? string.IsNullOrEmpty(value) : value is null;
        switch (op)
        {
            case '-':
                return unset ? Interpolate(arg, lookup, mark, key) : value!;
            case '?':
                if (unset)
                {
                    var why = Interpolate(arg, lookup, mark, key);
                    throw ComposeFileException.At(mark, $"{key}: required variable {name} is missing a value" + (why.Length > 0 ? ": " + why : ""));
                }
                return value!;
            case '+':
                return unset ? "" : Interpolate(arg, lookup, mark, key);
            default:
                throw ComposeFileException.At(mark, $"{key}: invalid interpolation format for \"{whole}\": \"${{{body}}}\"");
        }
    }

    static bool IsNameStart(char c) => c == '_' || char.IsAsciiLetter(c);

    static bool IsNameChar(char c) => c == '_' || char.IsAsciiLetterOrDigit(c);

    /// <summary>Interpolates every scalar value of a tree (keys are left alone, as Compose does).</summary>
    public static void InterpolateTree(Node node, Func<string, string?> lookup, string path)
    {
        switch (node)
        {
            case ScalarNode s:
                s.Value = Interpolate(s.Value, lookup, s.Mark, path);
                break;
            case SeqNode seq:
                for (int i = 0; i < seq.Items.Count; i++) InterpolateTree(seq.Items[i], lookup, $"{path}[{i}]");
                break;
            case MapNode map:
                foreach (var (k, v) in map.Entries) InterpolateTree(v, lookup, path.Length == 0 ? k : path + "." + k);
                break;
        }
    }
}
