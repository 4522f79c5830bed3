namespace Wharf.Cli.Parsing;

/// <summary>A command-line usage error (pflag's wording); printed with the usage line, exit 125.</summary>
public sealed class FlagParseException(string message) : Exception(message);

/// <summary>An error the CLI reports as one line with the given exit code (docker's StatusError).</summary>
public sealed class CliException(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
