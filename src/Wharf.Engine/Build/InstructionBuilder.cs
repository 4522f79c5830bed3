using System.Text;
using System.Text.RegularExpressions;

namespace Wharf.Engine.Build;

/// <summary>Validates a split line for its keyword (arguments, flags) and builds the <see cref="Instruction"/>.</summary>
internal static class InstructionBuilder
{
    /// <summary>Every instruction keyword Docker knows.</summary>
    public static readonly IReadOnlySet<string> Keywords = new HashSet<string>(StringComparer.Ordinal)
    {
        "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
        "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
    };

    private static readonly Regex StageName = new(@"^[a-z][a-z0-9\-_.]*$", RegexOptions.CultureInvariant);
    private static readonly Regex OnbuildPrefix = new(@"^\s*ONBUILD\s*", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    /// <summary>Builds one instruction; errors become <see cref="DockerfileParseException"/> at the node's first line.</summary>
    public static Instruction Build(DockerfileNode node, string fileName)
    {
        try
        {
            return BuildCore(node);
        }
        catch (InstructionException e)
        {
            throw new DockerfileParseException(fileName, node.StartLine, e.Message);
        }
    }

    private static Instruction BuildCore(DockerfileNode node)
    {
        var flags = new FlagSet(node.FlagWords);
        InstructionArguments args = node.Keyword switch
        {
            "ADD" or "COPY" => Copy(node, flags),
            "ARG" => Arg(node, flags),
            "CMD" => new CommandArguments(CommandLine(node, flags)),
            "ENTRYPOINT" => new CommandArguments(CommandLine(node, flags)),
            "ENV" or "LABEL" => KeyValues(node, flags),
            "EXPOSE" => new ExposeArguments(AtLeastOne(node, flags)),
            "FROM" => From(node, flags),
            "HEALTHCHECK" => HealthcheckParser.Parse(node, flags),
            "MAINTAINER" or "STOPSIGNAL" or "USER" or "WORKDIR" => new ValueArguments(ExactlyOne(node, flags)),
            "ONBUILD" => Onbuild(node, flags),
            "RUN" => Run(node, flags),
            "SHELL" => Shell(node, flags),
            "VOLUME" => Volume(node, flags),
            _ => throw new InstructionException($"unknown instruction: {node.RawKeyword}"),
        };
        return new Instruction
        {
            Keyword = node.Keyword,
            RawKeyword = node.RawKeyword,
            Original = node.Original,
            StartLine = node.StartLine,
            EndLine = node.EndLine,
            Flags = node.FlagWords.Where(w => w != "--").Select(ToFlag).ToList(),
            ArgumentText = node.Rest,
            JsonArguments = node.IsJson ? node.Args.ToList() : null,
            Heredocs = node.Heredocs.ToList(),
            Arguments = args,
        };
    }

    private static InstructionFlag ToFlag(string word)
    {
        var body = word.StartsWith("--", StringComparison.Ordinal) ? word[2..] : word;
        var eq = body.IndexOf('=', StringComparison.Ordinal);
        return eq < 0 ? new InstructionFlag(body, null) : new InstructionFlag(body[..eq], body[(eq + 1)..]);
    }

    private static string ExactlyOne(DockerfileNode node, FlagSet flags)
    {
        if (node.Args.Count != 1)
        {
            throw new InstructionException($"{node.Keyword} requires exactly one argument");
        }
        flags.Parse();
        return node.Args[0];
    }

    private static List<string> AtLeastOne(DockerfileNode node, FlagSet flags)
    {
        if (node.Args.Count == 0)
        {
            throw new InstructionException($"{node.Keyword} requires at least one argument");
        }
        flags.Parse();
        return node.Args;
    }

    /// <summary>Exec form keeps the JSON elements; shell form is one string (empty arguments give none).</summary>
    internal static CommandLine ToCommandLine(IReadOnlyList<string> args, bool isJson)
    {
        if (args.Count == 0)
        {
            return new CommandLine(isJson, []);
        }
        return isJson ? new CommandLine(true, args.ToList()) : new CommandLine(false, [string.Join(' ', args)]);
    }

    private static CommandLine CommandLine(DockerfileNode node, FlagSet flags)
    {
        flags.Parse();
        return ToCommandLine(node.Args, node.IsJson);
    }

    private static RunArguments Run(DockerfileNode node, FlagSet flags)
    {
        flags.AddStrings("mount");
        flags.AddString("network");
        flags.AddString("security");
        flags.AddStrings("device");
        flags.Parse();
        return new RunArguments(ToCommandLine(node.Args, node.IsJson), flags.Strings("mount"),
            flags.String("network"), flags.String("security"), flags.Strings("device"));
    }

    private static ShellArguments Shell(DockerfileNode node, FlagSet flags)
    {
        flags.Parse();
        if (node.Args.Count == 0)
        {
            throw new InstructionException("SHELL requires at least one argument");
        }
        if (!node.IsJson)
        {
            throw new InstructionException("SHELL requires the arguments to be in JSON form");
        }
        return new ShellArguments(node.Args.ToList());
    }

    private static KeyValueArguments KeyValues(DockerfileNode node, FlagSet flags)
    {
        flags.Parse();
        var pairs = node.Pairs ?? [];
        if (pairs.Count == 0)
        {
            throw new InstructionException($"{node.Keyword} requires at least one argument");
        }
        if (pairs.Any(p => p.Key.Length == 0))
        {
            throw new InstructionException($"{node.Keyword} names can not be blank");
        }
        return new KeyValueArguments(pairs.ToList());
    }

    private static ArgArguments Arg(DockerfileNode node, FlagSet flags)
    {
        if (node.Args.Count == 0)
        {
            throw new InstructionException("ARG requires at least one argument");
        }
        flags.Parse();
        var defs = new List<ArgDefinition>();
        foreach (var word in node.Args)
        {
            var eq = word.IndexOf('=', StringComparison.Ordinal);
            if (eq == 0)
            {
                throw new InstructionException("ARG names can not be blank");
            }
            defs.Add(eq < 0 ? new ArgDefinition(word, null) : new ArgDefinition(word[..eq], word[(eq + 1)..]));
        }
        return new ArgArguments(defs);
    }

    private static FromArguments From(DockerfileNode node, FlagSet flags)
    {
        var args = node.Args;
        string? stage = null;
        if (args.Count == 3 && string.Equals(args[1], "as", StringComparison.OrdinalIgnoreCase))
        {
            stage = args[2].ToLowerInvariant();
            if (!StageName.IsMatch(stage))
            {
                throw new InstructionException(
                    $"invalid name for build stage: {DockerfileNode.GoQuote(args[2])}, name can't start with a number or contain symbols");
            }
        }
        else if (args.Count != 1)
        {
            throw new InstructionException("FROM requires either one or three arguments");
        }
        flags.AddString("platform");
        flags.Parse();
        return new FromArguments(args[0], stage, flags.String("platform"));
    }

    private static VolumeArguments Volume(DockerfileNode node, FlagSet flags)
    {
        var paths = new List<string>();
        foreach (var v in AtLeastOne(node, flags))
        {
            var trimmed = v.Trim();
            if (trimmed.Length == 0)
            {
                throw new InstructionException("VOLUME specified can not be an empty string");
            }
            paths.Add(trimmed);
        }
        return new VolumeArguments(paths);
    }

    private static CopyArguments Copy(DockerfileNode node, FlagSet flags)
    {
        var isAdd = node.Keyword == "ADD";
        if (node.Args.Count < 2)
        {
            throw new InstructionException(
                $"{node.Keyword} requires at least two arguments, but only one was provided. Destination could not be determined");
        }
        flags.AddString("chown");
        flags.AddString("chmod");
        flags.AddBool("link");
        flags.AddStrings("exclude");
        if (isAdd)
        {
            flags.AddBool("keep-git-dir");
            flags.AddString("checksum");
            flags.AddBool("unpack");
        }
        else
        {
            flags.AddString("from");
            flags.AddBool("parents");
        }
        flags.Parse();

        var dest = node.Args[^1];
        if (TryMarker(dest) is not null)
        {
            throw new InstructionException($"{node.Keyword} cannot accept a heredoc as a destination");
        }
        var sources = new List<string>();
        var inline = new List<Heredoc>();
        foreach (var src in node.Args.Take(node.Args.Count - 1))
        {
            if (TryMarker(src) is { } marker)
            {
                var body = node.Heredocs.LastOrDefault(h => h.Name == marker.Name)?.RawContent ?? "";
                inline.Add(new Heredoc(marker.Name, marker.FileDescriptor, marker.Expand, marker.Chomp, body));
            }
            else
            {
                sources.Add(src);
            }
        }
        return new CopyArguments(sources, inline, dest,
            From: isAdd ? null : flags.String("from"),
            Chown: flags.String("chown"),
            Chmod: flags.String("chmod"),
            Link: flags.Bool("link"),
            Parents: !isAdd && flags.Bool("parents"),
            Excludes: flags.Strings("exclude"),
            KeepGitDir: isAdd ? flags.OptionalBool("keep-git-dir") : null,
            Checksum: isAdd ? flags.String("checksum") : null,
            Unpack: isAdd ? flags.OptionalBool("unpack") : null);
    }

    private static HeredocMarker? TryMarker(string word)
    {
        try
        {
            return HeredocMarker.Parse(word);
        }
        catch (InstructionException)
        {
            return null;
        }
    }

    private static OnbuildArguments Onbuild(DockerfileNode node, FlagSet flags)
    {
        if (node.Inner is null)
        {
            throw new InstructionException("ONBUILD requires at least one argument");
        }
        flags.Parse();
        var trigger = node.Inner.Keyword;
        switch (trigger)
        {
            case "ONBUILD":
                throw new InstructionException("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
            case "MAINTAINER" or "FROM":
                throw new InstructionException($"{trigger} isn't allowed as an ONBUILD trigger");
        }

        var expression = new StringBuilder(OnbuildPrefix.Replace(node.Original, "", 1));
        foreach (var heredoc in node.Heredocs)
        {
            expression.Append('\n').Append(heredoc.RawContent).Append(heredoc.Name);
        }

        // The trigger shares the ONBUILD line's location and heredoc bodies.
        node.Inner.StartLine = node.StartLine;
        node.Inner.EndLine = node.EndLine;
        node.Inner.Heredocs.Clear();
        node.Inner.Heredocs.AddRange(node.Heredocs);
        return new OnbuildArguments(BuildCore(node.Inner), expression.ToString());
    }
}
