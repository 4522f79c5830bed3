using Wharf.Api.Client;
using Wharf.Api.Models;
using Wharf.Cli.Commands;
using Wharf.Cli.Containers;
using Wharf.Cli.Parsing;
using Wharf.Cli.Streams;
using Wharf.Compose.Loading;
using Wharf.Compose.Yaml;

namespace Wharf.Cli.Compose;

/// <summary>exec and run: commands in a service's container, or in a new one-off container.</summary>
internal static class ComposeRunCommands
{
    public static IEnumerable<CommandDef> All(ComposeSession s) => [Exec(s), Run(s)];

    static CommandDef Exec(ComposeSession s) => new CommandDef("exec [OPTIONS] SERVICE COMMAND [ARGS...]", "Execute a command in a running container")
    {
        Args = ArgsRule.AtLeast(2),
        Interspersed = false,
        Run = async ctx =>
        {
            var f = ctx.Flags;
            var engine = s.Engine(ctx, s.ProjectOrNameOnly());
            var index = f.Changed("index") ? f.GetInt("index") : 1;
            var c = await engine.ServiceContainerAsync(ctx.Args[0], index, ctx.Cancel).ConfigureAwait(false);
            var detach = f.GetBool("detach");
            var tty = !f.GetBool("no-TTY") && ctx.Console.OutIsTerminal && ctx.Console.InIsTerminal;
            var config = new ExecConfig
            {
                Cmd = [.. ctx.Args.Skip(1)],
                Env = Env(f),
                WorkingDir = f.GetStringOrEmpty("workdir"),
                User = f.GetStringOrEmpty("user"),
                Privileged = f.GetBool("privileged"),
                Tty = tty,
                AttachStdin = !detach && f.GetBool("interactive"),
                AttachStdout = !detach,
                AttachStderr = !detach,
            };
            return await ExecAttachCommands.RunExecAsync(ctx, c.Id, config, detach).ConfigureAwait(false);
        },
    }
        .Flag(new FlagDef("detach", 'd', FlagType.Bool, "Detached mode: Run command in the background"))
        .Flag(new FlagDef("env", 'e', FlagType.List, "Set environment variables"))
        .Flag(new FlagDef("index", null, FlagType.Int, "Index of the container if service has multiple replicas", "1"))
        .Flag(new FlagDef("no-TTY", 'T', FlagType.Bool, "Disable pseudo-TTY allocation. By default `docker compose exec` allocates a TTY."))
        .Flag(new FlagDef("privileged", null, FlagType.Bool, "Give extended privileges to the process"))
        .Flag(new FlagDef("user", 'u', FlagType.String, "Run the command as this user"))
        .Flag(new FlagDef("workdir", 'w', FlagType.String, "Path to workdir directory for this command"))
        .Flag(new FlagDef("interactive", 'i', FlagType.Bool, "Keep STDIN open even if not attached", "true") { Hidden = true });

    static List<string> Env(ParsedFlags f) =>
        f.GetList("env").Select(e => e.Contains('=') ? e : Environment.GetEnvironmentVariable(e) is { } v ? e + "=" + v : e).ToList();

    static CommandDef Run(ComposeSession s) => new CommandDef("run [OPTIONS] SERVICE [COMMAND] [ARGS...]", "Run a one-off command on a service")
    {
        Args = ArgsRule.AtLeast(1),
        Interspersed = false,
        Run = ctx => RunAsync(s, ctx),
    }
        .Flag(new FlagDef("detach", 'd', FlagType.Bool, "Run container in background and print container ID"))
        .Flag(new FlagDef("rm", null, FlagType.Bool, "Automatically remove the container when it exits"))
        .Flag(new FlagDef("env", 'e', FlagType.List, "Set environment variables"))
        .Flag(new FlagDef("entrypoint", null, FlagType.String, "Override the entrypoint of the image"))
        .Flag(new FlagDef("name", null, FlagType.String, "Assign a name to the container"))
        .Flag(new FlagDef("no-TTY", 'T', FlagType.Bool, "Disable pseudo-TTY allocation (default: auto-detected)"))
        .Flag(new FlagDef("workdir", 'w', FlagType.String, "Working directory inside the container"))
        .Flag(new FlagDef("user", 'u', FlagType.String, "Run as specified username or uid"))
        .Flag(new FlagDef("no-deps", null, FlagType.Bool, "Don't start linked services"))
        .Flag(new FlagDef("publish", 'p', FlagType.List, "Publish a container's port(s) to the host"))
        .Flag(new FlagDef("volume", 'v', FlagType.List, "Bind mount a volume"))
        .Flag(new FlagDef("label", 'l', FlagType.List, "Add or override a label"))
        .Flag(new FlagDef("service-ports", 'P', FlagType.Bool, "Run command with all service's ports enabled and mapped to the host"))
        .Flag(new FlagDef("interactive", 'i', FlagType.Bool, "Keep STDIN open even if not attached", "true"));

