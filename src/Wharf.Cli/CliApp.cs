using System.Text;
using Wharf.Api.Client;
using Wharf.Cli.Commands;
using Wharf.Cli.Parsing;
using Wharf.Cli.Templates;

namespace Wharf.Cli;

/// <summary>The `wharf` program: global flags, command dispatch, help and docker-style error reporting.</summary>
public sealed class CliApp
{
    public const string RootUsage = "wharf [OPTIONS] COMMAND [ARG...]";

    WharfClient? _client;

    public CliApp(CliConsole console)
    {
        Console = console;
        Root = CommandTree.Build(this);
    }

    public CliConsole Console { get; }
    public GlobalOptions Options { get; } = new();
    public CommandDef Root { get; }
    public Func<DateTimeOffset> Now { get; set; } = () => DateTimeOffset.UtcNow;
    public CancellationToken Cancel { get; set; }

    /// <summary>Set while a command forwards signals to a container: Ctrl-C must not cancel the CLI then.</summary>
    public bool ProxySignals { get; set; }

    /// <summary>
    /// A command winding down after a first Ctrl-C may take the second: `compose up` kills what it was stopping.
    /// Null leaves a second Ctrl-C its default action (the CLI ends).
    /// </summary>
    public Action? OnSecondInterrupt { get; set; }

    /// <summary>Help text width (docker: terminal width - 1, or 79).</summary>
    public int HelpColumns { get; set; } = 79;

    public WharfClient Client
    {
        get => _client ??= new WharfClient(Options.ToClientOptions());
        set => _client = value;
    }

    public static List<FlagDef> RootFlags()
    {
        var cfg = GlobalOptions.DefaultConfigDir();
        var certs = GlobalOptions.DefaultCertPath();
        return
        [
            new FlagDef("config", null, FlagType.String, "Location of client config files", cfg),
            new FlagDef("debug", 'D', FlagType.Bool, "Enable debug mode"),
            new FlagDef("host", 'H', FlagType.List, "Daemon socket to connect to"),
            new FlagDef("log-level", 'l', FlagType.String,
                "Set the logging level (\"debug\", \"info\", \"warn\", \"error\", \"fatal\")", "info"),
            new FlagDef("tls", null, FlagType.Bool, "Use TLS; implied by --tlsverify"),
            new FlagDef("tlscacert", null, FlagType.String, "Trust certs signed only by this CA", Path.Combine(certs, "ca.pem")),
            new FlagDef("tlscert", null, FlagType.String, "Path to TLS certificate file", Path.Combine(certs, "cert.pem")),
            new FlagDef("tlskey", null, FlagType.String, "Path to TLS key file", Path.Combine(certs, "key.pem")),
            new FlagDef("tlsverify", null, FlagType.Bool, "Use TLS and verify the remote"),
            new FlagDef("version", 'v', FlagType.Bool, "Print version information and quit"),
        ];
    }

