using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Wharf.Api.Client;
using Wharf.Api.Models;
using Wharf.Cli.Commands;
using Wharf.Cli.Output;
using Wharf.Cli.Parsing;
using Wharf.Compose.Engine;
using Wharf.Compose.Output;
using Wharf.Compose.Yaml;

namespace Wharf.Cli.Compose;

/// <summary>ps, logs, images, config, port, ls, top, version.</summary>
internal static class ComposeInfoCommands
{
    public static IEnumerable<CommandDef> All(ComposeSession s) => [Ps(s), Logs(s), Images(s), Config(s), Port(s), Ls(), Top(s), Version()];

    // ---------------------------------------------------------------- ps

    const string PsTable = "table {{.Name}}\t{{.Image}}\t{{.Command}}\t{{.Service}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}";

    static CommandDef Ps(ComposeSession s) => new CommandDef("ps [OPTIONS] [SERVICE...]", "List containers")
    {
        Run = async ctx =>
        {
            var project = s.ProjectOrNameOnly();
            var engine = s.Engine(ctx, project);
            if (ctx.Flags.GetBool("services"))
            {
                foreach (var svc in ctx.Args.Count > 0 ? ctx.Args : project.Services.Select(x => x.Name))
                    ctx.Out.Write(svc + "\n");
                return 0;
            }
            var statuses = ctx.Flags.GetList("status");
            var all = ctx.Flags.GetBool("all") || statuses.Count > 0;
            var containers = await engine.ContainersAsync(all, ctx.Args, ct: ctx.Cancel).ConfigureAwait(false);
            if (statuses.Count > 0) containers = containers.Where(c => statuses.Contains(c.State)).ToList();
            foreach (var f in ctx.Flags.GetList("filter"))
                if (f.StartsWith("status=", StringComparison.Ordinal)) containers = containers.Where(c => c.State == f[7..]).ToList();
            if (ctx.Flags.GetBool("quiet"))
            {
                foreach (var c in containers) ctx.Out.Write(c.Id + "\n");
                return 0;
            }
            var rows = ContainerRows.Build(containers, trunc: !ctx.Flags.GetBool("no-trunc"), ctx.Now);
            for (int i = 0; i < rows.Count; i++)
            {
                rows[i]["Name"] = ComposeEngine.Name(containers[i]);
                rows[i]["Service"] = ComposeEngine.ServiceOf(containers[i]);
                rows[i]["Project"] = project.Name;
            }
            var format = ctx.Flags.GetString("format") is { Length: > 0 } fmt ? fmt : PsTable;
            if (format == "table") format = PsTable;
            var header = new JsonObject
            {
                ["Name"] = "NAME", ["Image"] = "IMAGE", ["Command"] = "COMMAND", ["Service"] = "SERVICE",
                ["RunningFor"] = "CREATED", ["Status"] = "STATUS", ["Ports"] = "PORTS", ["ID"] = "CONTAINER ID", ["State"] = "STATE",
            };
            ctx.Out.Write(Formatter.Render(format, header, rows, ContainerRows.Methods));
            return 0;
        },
    }
        .Flag(new FlagDef("all", 'a', FlagType.Bool, "Show all stopped containers (including those created by the run command)"))
        .Flag(new FlagDef("quiet", 'q', FlagType.Bool, "Only display IDs"))
        .Flag(new FlagDef("services", null, FlagType.Bool, "Display services"))
        .Flag(new FlagDef("format", null, FlagType.String, "Format output using a custom template:\n'table':            Print output in table format with column headers (default)\n'table TEMPLATE':   Print output in table format using the given Go template\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template", "table"))
        .Flag(new FlagDef("status", null, FlagType.List, "Filter services by status. Values: [paused | restarting | removing | running | dead | created | exited]"))
        .Flag(new FlagDef("filter", null, FlagType.List, "Filter services by a property (supported filters: status)."))
        .Flag(new FlagDef("no-trunc", null, FlagType.Bool, "Don't truncate output"));

    // ---------------------------------------------------------------- logs

