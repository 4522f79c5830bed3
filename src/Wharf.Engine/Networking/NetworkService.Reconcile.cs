using Wharf.Api.Models;
using Wharf.Engine.Metadata;

namespace Wharf.Engine.Networking;

public sealed partial class NetworkService
{
    /// <summary>
    /// At daemon start, once every container's state is known: running containers keep their endpoints
    /// (their host ports are held again); endpoints of containers that stopped or vanished while the
    /// daemon was down are removed, and so are namespace files and bridge ports no endpoint names. The
    /// firewall table is then rewritten in one transaction with exactly the forwards that remain.
    /// </summary>
    public async Task<string> ReconcileAsync(IEnumerable<ContainerInspectResponse> containers, CancellationToken ct)
    {
        var running = containers.Where(c => c.State?.Running == true).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var ports = _db.ListPublishedPorts();
        int kept = 0, removed = 0, strays = 0;
        foreach (var e in _db.ListEndpoints())
        {
            var mine = ports.Where(p => p.EndpointId == e.Id).ToList();
            if (running.Contains(e.ContainerId) && NetworkNamespaces.IsMounted(e.Sandbox))
            {
                kept++;
                foreach (var p in _ports.Hold(e.Id, mine))
                    Warnings.Add($"WARNING: host port {p.HostIp}:{p.HostPort}/{p.Proto} of container {e.ContainerId[..12]} was taken by another program while the daemon was down");
                continue;
            }
            removed++;
            await ReleaseAsync(e, mine, ct);
        }
        var endpoints = _db.ListEndpoints();
        var sandboxes = endpoints.Select(e => e.Sandbox).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(_options.EffectiveNetnsDirectory).Where(f => !sandboxes.Contains(f)))
        {
            NetworkNamespaces.Delete(file);
            strays++;
        }
        if (_default is not null)
        {
            var veths = endpoints.Select(e => e.Veth).ToHashSet(StringComparer.Ordinal);
            foreach (var port in _bridges.Ports(_default.Bridge).Where(p => !veths.Contains(p)))
            {
                _bridges.DeleteLink(port);
                strays++;
            }
            await Firewall.ResetAsync(FirewallNetworks(), CurrentForwards(), ct);
        }
        return $"network: {kept} endpoints kept, {removed} removed, {strays} stray namespaces and links removed";
    }

    /// <summary>The endpoint records of a container (tests and diagnostics).</summary>
    public List<EndpointRecord> Endpoints(string containerId) => _db.ListEndpoints(containerId);
}
