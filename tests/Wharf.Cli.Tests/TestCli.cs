using Wharf.Cli.Parsing;

namespace Wharf.Cli.Tests;

/// <summary>Runs the CLI in-process against an optional fake daemon and captures its output.</summary>
internal static class TestCli
{
    public sealed record Result(int Code, string Out, string Err);

    public static Task<Result> RunAsync(FakeDaemon? d, params string[] args) => RunAsync(d, args, null);

    public static async Task<Result> RunAsync(FakeDaemon? d, string[] args, Stream? stdin, bool inIsTerminal = false,
        bool outIsTerminal = false, ITerminal? terminal = null)
    {
        var o = new StringWriter { NewLine = "\n" };
        var e = new StringWriter { NewLine = "\n" };
        var console = CliConsole.ForTest(o, e, stdin, inIsTerminal: inIsTerminal, outIsTerminal: outIsTerminal, terminal: terminal);
        var app = new CliApp(console) { Now = () => DateTimeOffset.FromUnixTimeSeconds(1_795_374_000) };
        var full = d is null ? args : new[] { "-H", d.Host }.Concat(args).ToArray();
        var code = await app.RunAsync(full);
        return new Result(code, o.ToString(), e.ToString());
    }

    /// <summary>The parsed flags and arguments of one command line ("run", "-m", "1g", "busybox").</summary>
    public static FlagParseResult Parse(params string[] commandLine)
    {
        var app = new CliApp(CliConsole.ForTest(new StringWriter(), new StringWriter()));
        var cmd = app.Root;
        int i = 0;
        while (i < commandLine.Length && cmd.FindChild(commandLine[i]) is { } child)
        {
            cmd = child;
            i++;
            if (!cmd.IsGroup) break;
        }
        return FlagParser.Parse(cmd.Flags, commandLine.Skip(i).ToList(), cmd.Interspersed);
    }
}
