using System.Globalization;
using Wharf.Api.Models;
using Wharf.Engine.Metadata;
using Wharf.Engine.Networking.Firewall;
using Wharf.Engine.Networking.Ipam;
using Wharf.Engine.Networking.Ports;

namespace Wharf.Engine.Networking;

public sealed partial class NetworkService
{
    /// <summary>
    /// At create: checks the published ports and the endpoint settings asked for the default bridge (400 for
    /// what Docker refuses there), keeps a requested MAC in <see cref="ContainerConfig.MacAddress"/>, and
    /// returns the container's initial network settings (the network it will join, no address yet), as
    /// Docker shows them before a start.
    /// </summary>
    public NetworkSettings CreateSettings(HostConfig hc, ContainerConfig config, NetworkingConfig? networking)
    {
        PortRequest.From(hc, config);
        var settings = new NetworkSettings();
        if (!UsesDefaultBridge(hc)) return settings;
        foreach (var (name, endpoint) in networking?.EndpointsConfig ?? [])
        {
            if (name is not ("default" or DefaultNetworkName) || endpoint is null) continue;
            if (endpoint.IPAMConfig is { } ipam && (!string.IsNullOrEmpty(ipam.IPv4Address) || !string.IsNullOrEmpty(ipam.IPv6Address)))
                throw new BadRequestException("user specified IP address is supported on user defined networks only");
            if (endpoint.Aliases is { Count: > 0 })
                throw new BadRequestException("network-scoped alias is supported only for containers in user defined networks");
            if (!string.IsNullOrEmpty(endpoint.MacAddress)) config.MacAddress = endpoint.MacAddress;
        }
        if (!string.IsNullOrEmpty(config.MacAddress))
            config.MacAddress = AddressPicker.FormatMac(AddressPicker.ParseMac(config.MacAddress)
                ?? throw new BadRequestException($"invalid MAC address: {config.MacAddress}"));
        if (_default is not null)
            settings.Networks![DefaultNetworkName] = new EndpointSettings { NetworkID = _default.Id, MacAddress = config.MacAddress ?? "" };
        return settings;
    }

    /// <summary>
    /// At start, before the runtime creates the container: the endpoint on the default bridge (address,
    /// namespace, veth, routes, published ports). Returns the namespace file for the runtime to join, or
    /// null when the container's network mode is not handled here. Fills the container's NetworkSettings
    /// and adds its own address to its hosts file. On failure nothing is left behind.
    /// </summary>
    public async Task<string?> ConnectAsync(ContainerInspectResponse doc, CancellationToken ct)
    {
        if (!UsesDefaultBridge(doc.HostConfig) || _default is not { } network) return null;
        await DisconnectAsync(doc, ct);
        var requests = PortRequest.From(doc.HostConfig!, doc.Config!);
        var (endpoint, ports) = Allocate(doc, network, requests);
        try
        {
            _bridges.Plumb(endpoint, network);
            await Firewall.AddForwardsAsync(ports.Select(p => Forward(endpoint, p)).ToList(), ct);
        }
        catch (Exception e) when (e is IOException or WharfException or OperationCanceledException)
        {
            await ReleaseAsync(endpoint, ports, CancellationToken.None);
            if (e is OperationCanceledException) throw;
            throw new WharfException($"failed to set up container networking: {e.Message}", 500, e);
        }
        FillSettings(doc, network, endpoint, ports);
        AppendHostsEntry(doc, endpoint);
        return endpoint.Sandbox;
    }

    /// <summary>Address, MAC, names and host ports in one step, under one lock, so concurrent starts never collide.</summary>
    private (EndpointRecord, IReadOnlyList<PublishedPortRecord>) Allocate(ContainerInspectResponse doc, NetworkRecord network, IReadOnlyList<PortRequest> requests)
    {
        var subnet = Ipv4Subnet.Parse(network.Subnet);
        Ipv4Subnet? range = network.IpRange is { } r ? Ipv4Subnet.Parse(r) : null;
        Ipv4Subnet.TryParseAddress(network.Gateway, out var gateway);
        var id = NewId();
        var sandbox = Path.Combine(_options.EffectiveNetnsDirectory, NewId()[..12]);
        lock (_allocation)
        {
            var taken = _db.ListPublishedPorts();
            try
            {
                return _db.AddEndpoint(network.Id, used =>
                {
                    var usedAddresses = used.Select(u => Ipv4Subnet.TryParseAddress(u, out var a) ? a : 0).ToHashSet();
                    var address = AddressPicker.Lowest(subnet, range, gateway, usedAddresses)
                        ?? throw new WharfException($"no available IPv4 addresses on network {network.Name}: {network.IpRange ?? network.Subnet} is full");
                    var ip = Ipv4Subnet.Format(address);
                    var mac = doc.Config?.MacAddress is { Length: > 0 } m ? m : AddressPicker.FormatMac(AddressPicker.Mac(address));
                    var endpoint = new EndpointRecord(id, network.Id, doc.Id, ip, mac, "veth" + id[..11], sandbox);
                    try
                    {
                        return (endpoint, _ports.Reserve(id, ip, requests, taken));
                    }
                    catch (WharfException e)
                    {
                        throw new WharfException($"failed to set up container networking: driver failed programming external connectivity on endpoint {doc.Name.TrimStart('/')} ({id}): {e.Message}");
                    }
                });
            }
            catch
            {
                _ports.Release(id);
                throw;
            }
        }
    }

