using Wharf.Api.Client;
using Wharf.Api.Models;
using Wharf.Cli.Containers;
using Wharf.Cli.Parsing;
using Wharf.Cli.Streams;

namespace Wharf.Cli.Commands;

/// <summary>exec and attach: hijacked sessions to a running container.</summary>
internal static class ExecAttachCommands
{
    /// <summary>What the docker CLI reports after the detach keys in exec and attach (run exits quietly).</summary>
    const string EscapeMessage = "read escape sequence";

    // ------------------------------------------------------------------ exec

    public static CommandDef Exec() => new CommandDef("exec [OPTIONS] CONTAINER COMMAND [ARG...]", "Execute a command in a running container")
    {
        AliasesLine = "wharf container exec, wharf exec",
        Args = ArgsRule.AtLeast(2),
        Interspersed = false,
        Run = ExecAsync,
    }
        .Flag(new FlagDef("detach", 'd', FlagType.Bool, "Detached mode: run command in the background"))
        .Flag(new FlagDef("detach-keys", null, FlagType.String, "Override the key sequence for detaching a container"))
        .Flag(new FlagDef("env", 'e', FlagType.List, "Set environment variables") { Validate = FlagValues.Check(FlagValues.Env) })
        .Flag(new FlagDef("env-file", null, FlagType.List, "Read in a file of environment variables"))
        .Flag(new FlagDef("interactive", 'i', FlagType.Bool, "Keep STDIN open even if not attached"))
        .Flag(new FlagDef("privileged", null, FlagType.Bool, "Give extended privileges to the command"))
        .Flag(new FlagDef("tty", 't', FlagType.Bool, "Allocate a pseudo-TTY"))
        .Flag(new FlagDef("user", 'u', FlagType.String, "Username or UID (format: \"<name|uid>[:<group|gid>]\")"))
        .Flag(new FlagDef("workdir", 'w', FlagType.String, "Working directory inside the container"));

    /// <summary>parseExec: the exec create body for the flags and command.</summary>
    public static ExecConfig BuildExecConfig(ParsedFlags f, IReadOnlyList<string> command)
    {
        List<string> env;
        try
        {
            env = KeyValues.Read(f.GetList("env-file"), f.GetList("env").Select(FlagValues.Env), fromEnvironment: true);
        }
        catch (FormatException e)
        {
            throw new CliException(e.Message);
        }
        var detach = f.GetBool("detach");
        var keys = f.GetStringOrEmpty("detach-keys");
        Attacher.CheckDetachKeys(keys);
        return new ExecConfig
        {
            User = f.GetStringOrEmpty("user"),
            Privileged = f.GetBool("privileged"),
            Tty = f.GetBool("tty"),
            Cmd = [.. command],
            WorkingDir = f.GetStringOrEmpty("workdir"),
            Env = env,
            AttachStdout = !detach,
            AttachStderr = !detach,
            AttachStdin = !detach && f.GetBool("interactive"),
            DetachKeys = keys,
        };
    }

    static async Task<int> ExecAsync(CommandContext ctx)
    {
        var config = BuildExecConfig(ctx.Flags, ctx.Args.Skip(1).ToList());
        return await RunExecAsync(ctx, ctx.Args[0], config, ctx.Flags.GetBool("detach")).ConfigureAwait(false);
    }

    /// <summary>Creates and runs an exec (attached unless <paramref name="detach"/>); its exit code. compose exec shares it.</summary>
    public static async Task<int> RunExecAsync(CommandContext ctx, string container, ExecConfig config, bool detach)
    {
        // An unknown container is reported before anything else, and nothing is created for a bad terminal.
        await ctx.Client.InspectContainerAsync(container, ct: ctx.Cancel).ConfigureAwait(false);
        if (!detach) Attacher.CheckTty(ctx, config.AttachStdin, config.Tty);
        if (config.Tty && ctx.Console.Terminal.OutputSize() is { } size) config.ConsoleSize = [size.Rows, size.Cols];

        var created = await ctx.Client.CreateExecAsync(container, config, ctx.Cancel).ConfigureAwait(false);
        if (created.Id.Length == 0) throw new CliException("exec ID empty");
        var start = new ExecStartConfig { Tty = config.Tty, ConsoleSize = config.ConsoleSize };
        if (detach)
        {
            await ctx.Client.StartExecDetachedAsync(created.Id, start, ctx.Cancel).ConfigureAwait(false);
            return 0;
        }

        using var connection = await ctx.Client.StartExecAttachedAsync(created.Id, start, ctx.Cancel).ConfigureAwait(false);
        var session = Attacher.Session(ctx, connection, config.AttachStdin, config.AttachStdout, config.AttachStderr, config.Tty, config.DetachKeys);
        using var resizer = config.Tty && ctx.Console.InIsTerminal
            ? Attacher.MonitorSize(ctx, (h, w) => ctx.Client.ResizeExecAsync(created.Id, h, w))
            : null;
        if (await session.RunAsync(CancellationToken.None).ConfigureAwait(false) == SessionEnd.Detached)
            throw new CliException(EscapeMessage);
        try
        {
            var inspect = await ctx.Client.InspectExecAsync(created.Id, CancellationToken.None).ConfigureAwait(false);
            return inspect.ExitCode ?? 0;
        }
        catch (WharfConnectionException)
        {
            return -1;
        }
    }

