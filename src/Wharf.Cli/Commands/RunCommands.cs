using Wharf.Api.Client;
using Wharf.Cli.Containers;
using Wharf.Cli.Parsing;
using Wharf.Cli.Streams;

namespace Wharf.Cli.Commands;

/// <summary>run and create: flags to a create request, then (run) attach, wait, start and stream until the container ends.</summary>
internal static class RunCommands
{
    public static CommandDef Create(string use) =>
        Define(use, "Create a new container", "wharf container create, wharf create", CreateAsync, "creating", []);

    public static CommandDef Run(string use) =>
        Define(use, "Create and run a new container from an image", "wharf container run, wharf run", RunAsync, "running",
        [
            new FlagDef("detach", 'd', FlagType.Bool, "Run container in background and print container ID"),
            new FlagDef("sig-proxy", null, FlagType.Bool, "Proxy received signals to the process", "true"),
            new FlagDef("detach-keys", null, FlagType.String, "Override the key sequence for detaching a container"),
        ]);

    static CommandDef Define(string use, string description, string aliases, Func<CommandContext, Task<int>> run, string verb,
        IEnumerable<FlagDef> own)
    {
        var cmd = new CommandDef(use, description) { AliasesLine = aliases, Args = ArgsRule.AtLeast(1), Interspersed = false, Run = run };
        foreach (var f in own.Concat(CreateFlags.CreateOnly(verb)).Concat(CreateFlags.All())) cmd.Flag(f);
        return cmd;
    }

    /// <summary>docker's withHelp: "wharf: MESSAGE" and a pointer to the command's help, with an exit code.</summary>
    public static CliException WithHelp(string command, string message, int exitCode) =>
        new($"wharf: {message}\n\nRun 'wharf {command} --help' for more information", exitCode);

    static CreateSpec Parse(CommandContext ctx, string command)
    {
        try
        {
            return CreateRequestBuilder.Build(ctx.Flags, ctx.Args);
        }
        catch (FormatException e)
        {
            throw WithHelp(command, e.Message, 125);
        }
    }

    static async Task<int> CreateAsync(CommandContext ctx)
    {
        var spec = Parse(ctx, "create");
        var id = await ContainerCreator.CreateAsync(ctx, spec).ConfigureAwait(false);
        ctx.Out.Write(id + "\n");
        return 0;
    }

    /// <summary>docker's toStatusError: 127 when the command is missing, 126 when it cannot be run, 125 otherwise.</summary>
    public static CliException ToStatusError(Exception e)
    {
        var message = e switch
        {
            WharfApiException api => "Error response from daemon: " + api.Message,
            _ => e.Message,
        };
        var code = message.Contains("executable file not found", StringComparison.Ordinal) ||
                   message.Contains("no such file or directory", StringComparison.Ordinal) ? 127
            : message.Contains("permission denied", StringComparison.Ordinal) || message.Contains("is a directory", StringComparison.Ordinal) ? 126
            : 125;
        return WithHelp("run", message, code);
    }

    static async Task<int> RunAsync(CommandContext ctx)
    {
        var spec = Parse(ctx, "run");
        var request = spec.Request;
        var detach = ctx.Flags.GetBool("detach");
        var detachKeys = ctx.Flags.GetString("detach-keys");
        if (!detach)
        {
            Attacher.CheckTty(ctx, request.AttachStdin, request.Tty);
        }
        else
        {
            if (spec.AttachGiven) throw new CliException("conflicting options: cannot specify both --attach and --detach");
            request.AttachStdin = request.AttachStdout = request.AttachStderr = request.StdinOnce = false;
        }
        Attacher.CheckDetachKeys(detachKeys, 125);

        string id;
        try
        {
            id = await ContainerCreator.CreateAsync(ctx, spec).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WharfApiException or WharfConnectionException or CliException)
        {
            if (e is CliException { ExitCode: not 1 }) throw;
            throw ToStatusError(e);
        }

        using var signals = ctx.Flags.GetBool("sig-proxy") && !request.Tty ? Attacher.ProxySignals(ctx, id) : null;
        var attach = request.AttachStdin || request.AttachStdout || request.AttachStderr;
        HijackSession? session = null;
        if (attach)
        {
            var connection = await ctx.Client.AttachContainerAsync(id, request.AttachStdin, request.AttachStdout, request.AttachStderr,
                detachKeys, ct: CancellationToken.None).ConfigureAwait(false);
            session = Attacher.Session(ctx, connection, request.AttachStdin, request.AttachStdout, request.AttachStderr, request.Tty, detachKeys);
        }
        using var connectionScope = session?.Connection;
        using var wait = await ctx.Client.WaitContainerAsync(id, spec.HostConfig.AutoRemove ? "removed" : "next-exit", CancellationToken.None)
            .ConfigureAwait(false);

        using var streamStop = new CancellationTokenSource();
        var streaming = session?.RunAsync(streamStop.Token);
        try
        {
            await ctx.Client.StartContainerAsync(id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WharfApiException or WharfConnectionException)
        {
            streamStop.Cancel();
            session?.Connection.Dispose();
            if (streaming is not null) await IgnoreFailure(streaming).ConfigureAwait(false);
            if (spec.HostConfig.AutoRemove) await Attacher.StatusAsync(ctx, wait).ConfigureAwait(false);
            throw ToStatusError(e);
        }

        if (streaming is null)
        {
            ctx.Out.Write(id + "\n");
            return 0;
        }

        using var resizer = request.Tty ? Attacher.MonitorSize(ctx, (h, w) => ctx.Client.ResizeContainerAsync(id, h, w)) : null;
        var status = Attacher.StatusAsync(ctx, wait);
        var first = await Task.WhenAny(streaming, status).ConfigureAwait(false);
        if (first == streaming)
        {
            if (await streaming.ConfigureAwait(false) == SessionEnd.Detached) return 0;
            return await status.ConfigureAwait(false);
        }
        // The container ended first: let the output drain, unless no output is attached.
        if (!request.AttachStdout && !request.AttachStderr) streamStop.Cancel();
        await IgnoreFailure(streaming).ConfigureAwait(false);
        return await status.ConfigureAwait(false);
    }

    static async Task IgnoreFailure(Task t)
    {
        try { await t.ConfigureAwait(false); }
        catch (Exception) { }
    }
}
