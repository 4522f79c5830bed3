using System.Text;

namespace Wharf.Cli.Output;

/// <summary>Go's json.Indent: re-indents JSON bytes, keeping every token (and string escape) exactly as sent.</summary>
public static class JsonIndent
{
    public static string Indent(ReadOnlySpan<byte> json, string prefix = "", string indent = "    ")
    {
        var src = Encoding.UTF8.GetString(json);
        var sb = new StringBuilder(src.Length * 2);
        int depth = 0;
        bool needIndent = false; // just opened a container; newline goes before the first element
        for (int i = 0; i < src.Length; i++)
        {
            var c = src[i];
            if (c is ' ' or '\t' or '\n' or '\r') continue;
            if (needIndent && c is not (']' or '}'))
            {
                needIndent = false;
                depth++;
                NewLine(sb, prefix, indent, depth);
            }
            switch (c)
            {
                case '"':
                    int start = i;
                    for (i++; i < src.Length; i++)
                    {
                        if (src[i] == '\\') i++;
                        else if (src[i] == '"') break;
                    }
                    sb.Append(src, start, Math.Min(i, src.Length - 1) - start + 1);
                    break;
                case '{':
                case '[':
                    sb.Append(c);
                    needIndent = true;
                    break;
                case ',':
                    sb.Append(c);
                    NewLine(sb, prefix, indent, depth);
                    break;
                case ':':
                    sb.Append(c).Append(' ');
                    break;
                case '}':
                case ']':
                    if (needIndent)
                    {
                        needIndent = false; // empty container stays compact
                    }
                    else
                    {
                        depth--;
                        NewLine(sb, prefix, indent, depth);
                    }
                    sb.Append(c);
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }

    static void NewLine(StringBuilder sb, string prefix, string indent, int depth)
    {
        sb.Append('\n').Append(prefix);
        for (int d = 0; d < depth; d++) sb.Append(indent);
    }
}

/// <summary>Go's json.Compact: whitespace outside strings removed, tokens kept verbatim.</summary>
public static class JsonCompact
{
    public static string Compact(ReadOnlySpan<byte> json)
    {
        var src = Encoding.UTF8.GetString(json);
        var sb = new StringBuilder(src.Length);
        for (int i = 0; i < src.Length; i++)
        {
            var c = src[i];
            if (c == '"')
            {
                int start = i;
                for (i++; i < src.Length; i++)
                {
                    if (src[i] == '\\') i++;
                    else if (src[i] == '"') break;
                }
                sb.Append(src, start, Math.Min(i, src.Length - 1) - start + 1);
            }
            else if (c is not (' ' or '\t' or '\n' or '\r')) sb.Append(c);
        }
        return sb.ToString();
    }
}