    // ------------------------------------------------------------------ attach

    public static CommandDef Attach() => new CommandDef("attach [OPTIONS] CONTAINER",
        "Attach local standard input, output, and error streams to a running container")
    {
        AliasesLine = "wharf container attach, wharf attach",
        Args = ArgsRule.Exact(1),
        Run = AttachAsync,
    }
        .Flag(new FlagDef("detach-keys", null, FlagType.String, "Override the key sequence for detaching a container"))
        .Flag(new FlagDef("no-stdin", null, FlagType.Bool, "Do not attach STDIN"))
        .Flag(new FlagDef("sig-proxy", null, FlagType.Bool, "Proxy all received signals to the process", "true"));

    static async Task<ContainerInspectResponse> RunningAsync(CommandContext ctx, string name)
    {
        var c = await ctx.Client.InspectContainerAsync(name, ct: ctx.Cancel).ConfigureAwait(false);
        var state = c.State ?? new ContainerState();
        if (!state.Running) throw new CliException("You cannot attach to a stopped container, start it first");
        if (state.Paused) throw new CliException("You cannot attach to a paused container, unpause it first");
        if (state.Restarting) throw new CliException("You cannot attach to a restarting container, wait until it is running");
        return c;
    }

    static async Task<int> AttachAsync(CommandContext ctx)
    {
        var name = ctx.Args[0];
        var keys = ctx.Flags.GetString("detach-keys");
        Attacher.CheckDetachKeys(keys);
        using var wait = await ctx.Client.WaitContainerAsync(name, null, CancellationToken.None).ConfigureAwait(false);
        var c = await RunningAsync(ctx, name).ConfigureAwait(false);
        var tty = c.Config?.Tty == true;
        var noStdin = ctx.Flags.GetBool("no-stdin");
        Attacher.CheckTty(ctx, !noStdin, tty);
        var stdin = !noStdin && c.Config?.OpenStdin == true;
        using var signals = ctx.Flags.GetBool("sig-proxy") && !tty ? Attacher.ProxySignals(ctx, c.Id) : null;
        using var connection = await ctx.Client.AttachContainerAsync(name, stdin, true, true, keys, ct: ctx.Cancel).ConfigureAwait(false);
        await RunningAsync(ctx, name).ConfigureAwait(false);
        var session = Attacher.Session(ctx, connection, stdin, true, true, tty, keys);
        IDisposable? resizer = null;
        if (tty && ctx.Console.OutIsTerminal && ctx.Console.Terminal.OutputSize() is { } size)
        {
            // A different size first, so a shell redraws its prompt for a second attach.
            try { await ctx.Client.ResizeContainerAsync(c.Id, size.Rows + 1, size.Cols + 1, ctx.Cancel).ConfigureAwait(false); }
            catch (WharfApiException) { }
            resizer = Attacher.MonitorSize(ctx, (h, w) => ctx.Client.ResizeContainerAsync(c.Id, h, w));
        }
        using (resizer)
        {
            if (await session.RunAsync(CancellationToken.None).ConfigureAwait(false) == SessionEnd.Detached)
                throw new CliException(EscapeMessage);
        }
        var result = await wait.ResultAsync(CancellationToken.None).ConfigureAwait(false);
        if (result.Error is { Message.Length: > 0 } err) throw new CliException(err.Message);
        return (int)result.StatusCode;
    }
}
