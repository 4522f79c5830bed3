using System.Text;
using System.Text.Json.Nodes;
using Wharf.Api.Client;
using Wharf.Api.Models;
using Wharf.Cli.Output;
using Wharf.Cli.Parsing;

namespace Wharf.Cli.Commands;

/// <summary>`wharf volume create|ls|inspect|rm|prune`, with docker's flags and output.</summary>
internal static class VolumeCommands
{
    public static CommandDef Group() => new CommandDef("volume", "Manage volumes") { Group = "management" }.Add(
        Create(), Inspect(), List(), Prune(), Remove());

    // ------------------------------------------------------------------ create

    static CommandDef Create() => new CommandDef("create [OPTIONS] [VOLUME]", "Create a volume")
    {
        Args = ArgsRule.AtMost(1),
        Run = CreateAsync,
    }
        .Flag(new FlagDef("driver", 'd', FlagType.String, "Specify volume driver name", "local"))
        .Flag(new FlagDef("label", null, FlagType.List, "Set metadata for a volume"))
        .Flag(new FlagDef("name", null, FlagType.String, "Specify volume name") { Hidden = true })
        .Flag(new FlagDef("opt", 'o', FlagType.List, "Set driver specific options", "map[]") { VarName = "map" });

    static async Task<int> CreateAsync(CommandContext ctx)
    {
        var name = ctx.Flags.GetStringOrEmpty("name");
        if (ctx.Args.Count == 1)
        {
            if (name.Length > 0 && name != ctx.Args[0])
                throw new CliException("conflicting options: cannot specify a volume-name through both --name and as a positional arg", 1);
            name = ctx.Args[0];
        }
        var volume = await ctx.Client.CreateVolumeAsync(new VolumeCreateOptions
        {
            Name = name,
            Driver = ctx.Flags.GetString("driver") ?? "local",
            DriverOpts = Pairs(ctx.Flags.GetList("opt"), "opt"),
            Labels = Pairs(ctx.Flags.GetList("label"), "label"),
        }, ctx.Cancel).ConfigureAwait(false);
        ctx.Out.Write(volume.Name + "\n");
        return 0;
    }

