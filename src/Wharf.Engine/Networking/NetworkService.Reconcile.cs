using Wharf.Api.Models;
using Wharf.Engine.Metadata;

namespace Wharf.Engine.Networking;

public sealed partial class NetworkService
{
    /// <summary>
    /// At daemon start, once every container's state is known: running containers keep their endpoints
    /// (their host ports are held again, their DNS server restarted); endpoints of containers that stopped or
    /// vanished while the daemon was down are removed, and so are namespace files and bridge ports no
    /// endpoint names. The firewall table is then rewritten in one transaction with exactly the forwards
    /// that remain.
    /// </summary>
    public async Task<string> ReconcileAsync(IEnumerable<ContainerInspectResponse> containers, CancellationToken ct)
    {
        var running = containers.Where(c => c.State?.Running == true).ToDictionary(c => c.Id, StringComparer.Ordinal);
        var ports = _db.ListPublishedPorts();
        int kept = 0, removed = 0, strays = 0;
        var endpoints = _db.ListEndpoints();
        foreach (var e in endpoints)
        {
            var mine = ports.Where(p => p.EndpointId == e.Id).ToList();
            if (running.ContainsKey(e.ContainerId) && NetworkNamespaces.IsMounted(e.Sandbox) && Find(e.NetworkId) is not null)
            {
                kept++;
                foreach (var p in _ports.Hold(e.Id, mine))
                    Warnings.Add($"WARNING: host port {p.HostIp}:{p.HostPort}/{p.Proto} of container {e.ContainerId[..12]} was taken by another program while the daemon was down");
                _loopback.Start(e.Id, mine.Select(p => Forward(e, p)));
                continue;
            }
            removed++;
            await ReleaseAsync(e, mine, ct);
        }
        endpoints = _db.ListEndpoints();
        foreach (var doc in endpoints.Select(e => e.ContainerId).Distinct().Select(id => running[id]))
        {
            _connected[doc.Id] = doc;
            var sandbox = endpoints.First(e => e.ContainerId == doc.Id).Sandbox;
            if (!doc.NetworkSettings?.Networks?.Keys.Any(k => k != DefaultNetworkName) ?? true) continue;
            try { StartDns(doc, sandbox); }
            catch (Exception ex) when (ex is IOException or WharfException or System.Net.Sockets.SocketException)
            {
                Warnings.Add($"WARNING: the embedded DNS of container {doc.Id[..12]} could not be restarted: {ex.Message}");
            }
        }
        var sandboxes = endpoints.Select(e => e.Sandbox).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(_options.EffectiveNetnsDirectory).Where(f => !sandboxes.Contains(f)))
        {
            NetworkNamespaces.Delete(file);
            strays++;
        }
        var veths = endpoints.Select(e => e.Veth).ToHashSet(StringComparer.Ordinal);
        foreach (var n in BridgeNetworks())
        {
            foreach (var port in _bridges.Ports(n.Bridge).Where(p => !veths.Contains(p)))
            {
                _bridges.DeleteLink(port);
                strays++;
            }
        }
        await ResetFirewallAsync(ct);
        return $"network: {kept} endpoints kept, {removed} removed, {strays} stray namespaces and links removed";
    }

    /// <summary>The endpoint records of a container (tests and diagnostics).</summary>
    public List<EndpointRecord> Endpoints(string containerId) => _db.ListEndpoints(containerId);
}
