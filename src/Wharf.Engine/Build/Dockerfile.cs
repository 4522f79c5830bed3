namespace Wharf.Engine.Build;

/// <summary>A parsed Dockerfile: parser directives, the escape token in force, instructions in order, warnings.</summary>
public sealed record Dockerfile(
    string FileName,
    char EscapeToken,
    IReadOnlyList<ParserDirective> Directives,
    IReadOnlyList<Instruction> Instructions,
    IReadOnlyList<DockerfileWarning> Warnings)
{
    /// <summary>The value of a directive (`escape`, `syntax`, `check`), or null when absent.</summary>
    public string? Directive(string name)
        => Directives.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase))?.Value;
}

/// <summary>A `# name=value` parser directive from the top of the file; the name is lower-cased.</summary>
public sealed record ParserDirective(string Name, string Value, int Line);

/// <summary>Something Docker accepts but warns about (an empty line inside a continuation).</summary>
public sealed record DockerfileWarning(int Line, string Message);
