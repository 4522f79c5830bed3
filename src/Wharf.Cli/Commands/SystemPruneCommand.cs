using System.Text;
using Wharf.Api.Client;
using Wharf.Cli.Output;
using Wharf.Cli.Parsing;

namespace Wharf.Cli.Commands;

/// <summary>`wharf system prune`: stopped containers, unused networks, (with --volumes) anonymous volumes, images and build cache.</summary>
internal static class SystemPruneCommand
{
    public static CommandDef Create() => new CommandDef("prune [OPTIONS]", "Remove unused data")
    {
        Args = ArgsRule.None,
        Run = RunAsync,
    }
        .Flag(new FlagDef("all", 'a', FlagType.Bool, "Remove all unused images not just dangling ones"))
        .Flag(Common.FilterFlag(null, "Provide filter values (e.g. \"label=<key>=<value>\")"))
        .Flag(new FlagDef("force", 'f', FlagType.Bool, "Do not prompt for confirmation"))
        .Flag(new FlagDef("volumes", null, FlagType.Bool, "Prune anonymous volumes"));

    static string Warning(bool all, bool volumes)
    {
        var sb = new StringBuilder("WARNING! This will remove:\n");
        sb.Append("  - all stopped containers\n");
        sb.Append("  - all networks not used by at least one container\n");
        if (volumes) sb.Append("  - all anonymous volumes not used by at least one container\n");
        sb.Append(all ? "  - all images without at least one container associated to them\n" : "  - all dangling images\n");
        sb.Append(all ? "  - all build cache\n" : "  - unused build cache\n");
        sb.Append("\nAre you sure you want to continue?");
        return sb.ToString();
    }

    static async Task<int> RunAsync(CommandContext ctx)
    {
        var filters = Common.ReadFilters(ctx);
        var all = ctx.Flags.GetBool("all");
        var volumes = ctx.Flags.GetBool("volumes");
        if (filters.Contains("until") && volumes) throw new CliException("ERROR: The \"until\" filter is not supported with \"--volumes\"", 1);
        if (!ctx.Flags.GetBool("force") && !Common.Confirm(ctx, Warning(all, volumes))) return 0;
        Filters? Some(Filters f) => f.IsEmpty ? null : f;
        var sb = new StringBuilder();
        long reclaimed = 0;

        var containers = await ctx.Client.PruneContainersAsync(Some(filters), ctx.Cancel).ConfigureAwait(false);
        VolumeCommands.AppendDeleted(sb, "Deleted Containers:", containers.ContainersDeleted);
        reclaimed += containers.SpaceReclaimed;

        var networks = await ctx.Client.PruneNetworksAsync(Some(filters), ctx.Cancel).ConfigureAwait(false);
        VolumeCommands.AppendDeleted(sb, "Deleted Networks:", networks.NetworksDeleted);

        if (volumes)
        {
            var report = await ctx.Client.PruneVolumesAsync(Some(filters), ctx.Cancel).ConfigureAwait(false);
            VolumeCommands.AppendDeleted(sb, "Deleted Volumes:", report.VolumesDeleted);
            reclaimed += report.SpaceReclaimed;
        }

        var imageFilters = filters.Clone().Add("dangling", all ? "false" : "true");
        var images = await ctx.Client.PruneImagesAsync(imageFilters, ctx.Cancel).ConfigureAwait(false);
        ImageTransferCommands.AppendDeletedImages(sb, images.ImagesDeleted);
        reclaimed += images.SpaceReclaimed;

        var cache = await ctx.Client.PruneBuildCacheAsync(all, 0, Some(filters), ctx.Cancel).ConfigureAwait(false);
        VolumeCommands.AppendDeleted(sb, "Deleted build cache objects:", cache.CachesDeleted);
        reclaimed += cache.SpaceReclaimed;

        sb.Append("Total reclaimed space: ").Append(HumanUnits.HumanSize(reclaimed)).Append('\n');
        ctx.Out.Write(sb.ToString());
        return 0;
    }
}
