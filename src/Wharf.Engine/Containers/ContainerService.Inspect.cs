using Wharf.Api.Models;
using Wharf.Engine.Cgroups;

namespace Wharf.Engine.Containers;

public sealed partial class ContainerService
{
    private readonly Lazy<ICgroupManager> _cgroups = new(() => CgroupManager.Create());
    private StatsSampler? _sampler;

    private StatsSampler Sampler => _sampler ??= new StatsSampler(_cgroups.Value);

    private CgroupPaths CgroupsOf(Container c) => _cgroups.Value.PathsFor("/" + _options.CgroupParent.Trim('/'), c.Id);

    /// <summary>GET /containers/{id}/top: processes from the container's cgroup, rendered from /proc.</summary>
    public ContainerTopResponse Top(string idOrName, string? psArgs)
    {
        var c = Get(idOrName);
        if (!c.State.Running) throw new ConflictException($"container {c.Id} is not running");
        if (!ProcessTable.IsSupported(psArgs))
            throw new BadRequestException($"ps_args \"{psArgs}\" is not supported: use no arguments (ps -ef) or \"aux\"");
        var table = new ProcessTable().Render(_cgroups.Value.ListPids(CgroupsOf(c)), psArgs);
        Publish(c, "top");
        return new ContainerTopResponse
        {
            Titles = [.. table.Titles],
            Processes = table.Processes.Select(p => p.ToList()).ToList(),
        };
    }

    /// <summary>GET /containers/{id}/stats?stream=false: answers at once from the recent samples.</summary>
    public async Task<ContainerStats> StatsAsync(string idOrName, bool oneShot, CancellationToken ct)
    {
        var c = Get(idOrName);
        if (!c.State.Running) return StatsSampler.Empty(c.Id, "/" + c.Name);
        return await Sampler.GetAsync(c.Id, "/" + c.Name, CgroupsOf(c), oneShot, ct);
    }

    /// <summary>GET /containers/{id}/stats: one frame a second while the container runs.</summary>
    public IAsyncEnumerable<ContainerStats> StatsStreamAsync(string idOrName, CancellationToken ct)
    {
        var c = Get(idOrName);
        return Sampler.StreamAsync(c.Id, "/" + c.Name, CgroupsOf(c), ct);
    }

    /// <summary>POST /containers/{id}/rename.</summary>
    public void Rename(string idOrName, string newName)
    {
        var c = Get(idOrName);
        var oldName = c.Name;
        var reserved = ReserveName(newName, c.Id);
        c.Doc.Name = "/" + reserved;
        Save(c);
        Publish(c, "rename", new() { ["oldName"] = "/" + oldName });
    }
}
