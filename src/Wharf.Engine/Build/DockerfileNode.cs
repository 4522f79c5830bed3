using System.Text;

namespace Wharf.Engine.Build;

/// <summary>
/// One logical line split by the rules of its keyword, before the keyword is validated. Docker checks syntax in
/// two passes (line shapes, then instructions); keeping them apart lets `--change` reject a keyword
/// ("RUN is not a valid change command") before reporting that keyword's argument errors.
/// </summary>
internal sealed class DockerfileNode
{
    public required string RawKeyword { get; init; }
    public string Keyword => RawKeyword.ToUpperInvariant();
    public required List<string> FlagWords { get; init; }
    public required string Rest { get; init; }
    public required string Original { get; init; }
    public int StartLine { get; set; }
    public int EndLine { get; set; }

    /// <summary>The arguments as Docker's line parser splits them for this keyword.</summary>
    public List<string> Args { get; init; } = [];

    /// <summary>The arguments were a JSON array of strings.</summary>
    public bool IsJson { get; init; }

    /// <summary>ENV/LABEL pairs.</summary>
    public List<KeyValueArgument>? Pairs { get; init; }

    /// <summary>ONBUILD's trigger.</summary>
    public DockerfileNode? Inner { get; init; }

    public List<Heredoc> Heredocs { get; } = [];

    /// <summary>Heredocs are read only for RUN, ADD and COPY (also as ONBUILD triggers) in shell form.</summary>
    public bool CanContainHeredoc
    {
        get
        {
            var node = Keyword == "ONBUILD" && Inner is not null ? Inner : this;
            return node.Keyword is "RUN" or "ADD" or "COPY" && !node.IsJson;
        }
    }

    /// <summary>Splits <paramref name="line"/>; throws <see cref="InstructionException"/> for line-level errors.</summary>
    public static DockerfileNode FromLine(string line, char escape)
    {
        var (keyword, flags, rest) = DockerfileTokenizer.SplitCommand(line, escape);
        List<string> args = [];
        var isJson = false;
        List<KeyValueArgument>? pairs = null;
        DockerfileNode? inner = null;
        switch (keyword.ToUpperInvariant())
        {
            case "ADD" or "COPY" or "VOLUME":
                (args, isJson) = MaybeJsonToList(rest);
                break;
            case "CMD" or "ENTRYPOINT" or "RUN" or "SHELL":
                (args, isJson) = MaybeJson(rest);
                break;
            case "ARG":
                args = DockerfileTokenizer.ParseWords(rest, escape);
                break;
            case "ENV":
                pairs = ParseNameValue(rest, "ENV", escape);
                break;
            case "LABEL":
                pairs = ParseNameValue(rest, "LABEL", escape);
                break;
            case "EXPOSE" or "FROM":
                args = DockerfileTokenizer.SplitWhitespace(rest);
                break;
            case "HEALTHCHECK":
                (args, isJson) = HealthcheckArgs(rest);
                break;
            case "MAINTAINER" or "STOPSIGNAL" or "USER" or "WORKDIR":
                if (rest.Length > 0)
                {
                    args = [rest];
                }
                break;
            case "ONBUILD":
                if (rest.Length > 0)
                {
                    inner = FromLine(rest, escape);
                }
                break;
        }
        return new DockerfileNode
        {
            RawKeyword = keyword, FlagWords = flags, Rest = rest, Original = line,
            Args = args, IsJson = isJson, Pairs = pairs, Inner = inner,
        };
    }

    private static (List<string>, bool) MaybeJson(string rest)
    {
        if (rest.Length == 0)
        {
            return ([], false);
        }
        var json = DockerfileTokenizer.TryParseJsonArray(rest);
        return json is null ? ([rest], false) : (json, true);
    }

    private static (List<string>, bool) MaybeJsonToList(string rest)
    {
        var json = DockerfileTokenizer.TryParseJsonArray(rest);
        return json is null ? (DockerfileTokenizer.SplitWhitespace(rest), false) : (json, true);
    }

    private static (List<string>, bool) HealthcheckArgs(string rest)
    {
        // The first word is the type (NONE/CMD); the rest is a command in JSON or shell form.
        var sep = 0;
        while (sep < rest.Length && !char.IsWhiteSpace(rest[sep]))
        {
            sep++;
        }
        if (sep == 0)
        {
            return ([], false);
        }
        var next = sep;
        while (next < rest.Length && char.IsWhiteSpace(rest[next]))
        {
            next++;
        }
        var (cmd, isJson) = MaybeJson(rest[next..]);
        return ([rest[..sep], .. cmd], isJson);
    }

    private static List<KeyValueArgument> ParseNameValue(string rest, string keyword, char escape)
    {
        var words = DockerfileTokenizer.ParseWords(rest, escape);
        var pairs = new List<KeyValueArgument>();
        if (words.Count == 0)
        {
            return pairs;
        }
        // A first word without `=` selects the legacy form `KEY name value...`: one pair, the value is the rest.
        if (!words[0].Contains('='))
        {
            var i = 0;
            while (i < rest.Length && !DockerfileTokenizer.IsArgSpace(rest[i]))
            {
                i++;
            }
            var j = i;
            while (j < rest.Length && DockerfileTokenizer.IsArgSpace(rest[j]))
            {
                j++;
            }
            if (i >= rest.Length)
            {
                throw new InstructionException($"{keyword} must have two arguments");
            }
            pairs.Add(new KeyValueArgument(rest[..i], rest[j..], HasEquals: false));
            return pairs;
        }
        foreach (var word in words)
        {
            var eq = word.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                throw new InstructionException(
                    $"Syntax error - can't find = in {GoQuote(word)}. Must be of the form: name=value");
            }
            pairs.Add(new KeyValueArgument(word[..eq], word[(eq + 1)..], HasEquals: true));
        }
        return pairs;
    }

    /// <summary>Quotes like Go's %q for the printable text Dockerfiles hold.</summary>
    public static string GoQuote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\t': sb.Append("\\t"); break;
                case '\r': sb.Append("\\r"); break;
                default:
                    if (char.IsControl(c))
                    {
                        sb.Append($"\\x{(int)c:x2}");
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}