    /// <summary>At exit, failed start and removal: removes the container's endpoints and clears its address from its settings.</summary>
    public async Task DisconnectAsync(ContainerInspectResponse doc, CancellationToken ct)
    {
        var endpoints = _db.ListEndpoints(doc.Id);
        if (endpoints.Count > 0)
        {
            var ports = _db.ListPublishedPorts();
            foreach (var e in endpoints) await ReleaseAsync(e, ports.Where(p => p.EndpointId == e.Id).ToList(), ct);
        }
        ClearSettings(doc);
    }

    /// <summary>
    /// Firewall first (no new connection goes to an address being freed), then links and namespace, then the
    /// record. Never throws: it runs on exit paths, and what it could not remove the next start-up reconciles
    /// (the table is rewritten, namespace files and bridge ports no endpoint names are removed).
    /// </summary>
    private async Task ReleaseAsync(EndpointRecord e, IReadOnlyList<PublishedPortRecord> ports, CancellationToken ct)
    {
        try { await Firewall.RemoveForwardsAsync(ports.Select(p => Forward(e, p)).ToList(), ct); }
        catch (WharfException) { }
        try { _bridges.Unplumb(e); }
        catch (IOException) { }
        _ports.Release(e.Id);
        _db.DeleteEndpoint(e.Id);
    }

    private static void FillSettings(ContainerInspectResponse doc, NetworkRecord network, EndpointRecord e, IReadOnlyList<PublishedPortRecord> ports)
    {
        var s = doc.NetworkSettings ??= new NetworkSettings();
        var prefix = Ipv4Subnet.Parse(network.Subnet).PrefixLength;
        s.Networks ??= [];
        var endpoint = s.Networks.GetValueOrDefault(network.Name) ?? new EndpointSettings();
        endpoint.NetworkID = network.Id;
        endpoint.EndpointID = e.Id;
        endpoint.Gateway = network.Gateway;
        endpoint.IPAddress = e.Address;
        endpoint.IPPrefixLen = prefix;
        endpoint.MacAddress = e.Mac;
        s.Networks[network.Name] = endpoint;
        s.SandboxID = Path.GetFileName(e.Sandbox);
        s.SandboxKey = e.Sandbox;
        s.EndpointID = e.Id;
        s.Gateway = network.Gateway;
        s.IPAddress = e.Address;
        s.IPPrefixLen = prefix;
        s.MacAddress = e.Mac;
        s.Ports = PortMap(doc, ports);
    }

    /// <summary>Every exposed or bound port: its host bindings, or null when it is not published.</summary>
    private static Dictionary<string, List<PortBinding>?> PortMap(ContainerInspectResponse doc, IReadOnlyList<PublishedPortRecord> ports)
    {
        var map = new Dictionary<string, List<PortBinding>?>();
        foreach (var key in (doc.Config?.ExposedPorts?.Keys ?? Enumerable.Empty<string>()).Concat(doc.HostConfig?.PortBindings?.Keys ?? Enumerable.Empty<string>()))
        {
            var (port, proto) = PortRequest.ParseKey(key);
            map.TryAdd($"{port.ToString(CultureInfo.InvariantCulture)}/{proto}", null);
        }
        foreach (var p in ports)
        {
            var key = $"{p.ContainerPort.ToString(CultureInfo.InvariantCulture)}/{p.Proto}";
            (map[key] ??= []).Add(new PortBinding { HostIp = p.HostIp, HostPort = p.HostPort.ToString(CultureInfo.InvariantCulture) });
        }
        return map;
    }

    private static void ClearSettings(ContainerInspectResponse doc)
    {
        var s = doc.NetworkSettings;
        if (s is null) return;
        s.SandboxID = s.SandboxKey = s.EndpointID = s.Gateway = s.IPAddress = s.MacAddress = "";
        s.IPPrefixLen = 0;
        s.Ports = [];
        foreach (var ep in s.Networks?.Values ?? Enumerable.Empty<EndpointSettings>())
        {
            ep.EndpointID = ep.Gateway = ep.IPAddress = "";
            // A configured MAC stays, as Docker shows it; a generated one goes with the address.
            ep.MacAddress = doc.Config?.MacAddress ?? "";
            ep.IPPrefixLen = 0;
        }
    }

    /// <summary>The container's own address and name in its hosts file, as Docker writes it (rewritten in place: it is bind-mounted).</summary>
    private static void AppendHostsEntry(ContainerInspectResponse doc, EndpointRecord e)
    {
        if (string.IsNullOrEmpty(doc.HostsPath) || !File.Exists(doc.HostsPath)) return;
        var host = doc.Config?.Hostname is { Length: > 0 } h ? h : doc.Id[..12];
        var names = doc.Config?.Domainname is { Length: > 0 } d ? $"{host}.{d} {host}" : host;
        File.AppendAllText(doc.HostsPath, $"{e.Address}\t{names}\n");
    }

    /// <summary>`ps` PORTS: published bindings, and exposed ports of a running container that are not published.</summary>
    public static List<ContainerPort> PortSummary(ContainerInspectResponse doc)
    {
        var list = new List<ContainerPort>();
        foreach (var (key, bindings) in doc.NetworkSettings?.Ports ?? [])
        {
            var (port, proto) = PortRequest.ParseKey(key);
            if (bindings is not { Count: > 0 }) list.Add(new ContainerPort { PrivatePort = port, Type = proto });
            else
                foreach (var b in bindings)
                    list.Add(new ContainerPort { IP = b.HostIp, PrivatePort = port, PublicPort = int.Parse(b.HostPort ?? "0", CultureInfo.InvariantCulture), Type = proto });
        }
        return list;
    }
}
