using Wharf.Api.Models;
using Wharf.Engine.Images;

namespace Wharf.Engine.Containers;

public sealed partial class ContainerService
{
    private int _pruning;

    /// <summary>
    /// POST /containers/prune: removes every container that is not running (created, exited), filtered by
    /// `until` (created before) and `label` / `label!`; reports the ids and the bytes their writable layers held.
    /// </summary>
    public async Task<ContainerPruneResponse> PruneAsync(Dictionary<string, List<string>> filters, CancellationToken ct)
    {
        foreach (var key in filters.Keys)
            if (key is not ("until" or "label" or "label!"))
                throw new BadRequestException($"invalid filter '{key}'");
        DateTimeOffset? until = filters.TryGetValue("until", out var u) && u.Count > 0 ? ImageService.ParseUntil(u[0]) : null;
        if (Interlocked.Exchange(ref _pruning, 1) == 1) throw new ConflictException("a prune operation is already running");
        var response = new ContainerPruneResponse { ContainersDeleted = [] };
        try
        {
            foreach (var c in All.OrderBy(c => c.Doc.Created, StringComparer.Ordinal))
            {
                ct.ThrowIfCancellationRequested();
                if (c.State.Running) continue;
                if (until is not null && DateTimeOffset.TryParse(c.Doc.Created, out var created) && created > until) continue;
                var labels = c.Doc.Config?.Labels;
                if (filters.TryGetValue("label", out var want) && !want.All(l => ImageService.LabelMatch(labels, l))) continue;
                if (filters.TryGetValue("label!", out var unwanted) && unwanted.Any(l => ImageService.LabelMatch(labels, l))) continue;
                var size = DirectorySize(LayerDirs(c).Upper);
                try
                {
                    await RemoveAsync(c.Id, force: false, volumes: false, ct);
                }
                catch (WharfException)
                {
                    continue; // started or removed meanwhile
                }
                response.ContainersDeleted.Add(c.Id);
                response.SpaceReclaimed += size;
            }
        }
        finally { Interlocked.Exchange(ref _pruning, 0); }
        _events.Publish("container", "prune", "", new() { ["reclaimed"] = response.SpaceReclaimed.ToString() });
        if (response.ContainersDeleted.Count == 0) response.ContainersDeleted = null;
        return response;
    }

    /// <summary>Bytes of the regular files below <paramref name="dir"/> (symlinks not followed).</summary>
    private static long DirectorySize(string dir)
    {
        if (!Directory.Exists(dir)) return 0;
        long total = 0;
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        foreach (var f in new DirectoryInfo(dir).EnumerateFiles("*", options))
        {
            if (f.LinkTarget is null) total += f.Length;
        }
        return total;
    }
}
