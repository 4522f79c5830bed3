using Wharf.Api.Client;
using Wharf.Cli.Parsing;

namespace Wharf.Cli;

/// <summary>What a command's action gets: its parsed flags and arguments, the console and the client.</summary>
public sealed class CommandContext
{
    public required CliApp App { get; init; }
    public required CommandDef Command { get; init; }
    public required ParsedFlags Flags { get; init; }
    public required IReadOnlyList<string> Args { get; init; }

    public CliConsole Console => App.Console;
    public TextWriter Out => App.Console.Out;
    public TextWriter Err => App.Console.Err;
    public WharfClient Client => App.Client;
    public CancellationToken Cancel => App.Cancel;
    public DateTimeOffset Now => App.Now();
}