    static CommandDef Logs(ComposeSession s) => new CommandDef("logs [OPTIONS] [SERVICE...]", "View output from containers")
    {
        Run = async ctx =>
        {
            var engine = s.Engine(ctx, s.ProjectOrNameOnly());
            var containers = await engine.ContainersAsync(all: true, ctx.Args, ct: ctx.Cancel).ConfigureAwait(false);
            if (ctx.Flags.Changed("index")) containers = containers.Where(c => ComposeEngine.Number(c) == ctx.Flags.GetInt("index")).ToList();
            var printer = new LogPrinter(ctx, s.Colors(ctx) && !ctx.Flags.GetBool("no-color"), !ctx.Flags.GetBool("no-log-prefix"));
            try
            {
                await printer.FollowAsync(engine, containers, ctx.Flags.GetBool("timestamps"), ctx.Flags.GetString("tail"), null, ctx.Cancel,
                    follow: ctx.Flags.GetBool("follow"), since: ctx.Flags.GetString("since"), until: ctx.Flags.GetString("until")).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ctx.Cancel.IsCancellationRequested) { }
            return 0;
        },
    }
        .Flag(new FlagDef("follow", 'f', FlagType.Bool, "Follow log output"))
        .Flag(new FlagDef("tail", 'n', FlagType.String, "Number of lines to show from the end of the logs for each container", "all"))
        .Flag(new FlagDef("timestamps", 't', FlagType.Bool, "Show timestamps"))
        .Flag(new FlagDef("since", null, FlagType.String, "Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)"))
        .Flag(new FlagDef("until", null, FlagType.String, "Show logs before a timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)"))
        .Flag(new FlagDef("no-color", null, FlagType.Bool, "Produce monochrome output"))
        .Flag(new FlagDef("no-log-prefix", null, FlagType.Bool, "Don't print prefix in logs"))
        .Flag(new FlagDef("index", null, FlagType.Int, "index of the container if service has multiple replicas"));

    // ---------------------------------------------------------------- images

    static CommandDef Images(ComposeSession s) => new CommandDef("images [OPTIONS] [SERVICE...]", "List images used by the created containers")
    {
        Run = async ctx =>
        {
            var engine = s.Engine(ctx, s.ProjectOrNameOnly());
            var containers = await engine.ContainersAsync(all: true, ctx.Args, ct: ctx.Cancel).ConfigureAwait(false);
            var rows = new List<JsonObject>();
            foreach (var c in containers)
            {
                ImageInspect img;
                try { img = await ctx.Client.InspectImageAsync(c.ImageID, ctx.Cancel).ConfigureAwait(false); }
                catch (WharfApiException e) when (e.StatusCode == 404) { continue; }
                var reference = img.RepoTags.FirstOrDefault() ?? c.Image;
                var colon = reference.LastIndexOf(':');
                var (repo, tag) = colon > reference.LastIndexOf('/') ? (reference[..colon], reference[(colon + 1)..]) : (reference, "<none>");
                rows.Add(new JsonObject
                {
                    ["ContainerName"] = ComposeEngine.Name(c), ["Repository"] = repo, ["Tag"] = tag,
                    ["ID"] = img.Id, ["Size"] = img.Size,
                });
            }
            if (ctx.Flags.GetBool("quiet"))
            {
                foreach (var id in rows.Select(r => (string)r["ID"]!).Distinct()) ctx.Out.Write(id + "\n");
                return 0;
            }
            if (ctx.Flags.GetString("format") == "json")
            {
                ctx.Out.Write(new JsonArray([.. rows]).ToJsonString() + "\n");
                return 0;
            }
            var sb = new StringBuilder("CONTAINER\tREPOSITORY\tTAG\tIMAGE ID\tSIZE\n");
            foreach (var r in rows)
                sb.Append(r["ContainerName"]).Append('\t').Append(r["Repository"]).Append('\t').Append(r["Tag"]).Append('\t')
                    .Append(Common.TruncateId((string)r["ID"]!)).Append('\t').Append(HumanUnits.HumanSizeWithPrecision((long)r["Size"]!, 3)).Append('\n');
            ctx.Out.Write(Formatter.AlignColumns(sb.ToString()));
            return 0;
        },
    }
        .Flag(new FlagDef("quiet", 'q', FlagType.Bool, "Only display IDs"))
        .Flag(new FlagDef("format", null, FlagType.String, "Format the output. Values: [table | json]", "table"));

    // ---------------------------------------------------------------- config

