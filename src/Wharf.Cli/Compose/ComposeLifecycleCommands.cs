using System.Globalization;
using Wharf.Api.Client;
using Wharf.Cli.Parsing;
using Wharf.Compose.Engine;
using Wharf.Compose.Model;

namespace Wharf.Cli.Compose;

/// <summary>up, create, down, start, stop, restart, kill, pause, unpause, rm, build, pull, push.</summary>
internal static class ComposeLifecycleCommands
{
    public static IEnumerable<CommandDef> All(ComposeSession s) =>
    [
        Up(s), Create(s), Down(s),
        Simple(s, "start [SERVICE...]", "Start services", (e, ctx) => e.StartAsync(ctx.Args, ctx.Cancel)),
        Simple(s, "stop [OPTIONS] [SERVICE...]", "Stop services", (e, ctx) => e.StopAsync(ctx.Args, Timeout(ctx), ctx.Cancel), timeout: true),
        Simple(s, "restart [OPTIONS] [SERVICE...]", "Restart service containers", (e, ctx) => e.RestartAsync(ctx.Args, Timeout(ctx), ctx.Cancel), timeout: true),
        Simple(s, "pause [SERVICE...]", "Pause services", (e, ctx) => e.PauseAsync(ctx.Args, true, ctx.Cancel)),
        Simple(s, "unpause [SERVICE...]", "Unpause services", (e, ctx) => e.PauseAsync(ctx.Args, false, ctx.Cancel)),
        Simple(s, "kill [OPTIONS] [SERVICE...]", "Force stop service containers", (e, ctx) => e.KillAsync(ctx.Args, ctx.Flags.GetString("signal"), ctx.Cancel))
            .Flag(new FlagDef("signal", 's', FlagType.String, "SIGNAL to send to the container", "SIGKILL"))
            .Flag(new FlagDef("remove-orphans", null, FlagType.Bool, "Remove containers for services not defined in the Compose file")),
        Rm(s), Build(s), Pull(s), Push(s),
    ];

    static int? Timeout(CommandContext ctx) => ctx.Flags.Changed("timeout") ? ctx.Flags.GetInt("timeout") : null;

    static CommandDef Simple(ComposeSession s, string use, string help, Func<ComposeEngine, CommandContext, Task> action, bool timeout = false)
    {
        var cmd = new CommandDef(use, help)
        {
            Run = async ctx =>
            {
                await action(s.Engine(ctx, s.ProjectOrNameOnly()), ctx).ConfigureAwait(false);
                return 0;
            },
        };
        if (timeout) cmd.Flag(new FlagDef("timeout", 't', FlagType.Int, "Specify a shutdown timeout in seconds"));
        return cmd;
    }

    static CommandDef UpFlags(CommandDef c) => c
        .Flag(new FlagDef("build", null, FlagType.Bool, "Build images before starting containers"))
        .Flag(new FlagDef("no-build", null, FlagType.Bool, "Don't build an image, even if it's policy"))
        .Flag(new FlagDef("force-recreate", null, FlagType.Bool, "Recreate containers even if their configuration and image haven't changed"))
        .Flag(new FlagDef("no-recreate", null, FlagType.Bool, "If containers already exist, don't recreate them. Incompatible with --force-recreate."))
        .Flag(new FlagDef("remove-orphans", null, FlagType.Bool, "Remove containers for services not defined in the Compose file"))
        .Flag(new FlagDef("pull", null, FlagType.String, "Pull image before running (\"always\"|\"missing\"|\"never\")", "policy"))
        .Flag(new FlagDef("quiet-pull", null, FlagType.Bool, "Pull without printing progress information"));

