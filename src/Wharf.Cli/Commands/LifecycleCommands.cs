using System.Globalization;
using Wharf.Api.Client;
using Wharf.Cli.Parsing;
using Wharf.Cli.Streams;

namespace Wharf.Cli.Commands;

/// <summary>start, stop, restart, kill, rm, pause, unpause, wait and rename.</summary>
internal static class LifecycleCommands
{
    static FlagDef Signal() => new("signal", 's', FlagType.String, "Signal to send to the container");

    static FlagDef Timeout() => new("timeout", 't', FlagType.Int, "Seconds to wait before killing the container");

    static FlagDef Time() => new("time", null, FlagType.Int, "Seconds to wait before killing the container (deprecated: use --timeout)") { Hidden = true };

    /// <summary>Runs <paramref name="op"/> on every container, printing each name that succeeded and all errors at the end.</summary>
    static async Task<int> EachAsync(CommandContext ctx, Func<string, Task> op, Func<WharfApiException, bool>? ignore = null)
    {
        var errors = new List<string>();
        var tasks = ctx.Args.Select(name =>
        {
            try { return op(name); }
            catch (Exception e) { return Task.FromException(e); }
        }).ToList();
        for (int i = 0; i < tasks.Count; i++)
        {
            try
            {
                await tasks[i].ConfigureAwait(false);
                ctx.Out.Write(ctx.Args[i] + "\n");
            }
            catch (WharfApiException e) when (ignore?.Invoke(e) == true)
            {
                ctx.Err.Write("Error response from daemon: " + e.Message + "\n");
            }
            catch (WharfApiException e)
            {
                errors.Add("Error response from daemon: " + e.Message);
            }
            catch (CliException e)
            {
                errors.Add(e.Message);
            }
        }
        if (errors.Count > 0) throw new CliException(string.Join("\n", errors));
        return 0;
    }

    static int? StopTimeout(CommandContext ctx)
    {
        if (ctx.Flags.Changed("time") && ctx.Flags.Changed("timeout"))
            throw new CliException("conflicting options: cannot specify both --timeout and --time");
        if (ctx.Flags.Changed("timeout")) return ctx.Flags.GetInt("timeout");
        if (ctx.Flags.Changed("time")) return ctx.Flags.GetInt("time");
        return null;
    }

    // ------------------------------------------------------------------ stop, restart, kill

    public static CommandDef Stop() => new CommandDef("stop [OPTIONS] CONTAINER [CONTAINER...]", "Stop one or more running containers")
    {
        AliasesLine = "wharf container stop, wharf stop",
        Args = ArgsRule.AtLeast(1),
        Run = ctx =>
        {
            var timeout = StopTimeout(ctx);
            var signal = ctx.Flags.GetString("signal");
            return EachAsync(ctx, c => ctx.Client.StopContainerAsync(c, signal, timeout, ctx.Cancel));
        },
    }.Flag(Signal()).Flag(Timeout()).Flag(Time());

    public static CommandDef Restart() => new CommandDef("restart [OPTIONS] CONTAINER [CONTAINER...]", "Restart one or more containers")
    {
        AliasesLine = "wharf container restart, wharf restart",
        Args = ArgsRule.AtLeast(1),
        Run = async ctx =>
        {
            var timeout = StopTimeout(ctx);
            var signal = ctx.Flags.GetString("signal");
            var errors = new List<string>();
            foreach (var name in ctx.Args)
            {
                try
                {
                    await ctx.Client.RestartContainerAsync(name, signal, timeout, ctx.Cancel).ConfigureAwait(false);
                    ctx.Out.Write(name + "\n");
                }
                catch (WharfApiException e)
                {
                    errors.Add("Error response from daemon: " + e.Message);
                }
            }
            if (errors.Count > 0) throw new CliException(string.Join("\n", errors));
            return 0;
        },
    }.Flag(Signal()).Flag(Timeout()).Flag(Time());

