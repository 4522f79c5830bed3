namespace Wharf.Engine.Build;

/// <summary>One Dockerfile instruction: keyword, source location, flags, raw arguments and their parsed form.</summary>
public sealed record Instruction
{
    /// <summary>The keyword upper-cased (`RUN`).</summary>
    public required string Keyword { get; init; }

    /// <summary>The keyword as written (`run`), which Docker echoes in some messages.</summary>
    public required string RawKeyword { get; init; }

    /// <summary>The logical line: continuations joined, escape-newlines and comment lines removed, no heredoc bodies.</summary>
    public required string Original { get; init; }

    /// <summary>1-based line of the first physical line.</summary>
    public required int StartLine { get; init; }

    /// <summary>1-based line of the last physical line, including continuation lines and heredoc bodies.</summary>
    public required int EndLine { get; init; }

    /// <summary>The `--name[=value]` flags written before the arguments, in order.</summary>
    public IReadOnlyList<InstructionFlag> Flags { get; init; } = [];

    /// <summary>The text after the keyword and flags, trimmed.</summary>
    public required string ArgumentText { get; init; }

    /// <summary>The elements when the arguments are a JSON array of strings (exec form), else null.</summary>
    public IReadOnlyList<string>? JsonArguments { get; init; }

    /// <summary>Whether the arguments were written in JSON (exec) form.</summary>
    public bool IsJsonForm => JsonArguments is not null;

    /// <summary>Heredocs opened on this line (`RUN &lt;&lt;EOF`), in order, with their bodies.</summary>
    public IReadOnlyList<Heredoc> Heredocs { get; init; } = [];

    /// <summary>The arguments parsed for this keyword (see the records in InstructionArguments).</summary>
    public required InstructionArguments Arguments { get; init; }

    /// <summary>The flag's value when given (last one wins for repeatable flags), else null.</summary>
    public string? Flag(string name) => Flags.LastOrDefault(f => f.Name == name)?.Value;
}

/// <summary>A `--name=value` (or valueless `--name`) instruction flag.</summary>
public sealed record InstructionFlag(string Name, string? Value)
{
    public override string ToString() => Value is null ? "--" + Name : $"--{Name}={Value}";
}

/// <summary>A heredoc body: `&lt;&lt;EOF` (expands variables), `&lt;&lt;"EOF"` (literal), `&lt;&lt;-EOF` (strips leading tabs), `3&lt;&lt;EOF`.</summary>
public sealed record Heredoc(string Name, int FileDescriptor, bool Expand, bool Chomp, string RawContent)
{
    /// <summary>The body as used: leading tabs removed from every line when <see cref="Chomp"/>.</summary>
    public string Content => Chomp ? StripLeadingTabs(RawContent) : RawContent;

    private static string StripLeadingTabs(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            lines[i] = lines[i].TrimStart('\t');
        }
        return string.Join('\n', lines);
    }
}