    static CommandDef Config(ComposeSession s) => new CommandDef("config [OPTIONS] [SERVICE...]", "Parse, resolve and render compose file in canonical format")
    {
        AliasesLine = "wharf compose config, wharf compose convert",
        Run = ctx =>
        {
            var f = ctx.Flags;
            var project = s.Project;
            string text;
            if (f.GetBool("services")) text = string.Concat(project.Services.Select(x => x.Name + "\n"));
            else if (f.GetBool("volumes")) text = string.Concat(project.Volumes.Keys.Select(x => x + "\n"));
            else if (f.GetBool("networks")) text = string.Concat(project.Networks.Keys.Select(x => x + "\n"));
            else if (f.GetBool("profiles")) text = string.Concat(project.Services.Concat(project.DisabledServices).SelectMany(x => x.Profiles).Distinct().Order(StringComparer.Ordinal).Select(x => x + "\n"));
            else if (f.GetString("hash") is { } hash)
            {
                var sb = new StringBuilder();
                foreach (var svc in hash == "*" ? project.Services : hash.Split(',').Select(project.RequireService))
                    sb.Append(svc.Name).Append(' ').Append(ContainerSpec.Hash(ContainerSpec.Build(project, svc, svc.ImageName(project.Name)), ContainerSpec.Networking(project, svc, ""), "")).Append('\n');
                text = sb.ToString();
            }
            else
            {
                var tree = (MapNode)project.Tree!.Clone();
                if (ctx.Args.Count > 0 && tree["services"] is MapNode svcs)
                    foreach (var k in svcs.Keys.ToList()) if (!ctx.Args.Contains(k)) svcs.Remove(k);
                text = f.GetString("format") == "json" ? ToJson(tree)!.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n" : YamlWriter.Write(tree);
            }
            if (f.GetBool("quiet")) return Task.FromResult(0);
            if (f.GetString("output") is { Length: > 0 } output) File.WriteAllText(output, text);
            else ctx.Out.Write(text);
            return Task.FromResult(0);
        },
    }
        .Flag(new FlagDef("quiet", 'q', FlagType.Bool, "Only validate the configuration, don't print anything"))
        .Flag(new FlagDef("services", null, FlagType.Bool, "Print the service names, one per line"))
        .Flag(new FlagDef("volumes", null, FlagType.Bool, "Print the volume names, one per line"))
        .Flag(new FlagDef("networks", null, FlagType.Bool, "Print the network names, one per line"))
        .Flag(new FlagDef("profiles", null, FlagType.Bool, "Print the profile names, one per line"))
        .Flag(new FlagDef("hash", null, FlagType.String, "Print the service config hash, one per line"))
        .Flag(new FlagDef("format", null, FlagType.String, "Format the output. Values: [yaml | json]", "yaml"))
        .Flag(new FlagDef("output", 'o', FlagType.String, "Save to file (default to stdout)"));

    static JsonNode? ToJson(Node n) => n switch
    {
        ScalarNode { IsNull: true } => null,
        ScalarNode s => JsonValue.Create(s.Value),
        SeqNode seq => new JsonArray([.. seq.Items.Select(ToJson)]),
        MapNode m => new JsonObject(m.Entries.Select(e => KeyValuePair.Create(e.Key, ToJson(e.Value)))),
        _ => null,
    };

    // ---------------------------------------------------------------- port

    static CommandDef Port(ComposeSession s) => new CommandDef("port [OPTIONS] SERVICE PRIVATE_PORT", "Print the public port for a port binding")
    {
        Args = ArgsRule.Exact(2),
        Run = async ctx =>
        {
            var engine = s.Engine(ctx, s.ProjectOrNameOnly());
            var index = ctx.Flags.Changed("index") ? ctx.Flags.GetInt("index") : 1;
            var c = (await engine.ContainersAsync(all: false, [ctx.Args[0]], ct: ctx.Cancel).ConfigureAwait(false))
                .FirstOrDefault(x => ComposeEngine.Number(x) == index)
                ?? throw new CliException($"service \"{ctx.Args[0]}\" is not running container #{index}");
            var doc = await ctx.Client.InspectContainerAsync(c.Id, ct: ctx.Cancel).ConfigureAwait(false);
            var key = ctx.Args[1] + "/" + ctx.Flags.GetStringOrEmpty("protocol");
            if (doc.NetworkSettings?.Ports?.GetValueOrDefault(key) is not { Count: > 0 } bindings)
                throw new CliException($"no port {key} for container {ComposeEngine.Name(c)}");
            var b = bindings[0];
            ctx.Out.Write($"{(string.IsNullOrEmpty(b.HostIp) ? "0.0.0.0" : b.HostIp)}:{b.HostPort}\n");
            return 0;
        },
    }
        .Flag(new FlagDef("protocol", null, FlagType.String, "tcp or udp", "tcp"))
        .Flag(new FlagDef("index", null, FlagType.Int, "Index of the container if service has multiple replicas"));