    public static CommandDef Kill() => new CommandDef("kill [OPTIONS] CONTAINER [CONTAINER...]", "Kill one or more running containers")
    {
        AliasesLine = "wharf container kill, wharf kill",
        Args = ArgsRule.AtLeast(1),
        Run = ctx => EachAsync(ctx, c => ctx.Client.KillContainerAsync(c, ctx.Flags.GetString("signal"), ctx.Cancel)),
    }.Flag(Signal());

    // ------------------------------------------------------------------ rm

    public static CommandDef Remove(string use, string[] aliases) => new CommandDef(use, "Remove one or more containers")
    {
        Aliases = aliases,
        AliasesLine = "wharf container rm, wharf container remove, wharf rm",
        Args = ArgsRule.AtLeast(1),
        Run = ctx =>
        {
            bool force = ctx.Flags.GetBool("force");
            return EachAsync(ctx, name =>
            {
                var id = name.Trim('/');
                if (id.Length == 0) throw new CliException("container name cannot be empty");
                return ctx.Client.RemoveContainerAsync(id, force, ctx.Flags.GetBool("volumes"), ctx.Flags.GetBool("link"), ctx.Cancel);
            }, e => force && e.StatusCode == 404);
        },
    }
        .Flag(new FlagDef("force", 'f', FlagType.Bool, "Force the removal of a running container (uses SIGKILL)"))
        .Flag(new FlagDef("link", 'l', FlagType.Bool, "Remove the specified link"))
        .Flag(new FlagDef("volumes", 'v', FlagType.Bool, "Remove anonymous volumes associated with the container"));

    // ------------------------------------------------------------------ pause, unpause

    public static CommandDef Pause() => new("pause CONTAINER [CONTAINER...]", "Pause all processes within one or more containers")
    {
        AliasesLine = "wharf container pause, wharf pause",
        Args = ArgsRule.AtLeast(1),
        Run = ctx => EachAsync(ctx, c => ctx.Client.PauseContainerAsync(c, ctx.Cancel)),
    };

    public static CommandDef Unpause() => new("unpause CONTAINER [CONTAINER...]", "Unpause all processes within one or more containers")
    {
        AliasesLine = "wharf container unpause, wharf unpause",
        Args = ArgsRule.AtLeast(1),
        Run = ctx => EachAsync(ctx, c => ctx.Client.UnpauseContainerAsync(c, ctx.Cancel)),
    };

    // ------------------------------------------------------------------ wait, rename

    public static CommandDef Wait() => new("wait CONTAINER [CONTAINER...]", "Block until one or more containers stop, then print their exit codes")
    {
        AliasesLine = "wharf container wait, wharf wait",
        Args = ArgsRule.AtLeast(1),
        Run = async ctx =>
        {
            var errors = new List<string>();
            foreach (var name in ctx.Args)
            {
                try
                {
                    using var wait = await ctx.Client.WaitContainerAsync(name, null, ctx.Cancel).ConfigureAwait(false);
                    var r = await wait.ResultAsync(ctx.Cancel).ConfigureAwait(false);
                    ctx.Out.Write(r.StatusCode.ToString(CultureInfo.InvariantCulture) + "\n");
                    ctx.Out.Flush();
                }
                catch (WharfApiException e)
                {
                    errors.Add("Error response from daemon: " + e.Message);
                }
            }
            if (errors.Count > 0) throw new CliException(string.Join("\n", errors));
            return 0;
        },
    };

    public static CommandDef Rename() => new("rename CONTAINER NEW_NAME", "Rename a container")
    {
        AliasesLine = "wharf container rename, wharf rename",
        Args = ArgsRule.Exact(2),
        Run = async ctx =>
        {
            var oldName = ctx.Args[0].Trim();
            var newName = ctx.Args[1].Trim();
            if (oldName.Length == 0 || newName.Length == 0) throw new CliException("Error: Neither old nor new names may be empty");
            try
            {
                await ctx.Client.RenameContainerAsync(oldName, newName, ctx.Cancel).ConfigureAwait(false);
            }
            catch (WharfApiException e)
            {
                ctx.Err.Write("Error response from daemon: " + e.Message + "\n");
                throw new CliException("Error: failed to rename container named " + oldName);
            }
            return 0;
        },
    };