    static UpOptions ReadUp(CommandContext ctx, bool noStart)
    {
        var f = ctx.Flags;
        if (f.GetBool("build") && f.GetBool("no-build")) throw new CliException("--build and --no-build are incompatible");
        if (f.GetBool("force-recreate") && f.GetBool("no-recreate")) throw new CliException("--force-recreate and --no-recreate are incompatible");
        var pull = f.GetStringOrEmpty("pull");
        if (pull is not ("policy" or "always" or "missing" or "never" or "build"))
            throw new CliException($"invalid --pull value \"{pull}\": use always, missing, never, build or policy");
        var scale = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var sc in noStart ? [] : f.GetList("scale"))
        {
            var eq = sc.IndexOf('=');
            if (eq <= 0 || !int.TryParse(sc[(eq + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                throw new CliException($"invalid --scale \"{sc}\": expected SERVICE=NUM");
            scale[sc[..eq]] = n;
        }
        return new UpOptions
        {
            Services = [.. ctx.Args],
            Build = f.GetBool("build"),
            NoBuild = f.GetBool("no-build"),
            ForceRecreate = f.GetBool("force-recreate"),
            NoRecreate = f.GetBool("no-recreate"),
            NoDeps = !noStart && f.GetBool("no-deps"),
            NoStart = noStart || f.GetBool("no-start"),
            RemoveOrphans = f.GetBool("remove-orphans"),
            Wait = !noStart && f.GetBool("wait"),
            WaitTimeoutSeconds = !noStart && f.Changed("wait-timeout") ? f.GetInt("wait-timeout") : null,
            Timeout = !noStart && f.Changed("timeout") ? f.GetInt("timeout") : null,
            Scale = scale,
            Pull = pull == "policy" ? null : pull,
        };
    }

    static CommandDef Up(ComposeSession s) => UpFlags(new CommandDef("up [OPTIONS] [SERVICE...]", "Create and start containers")
    {
        Run = ctx => UpAsync(s, ctx),
    })
        .Flag(new FlagDef("detach", 'd', FlagType.Bool, "Detached mode: Run containers in the background"))
        .Flag(new FlagDef("no-deps", null, FlagType.Bool, "Don't start linked services"))
        .Flag(new FlagDef("no-start", null, FlagType.Bool, "Don't start the services after creating them"))
        .Flag(new FlagDef("scale", null, FlagType.List, "Scale SERVICE to NUM instances. Overrides the `scale` setting in the Compose file if present."))
        .Flag(new FlagDef("wait", null, FlagType.Bool, "Wait for services to be running|healthy. Implies detached mode."))
        .Flag(new FlagDef("wait-timeout", null, FlagType.Int, "Maximum duration in seconds to wait for the project to be running|healthy"))
        .Flag(new FlagDef("timeout", 't', FlagType.Int, "Use this timeout in seconds for container shutdown when attached or when containers are already running"))
        .Flag(new FlagDef("abort-on-container-exit", null, FlagType.Bool, "Stops all containers if any container was stopped. Incompatible with -d"))
        .Flag(new FlagDef("exit-code-from", null, FlagType.String, "Return the exit code of the selected service container. Implies --abort-on-container-exit"))
        .Flag(new FlagDef("no-color", null, FlagType.Bool, "Produce monochrome output"))
        .Flag(new FlagDef("no-log-prefix", null, FlagType.Bool, "Don't print prefix in logs"))
        .Flag(new FlagDef("timestamps", null, FlagType.Bool, "Show timestamps"))
        .Flag(new FlagDef("attach-dependencies", null, FlagType.Bool, "Automatically attach to log output of dependent services"));

    static async Task<int> UpAsync(ComposeSession s, CommandContext ctx)
    {
        var o = ReadUp(ctx, noStart: false);
        var detach = ctx.Flags.GetBool("detach") || o.Wait;
        var exitFrom = ctx.Flags.GetString("exit-code-from");
        var abort = ctx.Flags.GetBool("abort-on-container-exit") || exitFrom is not null;
        if (detach && abort) throw new CliException("--abort-on-container-exit and --detach are incompatible");
        var project = s.Project;
        if (exitFrom is not null) project.RequireService(exitFrom);
        var engine = s.Engine(ctx, project);
        engine.BuildOutput = line => ctx.Err.Write(line);
        engine.QuietTransfers = ctx.Flags.GetBool("quiet-pull");
        await engine.UpAsync(o, ctx.Cancel).ConfigureAwait(false);
        if (detach) return 0;
        var containers = await engine.ContainersAsync(all: true, ct: ctx.Cancel).ConfigureAwait(false);

        // Attached: follow the logs of the services asked for (all when none), stop everything on Ctrl-C.
        var shown = o.Services.Count == 0 || ctx.Flags.GetBool("attach-dependencies")
            ? containers
            : containers.Where(c => o.Services.Contains(ComposeEngine.ServiceOf(c))).ToList();
        var printer = new LogPrinter(ctx, s.Colors(ctx) && !ctx.Flags.GetBool("no-color"), !ctx.Flags.GetBool("no-log-prefix"));
        ctx.Out.Write("Attaching to " + string.Join(", ", shown.Select(ComposeEngine.Name)) + "\n");
        var exitCode = 0;
        using var stopAll = new CancellationTokenSource();
        var follow = printer.FollowAsync(engine, shown, ctx.Flags.GetBool("timestamps"), tail: null, (c, code) =>
        {
            printer.Line(c, $"exited with code {code}", system: true);
            // The exit code is the chosen service's, or with --abort-on-container-exit the first container's to stop.
            if ((exitFrom is not null ? ComposeEngine.ServiceOf(c) == exitFrom : abort) && !stopAll.IsCancellationRequested)
            {
                exitCode = code;
                stopAll.Cancel();
            }
        }, ctx.Cancel);
        using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(ctx.Cancel, stopAll.Token);
        try
        {
            await follow.WaitAsync(interrupted.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await ctx.Out.FlushAsync().ConfigureAwait(false);
            if (ctx.Cancel.IsCancellationRequested) ctx.Err.Write("Gracefully stopping... (press Ctrl+C again to force)\n");
            else ctx.Err.Write("Aborting on container exit...\n");
            // A second Ctrl-C kills what is still being stopped.
            using var forced = new CancellationTokenSource();
            ctx.App.OnSecondInterrupt = forced.Cancel;
            try
            {
                await s.Engine(ctx, project).StopAsync([], o.Timeout, forced.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (forced.IsCancellationRequested && e is OperationCanceledException or IOException or HttpRequestException)
            {
                await s.Engine(ctx, project).KillAsync([], null, CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                ctx.App.OnSecondInterrupt = null;
            }
            if (ctx.Cancel.IsCancellationRequested) return 130;
            // The other containers' last lines still come: their logs end with their stop.
            try { await follow.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false); }
            catch (Exception e) when (e is TimeoutException or IOException or WharfApiException) { }
            return exitCode;
        }
        return exitCode;
    }

    static CommandDef Create(ComposeSession s) => UpFlags(new CommandDef("create [OPTIONS] [SERVICE...]", "Creates containers for a service")
    {
        Run = async ctx =>
        {
            var engine = s.Engine(ctx);
            engine.BuildOutput = line => ctx.Err.Write(line);
            engine.QuietTransfers = ctx.Flags.GetBool("quiet-pull");
            await engine.UpAsync(ReadUp(ctx, noStart: true), ctx.Cancel).ConfigureAwait(false);
            return 0;
        },
    });

    static CommandDef Down(ComposeSession s) => new CommandDef("down [OPTIONS] [SERVICES]", "Stop and remove containers, networks")
    {
        Run = async ctx =>
        {
            var rmi = ctx.Flags.GetString("rmi");
            if (rmi is not null and not ("local" or "all")) throw new CliException($"invalid value for --rmi: \"{rmi}\" (use local or all)");
            await s.Engine(ctx, s.ProjectOrNameOnly()).DownAsync(ctx.Flags.GetBool("volumes"), rmi, ctx.Flags.GetBool("remove-orphans"),
                Timeout(ctx), ctx.Cancel).ConfigureAwait(false);
            return 0;
        },
    }
        .Flag(new FlagDef("volumes", 'v', FlagType.Bool, "Remove named volumes declared in the \"volumes\" section of the Compose file and anonymous volumes attached to containers"))
        .Flag(new FlagDef("rmi", null, FlagType.String, "Remove images used by services. \"local\" remove only images that don't have a custom tag (\"local\"|\"all\")"))
        .Flag(new FlagDef("remove-orphans", null, FlagType.Bool, "Remove containers for services not defined in the Compose file"))
        .Flag(new FlagDef("timeout", 't', FlagType.Int, "Specify a shutdown timeout in seconds"));

    static CommandDef Rm(ComposeSession s) => new CommandDef("rm [OPTIONS] [SERVICE...]", "Removes stopped service containers")
    {
        Run = async ctx =>
        {
            var engine = s.Engine(ctx, s.ProjectOrNameOnly());
            var n = await engine.RemoveAsync(ctx.Args, ctx.Flags.GetBool("stop"), ctx.Flags.GetBool("volumes"), ctx.Cancel).ConfigureAwait(false);
            if (n == 0) ctx.Err.Write("No stopped containers\n");
            return 0;
        },
    }
        .Flag(new FlagDef("force", 'f', FlagType.Bool, "Don't ask to confirm removal"))
        .Flag(new FlagDef("stop", 's', FlagType.Bool, "Stop the containers, if required, before removing"))
        .Flag(new FlagDef("volumes", 'v', FlagType.Bool, "Remove any anonymous volumes attached to containers"));

    static CommandDef Build(ComposeSession s) => new CommandDef("build [OPTIONS] [SERVICE...]", "Build or rebuild services")
    {
        Run = async ctx =>
        {
            var engine = s.Engine(ctx);
            var quiet = ctx.Flags.GetBool("quiet");
            engine.BuildOutput = quiet ? null : line => ctx.Out.Write(line);
            var args = Commands.BuildCommands.BuildArgs(ctx.Flags.GetList("build-arg"));
            await engine.BuildAsync(ctx.Args, ctx.Flags.GetBool("no-cache"), ctx.Flags.GetBool("pull"), args, ctx.Cancel).ConfigureAwait(false);
            return 0;
        },
    }
        .Flag(new FlagDef("build-arg", null, FlagType.List, "Set build-time variables for services"))
        .Flag(new FlagDef("no-cache", null, FlagType.Bool, "Do not use cache when building the image"))
        .Flag(new FlagDef("pull", null, FlagType.Bool, "Always attempt to pull a newer version of the image"))
        .Flag(new FlagDef("quiet", 'q', FlagType.Bool, "Don't print anything to STDOUT"));

    static CommandDef Pull(ComposeSession s) => new CommandDef("pull [OPTIONS] [SERVICE...]", "Pull service images")
    {
        Run = async ctx =>
        {
            var engine = s.Engine(ctx);
            engine.QuietTransfers = ctx.Flags.GetBool("quiet");
            await engine.PullAsync(ctx.Args, ctx.Flags.GetBool("ignore-pull-failures"), ctx.Cancel).ConfigureAwait(false);
            return 0;
        },
    }
        .Flag(new FlagDef("ignore-pull-failures", null, FlagType.Bool, "Pull what it can and ignores images with pull failures"))
        .Flag(new FlagDef("quiet", 'q', FlagType.Bool, "Pull without printing progress information"));

    static CommandDef Push(ComposeSession s) => new CommandDef("push [OPTIONS] [SERVICE...]", "Push service images")
    {
        Run = async ctx =>
        {
            var engine = s.Engine(ctx);
            engine.QuietTransfers = ctx.Flags.GetBool("quiet");
            await engine.PushAsync(ctx.Args, ctx.Flags.GetBool("ignore-push-failures"), ctx.Cancel).ConfigureAwait(false);
            return 0;
        },
    }
        .Flag(new FlagDef("ignore-push-failures", null, FlagType.Bool, "Push what it can and ignores images with push failures"))
        .Flag(new FlagDef("quiet", 'q', FlagType.Bool, "Push without printing progress information"));
}