    public async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        int code;
        try
        {
            code = await RunCoreAsync(args).ConfigureAwait(false);
        }
        catch
        {
            await FlushAsync().ConfigureAwait(false);
            throw;
        }
        return await FlushAsync().ConfigureAwait(false) ? code : BrokenPipeExit;
    }

    /// <summary>A reader that went away (`wharf ps | head -1`): docker dies of SIGPIPE, the shell shows 141.</summary>
    const int BrokenPipeExit = 141;

    static bool IsBrokenPipe(IOException e) => e.HResult == 32 || e.Message.Contains("Broken pipe", StringComparison.Ordinal);

    async Task<bool> FlushAsync()
    {
        try
        {
            await Console.Out.FlushAsync().ConfigureAwait(false);
            await Console.Err.FlushAsync().ConfigureAwait(false);
            return true;
        }
        catch (IOException e) when (IsBrokenPipe(e))
        {
            return false;
        }
    }

    async Task<int> RunCoreAsync(IReadOnlyList<string> args)
    {
        FlagParseResult parsed;
        try
        {
            parsed = FlagParser.Parse(Root.Flags, args, interspersed: false);
        }
        catch (FlagParseException e)
        {
            return UsageError(Root, e.Message);
        }
        var f = parsed.Flags;
        if (parsed.HelpRequested)
        {
            Console.Out.Write(RootHelp());
            return 0;
        }
        if (f.GetBool("version"))
        {
            Console.Out.Write($"Wharf version {BuildInfo.Version}, build {BuildInfo.GitCommit}\n");
            return 0;
        }
        var hosts = f.GetList("host");
        Options.Host = hosts.Count > 0 ? hosts[0] : null;
        Options.Tls = f.GetBool("tls");
        Options.TlsVerify = f.GetBool("tlsverify");
        if (f.Changed("tlscacert")) Options.TlsCaCert = f.GetString("tlscacert");
        if (f.Changed("tlscert")) Options.TlsCert = f.GetString("tlscert");
        if (f.Changed("tlskey")) Options.TlsKey = f.GetString("tlskey");
        if (f.Changed("config")) Options.ConfigDir = f.GetStringOrEmpty("config");
        Options.Debug = f.GetBool("debug");
        Options.LogLevel = f.GetStringOrEmpty("log-level");
        if (Options.LogLevel is not ("debug" or "info" or "warn" or "warning" or "error" or "fatal" or "panic" or "trace"))
        {
            Console.Err.Write($"Unable to parse logging level: {Options.LogLevel}\n");
            return 1;
        }
        if (parsed.Args.Count == 0)
        {
            Console.Out.Write(RootHelp());
            return 0;
        }
        return await DispatchAsync(Root, parsed.Args).ConfigureAwait(false);
    }

    async Task<int> DispatchAsync(CommandDef parent, List<string> args)
    {
        var name = args[0];
        if (parent == Root && name == "help")
        {
            var target = Root;
            foreach (var a in args.Skip(1))
            {
                var c = target.FindChild(a);
                if (c is null) break;
                target = c;
            }
            Console.Out.Write(target == Root ? RootHelp() : HelpWriter.CommandHelp(target, HelpColumns));
            return 0;
        }
        var cmd = parent.FindChild(name);
        if (cmd is null)
        {
            var sb = new StringBuilder();
            sb.Append("wharf: unknown command: ").Append(parent.CommandPath).Append(' ').Append(name).Append("\n\n");
            if (parent != Root) sb.Append("Usage:  ").Append(parent.CommandPath).Append("\n\n");
            sb.Append("Run '").Append(parent.CommandPath).Append(" --help' for more information\n");
            Console.Err.Write(sb.ToString());
            return 1;
        }
        var rest = args.Skip(1).ToList();
        if (cmd.IsGroup)
        {
            if (rest.Count == 0)
            {
                Console.Out.Write(HelpWriter.CommandHelp(cmd, HelpColumns));
                return 0;
            }
            if (rest[0].StartsWith('-') && rest[0] != "-")
            {
                FlagParseResult gp;
                try
                {
                    gp = FlagParser.Parse(cmd.Flags, rest, interspersed: false);
                }
                catch (FlagParseException e)
                {
                    return UsageError(cmd, e.Message);
                }
                if (gp.HelpRequested || gp.Args.Count == 0)
                {
                    Console.Out.Write(HelpWriter.CommandHelp(cmd, HelpColumns));
                    return 0;
                }
                rest = gp.Args;
            }
            return await DispatchAsync(cmd, rest).ConfigureAwait(false);
        }
        return await RunLeafAsync(cmd, rest).ConfigureAwait(false);
    }

    async Task<int> RunLeafAsync(CommandDef cmd, List<string> args)
    {
        FlagParseResult parsed;
        try
        {
            parsed = FlagParser.Parse(cmd.Flags, args, cmd.Interspersed);
        }
        catch (FlagParseException e)
        {
            return UsageError(cmd, e.Message);
        }
        if (parsed.HelpRequested)
        {
            Console.Out.Write(HelpWriter.CommandHelp(cmd, HelpColumns));
            return 0;
        }
        if (cmd.Args.Check(cmd.CommandPath, parsed.Args.Count) is { } bad)
        {
            Console.Err.Write($"wharf: {bad.Message}\n\nUsage:  {cmd.UseLine}\n\n{bad.HintVerb} '{cmd.CommandPath} --help' for more information\n");
            return 1;
        }
        var ctx = new CommandContext { App = this, Command = cmd, Flags = parsed.Flags, Args = parsed.Args };
        try
        {
            return await cmd.Run!(ctx).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            return ReportError(e);
        }
    }

    /// <summary>Prints an error the way docker's main does and returns the exit code.</summary>
    public int ReportError(Exception e)
    {
        try { Console.Out.Flush(); }
        catch (IOException flush) when (IsBrokenPipe(flush)) { return BrokenPipeExit; }
        switch (e)
        {
            case WharfApiException api:
                Console.Err.Write("Error response from daemon: " + api.Message + "\n");
                return 1;
            case WharfConnectionException conn:
                Console.Err.Write(conn.Message + "\n");
                if (Options.Debug && conn.InnerException is not null) Console.Err.Write(conn.InnerException.Message + "\n");
                return 1;
            case CliException cli:
                if (cli.Message.Length > 0) Console.Err.Write(cli.Message + "\n");
                return cli.ExitCode;
            case TemplateException t:
                Console.Err.Write(t.Message + "\n");
                return 1;
            case OperationCanceledException:
                return 130;
            case FormatException fe:
                Console.Err.Write(fe.Message + "\n");
                return 1;
            case IOException io when IsBrokenPipe(io):
                return BrokenPipeExit;
            case IOException io:
                Console.Err.Write(io.Message + "\n");
                return 1;
            case UnauthorizedAccessException ua:
                Console.Err.Write(ua.Message + "\n");
                return 1;
            default:
                throw e.InnerException is null ? e : new InvalidOperationException(e.Message, e);
        }
    }

    int UsageError(CommandDef cmd, string message)
    {
        var usage = cmd == Root ? RootUsage : cmd.IsGroup ? cmd.CommandPath : cmd.UseLine;
        Console.Err.Write($"{message}\n\nUsage:  {usage}\n\nRun '{cmd.CommandPath} --help' for more information\n");
        return 125;
    }

    public string RootHelp()
    {
        var sb = new StringBuilder();
        sb.Append("Usage:  wharf [OPTIONS] COMMAND\n\nA self-sufficient runtime for containers, compatible with Docker\n");
        void Section(string title, string group)
        {
            var cmds = Root.Children.Where(c => !c.Hidden && c.Group == group).ToList();
            if (cmds.Count == 0) return;
            sb.Append('\n').Append(title).Append(":\n");
            if (group == "common")
            {
                int pad = Math.Max(11, cmds.Max(c => c.Name.Length)) + 1;
                foreach (var c in cmds) sb.Append("  ").Append(c.Name.PadRight(pad)).Append(c.Short).Append('\n');
            }
            else HelpWriter.AppendCommandList(sb, cmds);
        }
        Section("Common Commands", "common");
        Section("Management Commands", "management");
        Section("Commands", "");
        sb.Append("\nGlobal Options:\n").Append(HelpWriter.FlagUsagesWrapped(Root.Flags, HelpColumns).TrimEnd()).Append('\n');
        sb.Append("\nRun 'wharf COMMAND --help' for more information on a command.\n");
        return sb.ToString();
    }
}