    // ------------------------------------------------------------------ start

    public static CommandDef Start() => new CommandDef("start [OPTIONS] CONTAINER [CONTAINER...]", "Start one or more stopped containers")
    {
        AliasesLine = "wharf container start, wharf start",
        Args = ArgsRule.AtLeast(1),
        Run = StartAsync,
    }
        .Flag(new FlagDef("attach", 'a', FlagType.Bool, "Attach STDOUT/STDERR and forward signals"))
        .Flag(new FlagDef("checkpoint", null, FlagType.String, "Restore from this checkpoint") { Hidden = true })
        .Flag(new FlagDef("checkpoint-dir", null, FlagType.String, "Use a custom checkpoint storage directory") { Hidden = true })
        .Flag(new FlagDef("detach-keys", null, FlagType.String, "Override the key sequence for detaching a container"))
        .Flag(new FlagDef("interactive", 'i', FlagType.Bool, "Attach container's STDIN"));

    static async Task<int> StartAsync(CommandContext ctx)
    {
        var detachKeys = ctx.Flags.GetString("detach-keys");
        Attacher.CheckDetachKeys(detachKeys);
        if (ctx.Flags.Changed("checkpoint") || ctx.Flags.Changed("checkpoint-dir"))
            throw new CliException("checkpoint and restore are not supported by Wharf");
        if (ctx.Flags.GetBool("attach") || ctx.Flags.GetBool("interactive")) return await StartAttachedAsync(ctx, detachKeys).ConfigureAwait(false);

        var failed = new List<string>();
        foreach (var name in ctx.Args)
        {
            try
            {
                await ctx.Client.StartContainerAsync(name, ctx.Cancel).ConfigureAwait(false);
                ctx.Out.Write(name + "\n");
            }
            catch (WharfApiException e)
            {
                ctx.Out.Flush();
                ctx.Err.Write("Error response from daemon: " + e.Message + "\n");
                failed.Add(name);
            }
        }
        if (failed.Count > 0) throw new CliException("Error: failed to start containers: " + string.Join(", ", failed));
        return 0;
    }

    static async Task<int> StartAttachedAsync(CommandContext ctx, string? detachKeys)
    {
        if (ctx.Args.Count > 1) throw new CliException("you cannot start and attach multiple containers at once");
        var c = await ctx.Client.InspectContainerAsync(ctx.Args[0], ct: ctx.Cancel).ConfigureAwait(false);
        var tty = c.Config?.Tty == true;
        var stdin = ctx.Flags.GetBool("interactive") && c.Config?.OpenStdin == true;
        if (stdin) Attacher.CheckTty(ctx, stdin, tty);
        using var signals = tty ? null : Attacher.ProxySignals(ctx, c.Id);
        using var connection = await ctx.Client.AttachContainerAsync(c.Id, stdin, true, true, detachKeys, ct: ctx.Cancel).ConfigureAwait(false);
        var session = Attacher.Session(ctx, connection, stdin, true, true, tty, detachKeys);
        var autoRemove = c.HostConfig?.AutoRemove == true;
        using var wait = await ctx.Client.WaitContainerAsync(c.Id, autoRemove ? "removed" : "next-exit", CancellationToken.None).ConfigureAwait(false);
        using var stop = new CancellationTokenSource();
        var streaming = session.RunAsync(stop.Token);
        try
        {
            await ctx.Client.StartContainerAsync(c.Id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (WharfApiException)
        {
            stop.Cancel();
            connection.Dispose();
            try { await streaming.ConfigureAwait(false); } catch (Exception) { }
            if (autoRemove) await Attacher.StatusAsync(ctx, wait).ConfigureAwait(false);
            throw;
        }
        using var resizer = tty ? Attacher.MonitorSize(ctx, (h, w) => ctx.Client.ResizeContainerAsync(c.Id, h, w)) : null;
        if (await streaming.ConfigureAwait(false) == SessionEnd.Detached) return 0;
        return await Attacher.StatusAsync(ctx, wait).ConfigureAwait(false);
    }
}