    /// <summary>key=value flags (--opt, --label); a label without '=' has an empty value, as docker's.</summary>
    static Dictionary<string, string> Pairs(IReadOnlyList<string> values, string flag)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var v in values)
        {
            var eq = v.IndexOf('=');
            if (eq < 0 && flag == "opt") throw new CliException($"invalid argument \"{v}\" for \"-o, --opt\" flag: invalid key value pair format in driver options", 125);
            if (eq == 0) throw new CliException($"invalid argument \"{v}\" for \"--{flag}\" flag: invalid key: empty", 125);
            result[eq < 0 ? v : v[..eq]] = eq < 0 ? "" : v[(eq + 1)..];
        }
        return result;
    }

    // ------------------------------------------------------------------ inspect

    static CommandDef Inspect() => new CommandDef("inspect [OPTIONS] VOLUME [VOLUME...]", "Display detailed information on one or more volumes")
    {
        Args = ArgsRule.AtLeast(1),
        Run = ctx => ImageCommands.InspectObjectsAsync(ctx, "volume"),
    }
        .Flag(Common.FormatFlag(table: false, 'f'));

    // ------------------------------------------------------------------ ls

    const string DefaultTable = "table {{.Driver}}\t{{.Name}}";

    static CommandDef List() => new CommandDef("ls [OPTIONS]", "List volumes")
    {
        Aliases = ["list"],
        AliasesLine = "wharf volume ls, wharf volume list",
        Args = ArgsRule.None,
        Run = ListAsync,
    }
        .Flag(new FlagDef("cluster", null, FlagType.Bool, "Display only cluster volumes, and use cluster volume list formatting"))
        .Flag(Common.FilterFlag('f', "Provide filter values (e.g. \"dangling=true\")"))
        .Flag(Common.FormatFlag(table: true))
        .Flag(new FlagDef("quiet", 'q', FlagType.Bool, "Only display volume names"));

    static async Task<int> ListAsync(CommandContext ctx)
    {
        var filters = Common.ReadFilters(ctx);
        var list = await ctx.Client.ListVolumesAsync(filters.IsEmpty ? null : filters, ctx.Cancel).ConfigureAwait(false);
        // Cluster volumes do not exist here: --cluster lists none.
        var volumes = ctx.Flags.GetBool("cluster") ? [] : list.Volumes.OrderBy(v => v.Name, StringComparer.Ordinal).ToList();
        var format = ctx.Flags.GetString("format");
        if (string.IsNullOrEmpty(format) || format == Formatter.TableKey)
            format = ctx.Flags.GetBool("quiet") ? "{{.Name}}" : DefaultTable;
        else if (ctx.Flags.GetBool("quiet") && Formatter.IsTable(format))
            format = "{{.Name}}";
        ctx.Out.Write(Formatter.Render(format, Header(), volumes.Select(Row)));
        return 0;
    }

    static JsonObject Header() => new()
    {
        ["Availability"] = "AVAILABILITY", ["Driver"] = "DRIVER", ["Group"] = "GROUP", ["Labels"] = "LABELS",
        ["Links"] = "LINKS", ["Mountpoint"] = "MOUNTPOINT", ["Name"] = "VOLUME NAME", ["Scope"] = "SCOPE",
        ["Size"] = "SIZE", ["Status"] = "STATUS",
    };

    internal static JsonNode Row(Volume v) => new JsonObject
    {
        ["Availability"] = "N/A",
        ["Driver"] = v.Driver,
        ["Group"] = "N/A",
        ["Labels"] = string.Join(",", (v.Labels ?? []).Select(kv => kv.Key + "=" + kv.Value).Order(StringComparer.Ordinal)),
        ["Links"] = v.UsageData is { RefCount: >= 0 } u ? u.RefCount.ToString(System.Globalization.CultureInfo.InvariantCulture) : "N/A",
        ["Mountpoint"] = v.Mountpoint,
        ["Name"] = v.Name,
        ["Scope"] = v.Scope,
        ["Size"] = v.UsageData is { Size: >= 0 } s ? HumanUnits.HumanSize(s.Size) : "N/A",
        ["Status"] = "N/A",
    };

    // ------------------------------------------------------------------ rm

    static CommandDef Remove() => new CommandDef("rm [OPTIONS] VOLUME [VOLUME...]", "Remove one or more volumes. You cannot remove a volume that is in use by a container.")
    {
        Aliases = ["remove"],
        AliasesLine = "wharf volume rm, wharf volume remove",
        Args = ArgsRule.AtLeast(1),
        Run = RemoveAsync,
    }
        .Flag(new FlagDef("force", 'f', FlagType.Bool, "Force the removal of one or more volumes"));

    static async Task<int> RemoveAsync(CommandContext ctx)
    {
        var errors = new List<string>();
        foreach (var name in ctx.Args)
        {
            try
            {
                await ctx.Client.RemoveVolumeAsync(name, ctx.Flags.GetBool("force"), ctx.Cancel).ConfigureAwait(false);
                ctx.Out.Write(name + "\n");
            }
            catch (WharfApiException e)
            {
                errors.Add("Error response from daemon: " + e.Message);
            }
        }
        if (errors.Count > 0) throw new CliException(string.Join("\n", errors));
        return 0;
    }

    // ------------------------------------------------------------------ prune

    internal const string AnonymousWarning = "WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue?";
    const string AllWarning = "WARNING! This will remove all local volumes not used by at least one container.\nAre you sure you want to continue?";

    static CommandDef Prune() => new CommandDef("prune [OPTIONS]", "Remove unused local volumes")
    {
        Args = ArgsRule.None,
        Run = PruneAsync,
    }
        .Flag(new FlagDef("all", 'a', FlagType.Bool, "Remove all unused volumes, not just anonymous ones"))
        .Flag(Common.FilterFlag(null, "Provide filter values (e.g. \"label=<label>\")"))
        .Flag(new FlagDef("force", 'f', FlagType.Bool, "Do not prompt for confirmation"));

    static async Task<int> PruneAsync(CommandContext ctx)
    {
        var filters = Common.ReadFilters(ctx);
        var all = ctx.Flags.GetBool("all");
        if (all)
        {
            if (filters.Contains("all")) throw new CliException("conflicting options: cannot specify both --all and --filter all=1", 1);
            filters.Add("all", "true");
        }
        var warning = all || filters.Get("all").Any(v => v is "true" or "1") ? AllWarning : AnonymousWarning;
        if (!ctx.Flags.GetBool("force") && !Common.Confirm(ctx, warning)) return 0;
        var report = await ctx.Client.PruneVolumesAsync(filters.IsEmpty ? null : filters, ctx.Cancel).ConfigureAwait(false);
        var sb = new StringBuilder();
        AppendDeleted(sb, "Deleted Volumes:", report.VolumesDeleted);
        sb.Append("Total reclaimed space: ").Append(HumanUnits.HumanSize(report.SpaceReclaimed)).Append('\n');
        ctx.Out.Write(sb.ToString());
        return 0;
    }

    internal static void AppendDeleted(StringBuilder sb, string title, IEnumerable<string>? names)
    {
        var list = names?.ToList();
        if (list is not { Count: > 0 }) return;
        sb.Append(title).Append('\n');
        foreach (var n in list) sb.Append(n).Append('\n');
        sb.Append('\n');
    }
}
