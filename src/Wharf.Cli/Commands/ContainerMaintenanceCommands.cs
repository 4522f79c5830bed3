using System.Text;
using Wharf.Api.Client;
using Wharf.Api.Models;
using Wharf.Cli.Containers;
using Wharf.Cli.Output;
using Wharf.Cli.Parsing;

namespace Wharf.Cli.Commands;

/// <summary>update and container prune.</summary>
internal static class ContainerMaintenanceCommands
{
    // ------------------------------------------------------------------ update

    static FlagDef Typed(string name, char? s, string varName, string usage, Func<string, string?> validate, bool hidden = false) =>
        new(name, s, FlagType.String, usage) { VarName = varName, Validate = validate, Hidden = hidden };

    public static CommandDef Update() => new CommandDef("update [OPTIONS] CONTAINER [CONTAINER...]", "Update configuration of one or more containers")
    {
        AliasesLine = "wharf container update, wharf update",
        Args = ArgsRule.AtLeast(1),
        Run = UpdateAsync,
    }
        .Flag(Typed("blkio-weight", null, "uint16", "Block IO (relative weight), between 10 and 1000, or 0 to disable (default 0)",
            v => GoStrconv.TryParseUint(v, 0, 16, out _, out var e) ? null : e))
        .Flag(new FlagDef("cpu-period", null, FlagType.Int, "Limit CPU CFS (Completely Fair Scheduler) period"))
        .Flag(new FlagDef("cpu-quota", null, FlagType.Int, "Limit CPU CFS (Completely Fair Scheduler) quota"))
        .Flag(new FlagDef("cpu-rt-period", null, FlagType.Int, "Limit the CPU real-time period in microseconds"))
        .Flag(new FlagDef("cpu-rt-runtime", null, FlagType.Int, "Limit the CPU real-time runtime in microseconds"))
        .Flag(new FlagDef("cpu-shares", 'c', FlagType.Int, "CPU shares (relative weight)"))
        .Flag(Typed("cpus", null, "decimal", "Number of CPUs", NanoCpus.Validate))
        .Flag(new FlagDef("cpuset-cpus", null, FlagType.String, "CPUs in which to allow execution (0-3, 0,1)"))
        .Flag(new FlagDef("cpuset-mems", null, FlagType.String, "MEMs in which to allow execution (0-3, 0,1)"))
        .Flag(Typed("kernel-memory", null, "bytes", "Kernel memory limit", ByteSize.Validate, hidden: true))
        .Flag(Typed("memory", 'm', "bytes", "Memory limit", ByteSize.Validate))
        .Flag(Typed("memory-reservation", null, "bytes", "Memory soft limit", ByteSize.Validate))
        .Flag(Typed("memory-swap", null, "bytes", "Swap limit equal to memory plus swap: -1 to enable unlimited swap", ByteSize.ValidateSwap))
        .Flag(new FlagDef("pids-limit", null, FlagType.Int, "Tune container pids limit (set -1 for unlimited)"))
        .Flag(new FlagDef("restart", null, FlagType.String, "Restart policy to apply when a container exits"));

    /// <summary>The update body for the flags given (docker's UpdateConfig; unset values stay zero, meaning unchanged).</summary>
    public static ContainerUpdateRequest BuildUpdate(ParsedFlags f)
    {
        var req = new ContainerUpdateRequest
        {
            BlkioWeight = GoStrconv.TryParseUint(f.GetStringOrEmpty("blkio-weight"), 0, 16, out var w, out _) ? (int)w : 0,
            CpusetCpus = f.Changed("cpuset-cpus") ? f.GetStringOrEmpty("cpuset-cpus") : null,
            CpusetMems = f.Changed("cpuset-mems") ? f.GetStringOrEmpty("cpuset-mems") : null,
            CpuShares = f.GetLong("cpu-shares"),
            Memory = ByteSize.Parse(f.GetStringOrEmpty("memory")),
            MemoryReservation = ByteSize.Parse(f.GetStringOrEmpty("memory-reservation")),
            MemorySwap = ByteSize.Parse(f.GetStringOrEmpty("memory-swap")),
            CpuPeriod = f.GetLong("cpu-period"),
            CpuQuota = f.GetLong("cpu-quota"),
            CpuRealtimePeriod = f.GetLong("cpu-rt-period"),
            CpuRealtimeRuntime = f.GetLong("cpu-rt-runtime"),
            NanoCpus = NanoCpus.Parse(f.GetStringOrEmpty("cpus")),
            PidsLimit = f.GetLong("pids-limit") is var pids and not 0 ? pids : null,
        };
        if (f.GetStringOrEmpty("restart") is { Length: > 0 } policy)
        {
            try { req.RestartPolicy = FlagValues.ParseRestartPolicy(policy); }
            catch (FormatException e) { throw new CliException(e.Message); }
        }
        return req;
    }

    static async Task<int> UpdateAsync(CommandContext ctx)
    {
        var anyFlag = ctx.Command.Flags.Any(d => ctx.Flags.Changed(d.Name));
        if (!anyFlag) throw new CliException("you must provide one or more flags when using this command");
        var update = BuildUpdate(ctx.Flags);
        var warnings = new List<string>();
        var errors = new List<string>();
        foreach (var name in ctx.Args)
        {
            try
            {
                var r = await ctx.Client.UpdateContainerAsync(name, update, ctx.Cancel).ConfigureAwait(false);
                ctx.Out.Write(name + "\n");
                warnings.AddRange(r.Warnings);
            }
            catch (WharfApiException e)
            {
                errors.Add("Error response from daemon: " + e.Message);
            }
        }
        if (warnings.Count > 0) ctx.Out.Write(string.Join("\n", warnings) + "\n");
        if (errors.Count > 0) throw new CliException(string.Join("\n", errors));
        return 0;
    }

    // ------------------------------------------------------------------ container prune

    const string PruneWarning = "WARNING! This will remove all stopped containers.\nAre you sure you want to continue?";

    public static CommandDef Prune() => new CommandDef("prune [OPTIONS]", "Remove all stopped containers")
    {
        Args = ArgsRule.None,
        Run = PruneAsync,
    }
        .Flag(Common.FilterFlag(null, "Provide filter values (e.g. \"until=<timestamp>\")"))
        .Flag(new FlagDef("force", 'f', FlagType.Bool, "Do not prompt for confirmation"));

    static async Task<int> PruneAsync(CommandContext ctx)
    {
        var filters = Common.ReadFilters(ctx);
        if (!ctx.Flags.GetBool("force") && !Common.Confirm(ctx, PruneWarning)) return 0;
        var report = await ctx.Client.PruneContainersAsync(filters.IsEmpty ? null : filters, ctx.Cancel).ConfigureAwait(false);
        var sb = new StringBuilder();
        ulong reclaimed = 0;
        if (report.ContainersDeleted is { Count: > 0 } deleted)
        {
            sb.Append("Deleted Containers:\n");
            foreach (var id in deleted) sb.Append(id).Append('\n');
            sb.Append('\n');
            reclaimed = (ulong)Math.Max(0, report.SpaceReclaimed);
        }
        sb.Append("Total reclaimed space: ").Append(HumanUnits.HumanSize(reclaimed)).Append('\n');
        ctx.Out.Write(sb.ToString());
        return 0;
    }
}
