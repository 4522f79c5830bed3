using Wharf.Api.Models;

namespace Wharf.Engine.Networking;

public sealed partial class NetworkService
{
    /// <summary>
    /// `network connect`: adds <paramref name="network"/> to the container's networks; when it runs, at once
    /// (a new ethN in its namespace with an address, its hosts file, the embedded DNS). The caller holds the
    /// container's lock and saves its document.
    /// </summary>
    public async Task ConnectRunningAsync(ContainerInspectResponse doc, string network, EndpointSettings? asked, bool running, CancellationToken ct)
    {
        var net = Get(network);
        var mode = doc.HostConfig?.NetworkMode;
        if (IsSpecialMode(mode))
            throw new WharfException($"container {doc.Name.TrimStart('/')} is in network mode {mode}: it cannot be connected to other networks", 400);
        if (net.Driver != "bridge") throw new WharfException($"container cannot be connected to the {net.Name} network", 400);
        doc.NetworkSettings ??= new NetworkSettings();
        doc.NetworkSettings.Networks ??= [];
        if (doc.NetworkSettings.Networks.ContainsKey(net.Name))
            throw new WharfException($"endpoint with name {doc.Name.TrimStart('/')} already exists in network {net.Name}", 403);
        var config = CheckEndpoint(net, asked ?? new EndpointSettings(), primary: false, config: null);
        config.NetworkID = net.Id;
        if (!running)
        {
            doc.NetworkSettings.Networks[net.Name] = config;
            Publish(net, "connect", new() { ["container"] = doc.Id });
            return;
        }
        var sandbox = _db.ListEndpoints(doc.Id).Select(e => e.Sandbox).FirstOrDefault()
            ?? throw new WharfException($"container {doc.Name.TrimStart('/')} has no network namespace of this daemon to connect to {net.Name}");
        var (endpoint, _) = Allocate(doc, net, config, sandbox, [], first: false);
        try
        {
            _bridges.Plumb(endpoint, net, interfaceName: null, newNamespace: false, defaultRoute: false);
        }
        catch (Exception e) when (e is IOException or WharfException)
        {
            await ReleaseAsync(endpoint, [], CancellationToken.None);
            throw new WharfException($"connecting container {doc.Name.TrimStart('/')} to network {net.Name}: {e.Message}", 500, e);
        }
        doc.NetworkSettings.Networks[net.Name] = config;
        FillSettings(doc, net, endpoint);
        _connected[doc.Id] = doc;
        if (net.Name != DefaultNetworkName && !_dns.ContainsKey(doc.Id)) StartDns(doc, sandbox);
        WriteHostsEntries(doc);
        Publish(net, "connect", new() { ["container"] = doc.Id });
    }

    /// <summary>`network disconnect`: removes the network from the container's networks, and its endpoint at once when it runs.</summary>
    public async Task DisconnectOneAsync(ContainerInspectResponse doc, string network, bool force, CancellationToken ct)
    {
        var net = Find(network);
        if (net is null)
        {
            // Force removes what a container still names after its network went away.
            if (force && doc.NetworkSettings?.Networks?.Remove(network) == true) return;
            throw new NotFoundException($"network {network} not found");
        }
        if (net.Driver != "bridge")
            throw new WharfException($"container cannot be disconnected from the {net.Name} network", 400);
        if (doc.NetworkSettings?.Networks?.ContainsKey(net.Name) != true)
            throw new WharfException($"container {doc.Id} is not connected to network {net.Name}", 500);
        foreach (var e in _db.ListEndpoints(doc.Id).Where(e => e.NetworkId == net.Id))
            await ReleaseAsync(e, _db.ListPublishedPorts().Where(p => p.EndpointId == e.Id).ToList(), ct);
        doc.NetworkSettings.Networks.Remove(net.Name);
        if (net.Name == DefaultNetworkName)
        {
            var s = doc.NetworkSettings;
            s.EndpointID = s.Gateway = s.IPAddress = s.MacAddress = "";
            s.IPPrefixLen = 0;
        }
        WriteHostsEntries(doc);
        Publish(net, "disconnect", new() { ["container"] = doc.Id });
    }
}
