namespace Wharf.Engine.Build;

/// <summary>A Dockerfile syntax error; the message names file and line: `Dockerfile:3: unknown instruction: RUNN`.</summary>
public sealed class DockerfileParseException : FormatException
{
    public DockerfileParseException(string fileName, int line, string detail, Exception? inner = null)
        : base(line > 0 ? $"{fileName}:{line}: {detail}" : $"{fileName}: {detail}", inner)
    {
        FileName = fileName;
        Line = line;
        Detail = detail;
    }

    /// <summary>The file name given to the parser.</summary>
    public string FileName { get; }

    /// <summary>The 1-based line where the failing instruction starts (0 when the error has no line).</summary>
    public int Line { get; }

    /// <summary>The message without the location, as Docker words it (`unknown instruction: RUNN`).</summary>
    public string Detail { get; }
}
