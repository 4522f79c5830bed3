using System.Text;

namespace Wharf.Cli.Templates;

/// <summary>docker/cli's template functions (templates.go basicFunctions) and its table-header replacements.</summary>
internal static class DockerFunctions
{
    public static IEnumerable<TemplateFunction> All()
    {
        yield return new("json", [ParamKind.Any], null, a => GoJson.Encode(a[0]));
        yield return new("split", [ParamKind.String, ParamKind.String], null, a => Split((string)a[0]!, (string)a[1]!));
        yield return new("join", [ParamKind.StringList, ParamKind.String], null, a => string.Join((string)a[1]!, (string[]?)a[0] ?? []));
        yield return new("title", [ParamKind.String], null, a => Values.Title((string)a[0]!));
        yield return new("lower", [ParamKind.String], null, a => ((string)a[0]!).ToLowerInvariant());
        yield return new("upper", [ParamKind.String], null, a => ((string)a[0]!).ToUpperInvariant());
        yield return new("pad", [ParamKind.String, ParamKind.Int, ParamKind.Int], null, a => Pad((string)a[0]!, (long)a[1]!, (long)a[2]!));
        yield return new("truncate", [ParamKind.String, ParamKind.Int], null, a => Truncate((string)a[0]!, (long)a[1]!));
    }

    /// <summary>
    /// docker's HeaderFunctions: when the header row is rendered over column names, formatting functions return
    /// the name untouched so "{{upper .Name}}" still heads its column with "NAME". pad is deliberately kept.
    /// </summary>
    public static IEnumerable<TemplateFunction> HeaderOverrides()
    {
        yield return new("json", [ParamKind.String], null, a => a[0]);
        yield return new("split", [ParamKind.String, ParamKind.String], null, a => a[0]);
        yield return new("join", [ParamKind.String, ParamKind.String], null, a => a[0]);
        yield return new("title", [ParamKind.String], null, a => a[0]);
        yield return new("lower", [ParamKind.String], null, a => a[0]);
        yield return new("upper", [ParamKind.String], null, a => a[0]);
        yield return new("truncate", [ParamKind.String, ParamKind.Int], null, a => a[0]);
    }

    /// <summary>strings.Split: an empty separator splits after each UTF-8 sequence.</summary>
    private static string[] Split(string s, string sep)
    {
        if (sep.Length == 0)
        {
            return GoQuote.Runes(s).Select(r => r.ToString()).ToArray();
        }

        return s.Split(sep, StringSplitOptions.None);
    }

    private static string Pad(string source, long prefix, long suffix)
    {
        if (source.Length == 0)
        {
            return source;
        }

        if (prefix < 0 || suffix < 0)
        {
            throw new FunctionException("strings: negative Repeat count");
        }

        return new string(' ', (int)Math.Min(prefix, 1 << 20)) + source + new string(' ', (int)Math.Min(suffix, 1 << 20));
    }

    /// <summary>Cuts to a byte length like Go's source[:length]; a rune split in half is dropped rather than mangled.</summary>
    private static string Truncate(string source, long length)
    {
        var bytes = Encoding.UTF8.GetBytes(source);
        if (bytes.Length < length)
        {
            return source;
        }

        if (length < 0)
        {
            throw new FunctionException("runtime error: slice bounds out of range [:" + length + "]");
        }

        var cut = (int)length;
        while (cut > 0 && cut < bytes.Length && (bytes[cut] & 0xC0) == 0x80)
        {
            cut--;
        }

        return Encoding.UTF8.GetString(bytes, 0, cut);
    }
}