    static async Task<int> RunAsync(ComposeSession s, CommandContext ctx)
    {
        var f = ctx.Flags;
        // A service behind a profile is enabled by naming it, as Compose does.
        var project = s.Project.Service(ctx.Args[0]) is null && s.Project.DisabledServices.Any(d => d.Name == ctx.Args[0])
            ? ProjectLoader.Load(s.LoadOptions(s.Project.DisabledServices.First(d => d.Name == ctx.Args[0]).Profiles))
            : s.Project;
        var svc = project.RequireService(ctx.Args[0]);
        var engine = s.Engine(ctx, project);
        var detach = f.GetBool("detach");
        var tty = !f.GetBool("no-TTY") && ctx.Console.InIsTerminal && ctx.Console.OutIsTerminal;
        var stdin = !detach && f.GetBool("interactive");
        var mark = new SourceMark("command line", 0, 0);
        var extraMounts = f.GetList("volume").Select(v => ShortSyntax.Volume(project, v)).ToList();
        var ports = f.GetList("publish").SelectMany(p => ShortSyntax.Ports(p)).ToList();
        var (id, name) = await engine.CreateOneOffAsync(svc, f.GetBool("no-deps"), f.GetString("name"), req =>
        {
            if (ctx.Args.Count > 1) req.Cmd = [.. ctx.Args.Skip(1)];
            if (f.GetString("entrypoint") is { } ep) req.Entrypoint = ep.Length == 0 ? [""] : Units.ShellSplit(ep, mark, "--entrypoint");
            req.Env = [.. req.Env ?? [], .. Env(f)];
            if (f.GetString("workdir") is { } wd) req.WorkingDir = wd;
            if (f.GetString("user") is { } user) req.User = user;
            foreach (var l in f.GetList("label")) req.Labels![l.Split('=')[0]] = l.Contains('=') ? l[(l.IndexOf('=') + 1)..] : "";
            req.Tty = tty;
            req.OpenStdin = stdin;
            req.StdinOnce = stdin;
            req.AttachStdin = stdin;
            req.AttachStdout = req.AttachStderr = !detach;
            var hc = req.HostConfig!;
            hc.RestartPolicy = new RestartPolicy { Name = "no" };
            if (!f.GetBool("service-ports")) hc.PortBindings = null;
            foreach (var p in ports)
            {
                hc.PortBindings ??= [];
                hc.PortBindings[$"{p.Target}/{p.Protocol}"] = [new PortBinding { HostIp = p.HostIp ?? "", HostPort = p.Published ?? "" }];
                req.ExposedPorts ??= [];
                req.ExposedPorts[$"{p.Target}/{p.Protocol}"] = EmptyObject.Instance;
            }
            if (extraMounts.Count > 0) hc.Mounts = [.. hc.Mounts ?? [], .. extraMounts];
        }, ctx.Cancel).ConfigureAwait(false);

        if (detach)
        {
            await ctx.Client.StartContainerAsync(id, ctx.Cancel).ConfigureAwait(false);
            ctx.Out.Write(name + "\n");
            return 0;
        }
        Attacher.CheckTty(ctx, stdin, tty);
        int code;
        using (var wait = await ctx.Client.WaitContainerAsync(id, "next-exit", CancellationToken.None).ConfigureAwait(false))
        {
            using var connection = await ctx.Client.AttachContainerAsync(id, stdin, true, true, null, ct: CancellationToken.None).ConfigureAwait(false);
            var session = Attacher.Session(ctx, connection, stdin, true, true, tty, null);
            using var signals = !tty ? Attacher.ProxySignals(ctx, id) : null;
            var streaming = session.RunAsync(CancellationToken.None);
            await ctx.Client.StartContainerAsync(id, CancellationToken.None).ConfigureAwait(false);
            using var resizer = tty ? Attacher.MonitorSize(ctx, (h, w) => ctx.Client.ResizeContainerAsync(id, h, w)) : null;
            var status = Attacher.StatusAsync(ctx, wait);
            if (await Task.WhenAny(streaming, status).ConfigureAwait(false) == streaming && await streaming.ConfigureAwait(false) == SessionEnd.Detached)
                return 0;
            try { await streaming.ConfigureAwait(false); }
            catch (Exception e) when (e is IOException or WharfApiException) { }
            code = await status.ConfigureAwait(false);
        }
        if (f.GetBool("rm")) await ctx.Client.RemoveContainerAsync(id, force: true, ct: CancellationToken.None).ConfigureAwait(false);
        return code;
    }
}