    // ---------------------------------------------------------------- ls

    static CommandDef Ls() => new CommandDef("ls [OPTIONS]", "List running compose projects")
    {
        Run = async ctx =>
        {
            var all = ctx.Flags.GetBool("all");
            var containers = await ctx.Client.ListContainersAsync(all: true, filters: new Filters().Add("label", Labels.Project), ct: ctx.Cancel).ConfigureAwait(false);
            var projects = containers.GroupBy(c => c.Labels[Labels.Project]).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => (Name: g.Key,
                    Status: string.Join(", ", g.GroupBy(c => c.State).OrderBy(x => x.Key, StringComparer.Ordinal).Select(x => $"{x.Key}({x.Count()})")),
                    Running: g.Any(c => c.State == "running"),
                    Files: g.Select(c => c.Labels.GetValueOrDefault(Labels.ConfigFiles) ?? "").FirstOrDefault(f => f.Length > 0) ?? ""))
                .Where(p => all || p.Running).ToList();
            foreach (var f in ctx.Flags.GetList("filter"))
                if (f.StartsWith("name=", StringComparison.Ordinal)) projects = projects.Where(p => p.Name.Contains(f[5..], StringComparison.Ordinal)).ToList();
            if (ctx.Flags.GetBool("quiet"))
            {
                foreach (var p in projects) ctx.Out.Write(p.Name + "\n");
                return 0;
            }
            if (ctx.Flags.GetString("format") == "json")
            {
                ctx.Out.Write(new JsonArray([.. projects.Select(p => (JsonNode)new JsonObject { ["Name"] = p.Name, ["Status"] = p.Status, ["ConfigFiles"] = p.Files })]).ToJsonString() + "\n");
                return 0;
            }
            var sb = new StringBuilder("NAME\tSTATUS\tCONFIG FILES\n");
            foreach (var p in projects) sb.Append(p.Name).Append('\t').Append(p.Status).Append('\t').Append(p.Files).Append('\n');
            ctx.Out.Write(Formatter.AlignColumns(sb.ToString()));
            return 0;
        },
    }
        .Flag(new FlagDef("all", 'a', FlagType.Bool, "Show all stopped Compose projects"))
        .Flag(new FlagDef("quiet", 'q', FlagType.Bool, "Only display IDs"))
        .Flag(new FlagDef("format", null, FlagType.String, "Format the output. Values: [table | json]", "table"))
        .Flag(new FlagDef("filter", null, FlagType.List, "Filter output based on conditions provided"));

    // ---------------------------------------------------------------- top, version

    static CommandDef Top(ComposeSession s) => new CommandDef("top [SERVICES...]", "Display the running processes")
    {
        Run = async ctx =>
        {
            var engine = s.Engine(ctx, s.ProjectOrNameOnly());
            foreach (var c in await engine.ContainersAsync(all: false, ctx.Args, ct: ctx.Cancel).ConfigureAwait(false))
            {
                var top = await ctx.Client.TopContainerAsync(c.Id, [], ctx.Cancel).ConfigureAwait(false);
                var sb = new StringBuilder(string.Join('\t', top.Titles)).Append('\n');
                foreach (var p in top.Processes) sb.Append(string.Join('\t', p)).Append('\n');
                ctx.Out.Write(ComposeEngine.Name(c) + "\n" + Formatter.AlignColumns(sb.ToString()) + "\n");
            }
            return 0;
        },
    };

    static CommandDef Version() => new CommandDef("version [OPTIONS]", "Show the Docker Compose version information")
    {
        Run = ctx =>
        {
            var v = "v" + Labels.ComposeVersion;
            if (ctx.Flags.GetBool("short")) ctx.Out.Write(Labels.ComposeVersion + "\n");
            else if (ctx.Flags.GetString("format") == "json") ctx.Out.Write($"{{\"version\":\"{v}\"}}\n");
            else ctx.Out.Write($"Wharf Compose version {v} (wharf {BuildInfo.Version})\n");
            return Task.FromResult(0);
        },
    }
        .Flag(new FlagDef("short", null, FlagType.Bool, "Shows only Compose's version number"))
        .Flag(new FlagDef("format", 'f', FlagType.String, "Format the output. Values: [pretty | json]", "pretty"));
}
