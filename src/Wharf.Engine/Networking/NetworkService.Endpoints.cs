using System.Globalization;
using Wharf.Api.Models;
using Wharf.Engine.Metadata;
using Wharf.Engine.Networking.Ipam;
using Wharf.Engine.Networking.Ports;

namespace Wharf.Engine.Networking;

public sealed partial class NetworkService
{
    /// <summary>
    /// At create: checks the published ports and the endpoint settings (400 for what Docker refuses, 404 for
    /// an unknown network), keeps a requested MAC in <see cref="ContainerConfig.MacAddress"/>, and returns
    /// the container's initial network settings: the networks it will join (its network mode's first),
    /// without addresses yet, as Docker shows them before a start.
    /// </summary>
    public NetworkSettings CreateSettings(HostConfig hc, ContainerConfig config, NetworkingConfig? networking)
    {
        PortRequest.From(hc, config);
        var settings = new NetworkSettings();
        var mode = hc.NetworkMode;
        if (IsSpecialMode(mode))
        {
            if (mode is "host" or "none" && Find(mode) is { } special) settings.Networks![mode] = new EndpointSettings { NetworkID = special.Id };
            return settings;
        }
        // As Docker, a network that does not exist (yet) is no error at create: the start fails if it still does not.
        var primary = UsesDefaultBridge(hc) ? _default : Find(mode!) ?? Placeholder(mode!);
        // Links: on the default bridge legacy ones (hosts entries and variables, ContainerService.Links); on a
        // user-defined network a name only the linking container's DNS answers (NetworkService.Dns).
        if (primary is null) return settings;
        if (primary.Driver != "bridge") throw new BadRequestException($"container cannot be connected to network {primary.Name} by id: use --network {primary.Name}");
        var configured = new Dictionary<string, (NetworkRecord, EndpointSettings)>();
        foreach (var (key, endpoint) in networking?.EndpointsConfig ?? [])
        {
            var net = key == "default" || key == mode ? primary : Find(key) ?? Placeholder(key);
            if (net.Driver != "bridge") throw new BadRequestException($"container cannot be connected to network {net.Name} together with others");
            configured[net.Name] = (net, CheckEndpoint(net, endpoint ?? new EndpointSettings(), net == primary, config));
        }
        if (!string.IsNullOrEmpty(config.MacAddress))
            config.MacAddress = AddressPicker.FormatMac(AddressPicker.ParseMac(config.MacAddress)
                ?? throw new BadRequestException($"invalid MAC address: {config.MacAddress}"));
        var (_, primaryConfig) = configured.GetValueOrDefault(primary.Name, (primary, new EndpointSettings()));
        primaryConfig.NetworkID = primary.Id;
        primaryConfig.MacAddress = config.MacAddress ?? "";
        settings.Networks![primary.Name] = primaryConfig;
        foreach (var (name, (net, endpoint)) in configured.Where(c => c.Key != primary.Name))
        {
            endpoint.NetworkID = net.Id;
            settings.Networks[name] = endpoint;
        }
        return settings;
    }

    /// <summary>Stands for a network that does not exist at create: no id, nothing to check addresses against.</summary>
    private static NetworkRecord Placeholder(string name) => new("", name, "bridge", "", "", "", null, false, "{}", "{}", "");

    /// <summary>The endpoint settings a container may ask for on <paramref name="net"/> (Docker's 400s); the ones kept.</summary>
    private static EndpointSettings CheckEndpoint(NetworkRecord net, EndpointSettings asked, bool primary, ContainerConfig? config)
    {
        var ipv4 = asked.IPAMConfig?.IPv4Address;
        var ipv6 = asked.IPAMConfig?.IPv6Address;
        if (asked.IPAMConfig?.LinkLocalIPs is { Count: > 0 }) throw new BadRequestException("link-local addresses are not supported yet");
        foreach (var link in asked.Links ?? []) Containers.ContainerService.ParseLink(link);
        if (asked.DriverOpts is { Count: > 0 }) throw new BadRequestException("endpoint driver options are not supported");
        if (net.Name == DefaultNetworkName)
        {
            if (!string.IsNullOrEmpty(ipv4)) throw new BadRequestException("user specified IP address is supported on user defined networks only");
            if (asked.Aliases is { Count: > 0 }) throw new BadRequestException("network-scoped alias is supported only for containers in user defined networks");
        }
        if (!string.IsNullOrEmpty(asked.MacAddress))
        {
            if (!primary || config is null) throw new BadRequestException("a MAC address can only be set on the container's first network");
            config.MacAddress = asked.MacAddress;
        }
        if (!string.IsNullOrEmpty(ipv4) && !Ipv4Subnet.TryParseAddress(ipv4, out _)) throw new BadRequestException($"invalid IPv4 address: {ipv4}");
        // A network that does not exist yet has no subnet to check against: the start checks it.
        if (!string.IsNullOrEmpty(ipv4) && net.Subnet.Length > 0) CheckFixedAddress(net, ipv4);
        if (!string.IsNullOrEmpty(ipv6))
        {
            if (!Ipv6Subnet.TryParseAddress(ipv6, out _)) throw new BadRequestException($"invalid IPv6 address: {ipv6}");
            if (net.Subnet.Length > 0) CheckFixedAddress6(net, ipv6);
        }
        var kept = Kept(asked, ipv4);
        if (!string.IsNullOrEmpty(ipv6)) (kept.IPAMConfig ??= new EndpointIpamConfig()).IPv6Address = ipv6;
        return kept;
    }

    private static void CheckFixedAddress6(NetworkRecord net, string ipv6)
    {
        if (net.Subnet6 is null) throw new BadRequestException($"user specified IPv6 address {ipv6} needs a network with IPv6 enabled: {net.Name} is IPv4 only");
        Ipv6Subnet.TryParseAddress(ipv6, out var ip);
        var subnet = Ipv6Subnet.Parse(net.Subnet6);
        if (!subnet.Contains(ip) || ip == subnet.Network) throw new BadRequestException($"no configured subnet or ip-range contain the IP address {ipv6}");
    }

    private static void CheckFixedAddress(NetworkRecord net, string ipv4)
    {
        Ipv4Subnet.TryParseAddress(ipv4, out var ip);
        var subnet = Ipv4Subnet.Parse(net.Subnet);
        if (!subnet.Contains(ip) || ip == subnet.Network || ip == subnet.Broadcast)
            throw new BadRequestException($"no configured subnet or ip-range contain the IP address {ipv4}");
    }

    private static EndpointSettings Kept(EndpointSettings asked, string? ipv4) => new()
    {
        IPAMConfig = string.IsNullOrEmpty(ipv4) ? null : new EndpointIpamConfig { IPv4Address = ipv4 },
        Aliases = asked.Aliases is { Count: > 0 } a ? [.. a] : null,
        Links = asked.Links is { Count: > 0 } l ? [.. l] : null,
    };

    /// <summary>The bridge networks a container is to be on, its network mode's first; 404 when one was removed.</summary>
    private List<(NetworkRecord Net, EndpointSettings Config)> Attachments(ContainerInspectResponse doc)
    {
        var list = new List<(NetworkRecord, EndpointSettings)>();
        var mode = doc.HostConfig?.NetworkMode;
        if (IsSpecialMode(mode)) return list;
        var primaryId = UsesDefaultBridge(doc.HostConfig) ? _default?.Id : Find(mode!)?.Id;
        foreach (var (name, config) in doc.NetworkSettings?.Networks ?? [])
        {
            if (name == DefaultNetworkName && _default is null) continue;
            var net = (config.NetworkID is { Length: > 0 } id ? Find(id) : null) ?? Find(name)
                ?? throw new NotFoundException($"failed to set up container networking: network {name} not found");
            if (net.Driver != "bridge") continue;
            if (net.Id == primaryId) list.Insert(0, (net, config));
            else list.Add((net, config));
        }
        return list;
    }

    /// <summary>
    /// At start, before the runtime creates the container: a namespace with an endpoint on each of its bridge
    /// networks (eth0 on the first; the default route through the first that is not internal, which also
    /// carries the published ports), the embedded DNS when one is user-defined. Returns the namespace file for
    /// the runtime to join, or null when the container's network mode is not handled here. Fills the
    /// container's NetworkSettings and writes its own addresses into its hosts file. On failure nothing is left.
    /// </summary>
    public async Task<string?> ConnectAsync(ContainerInspectResponse doc, CancellationToken ct)
    {
        var attachments = Attachments(doc);
        if (attachments.Count == 0) return null;
        await DisconnectAsync(doc, ct);
        var requests = PortRequest.From(doc.HostConfig!, doc.Config!);
        var sandbox = Path.Combine(_options.EffectiveNetnsDirectory, NewId()[..12]);
        var gatewayIndex = attachments.FindIndex(a => !a.Net.Internal);
        var made = new List<(EndpointRecord, IReadOnlyList<PublishedPortRecord>)>();
        try
        {
            for (var i = 0; i < attachments.Count; i++)
            {
                var (net, config) = attachments[i];
                var (endpoint, ports) = Allocate(doc, net, config, sandbox, i == gatewayIndex ? requests : [], i == 0);
                made.Add((endpoint, ports));
                _bridges.Plumb(endpoint, net, "eth" + i.ToString(CultureInfo.InvariantCulture), newNamespace: i == 0, defaultRoute: i == gatewayIndex);
                await AddForwardsAsync(endpoint, ports, ct);
                FillSettings(doc, net, endpoint);
            }
            var gatewayPorts = gatewayIndex >= 0 ? made[gatewayIndex].Item2 : [];
            doc.NetworkSettings!.SandboxID = Path.GetFileName(sandbox);
            doc.NetworkSettings.SandboxKey = sandbox;
            doc.NetworkSettings.Ports = PortMap(doc, gatewayPorts);
            _connected[doc.Id] = doc;
            if (attachments.Any(a => a.Net.Name != DefaultNetworkName)) StartDns(doc, sandbox);
            WriteHostsEntries(doc);
        }
        catch (Exception e) when (e is IOException or WharfException or OperationCanceledException)
        {
            foreach (var (endpoint, ports) in made) await ReleaseAsync(endpoint, ports, CancellationToken.None);
            NetworkNamespaces.Delete(sandbox);
            StopDns(doc.Id);
            _connected.TryRemove(doc.Id, out _);
            ClearSettings(doc);
            if (e is OperationCanceledException) throw;
            if (e is WharfException { StatusCode: not 500 }) throw;
            throw new WharfException(e.Message.StartsWith("failed to set up container networking", StringComparison.Ordinal)
                ? e.Message : $"failed to set up container networking: {e.Message}", 500, e);
        }
        foreach (var (net, _) in attachments) Publish(net, "connect", new() { ["container"] = doc.Id });
        return sandbox;
    }

    private async Task AddForwardsAsync(EndpointRecord e, IReadOnlyList<PublishedPortRecord> ports, CancellationToken ct)
    {
        if (ports.Count == 0) return;
        await _firewallLock.WaitAsync(ct);
        var forwards = ports.Select(p => Forward(e, p)).ToList();
        try { await Firewall.AddForwardsAsync(forwards, ct); }
        finally { _firewallLock.Release(); }
        _loopback.Start(e.Id, forwards);
    }

    /// <summary>
    /// Address (the one asked for, or the lowest free), MAC, names and host ports of one endpoint in one step,
    /// under one lock, so concurrent starts never collide.
    /// </summary>
    private (EndpointRecord, IReadOnlyList<PublishedPortRecord>) Allocate(ContainerInspectResponse doc, NetworkRecord network,
        EndpointSettings config, string sandbox, IReadOnlyList<PortRequest> requests, bool first)
    {
        var subnet = Ipv4Subnet.Parse(network.Subnet);
        Ipv4Subnet? range = network.IpRange is { } r ? Ipv4Subnet.Parse(r) : null;
        Ipv4Subnet.TryParseAddress(network.Gateway, out var gateway);
        var id = NewId();
        lock (_lock)
        {
            var taken = _db.ListPublishedPorts();
            try
            {
                return _db.AddEndpoint(network.Id, used =>
                {
                    var usedAddresses = used.Select(u => Ipv4Subnet.TryParseAddress(u, out var a) ? a : 0).ToHashSet();
                    uint address;
                    if (config.IPAMConfig?.IPv4Address is { Length: > 0 } asked)
                    {
                        CheckFixedAddress(network, asked);
                        Ipv4Subnet.TryParseAddress(asked, out address);
                        if (usedAddresses.Contains(address) || address == gateway)
                            throw new WharfException($"failed to set up container networking: Address already in use: {asked} on network {network.Name}");
                    }
                    else
                    {
                        address = AddressPicker.Lowest(subnet, range, gateway, usedAddresses)
                            ?? throw new WharfException($"failed to set up container networking: no available IPv4 addresses on network {network.Name}: {network.IpRange ?? network.Subnet} is full");
                    }
                    var ip = Ipv4Subnet.Format(address);
                    var mac = first && doc.Config?.MacAddress is { Length: > 0 } m ? m : AddressPicker.FormatMac(AddressPicker.Mac(address));
                    var endpoint = new EndpointRecord(id, network.Id, doc.Id, ip, mac, "veth" + id[..11], sandbox)
                        { Address6 = PickAddress6(network, config, used) };
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

    /// <summary>On an IPv6 network: the asked IPv6 address (checked, free) or the lowest free one after the gateway; else null.</summary>
    private static string? PickAddress6(NetworkRecord network, EndpointSettings config, HashSet<string> used)
    {
        if (network.Subnet6 is null) return null;
        var subnet = Ipv6Subnet.Parse(network.Subnet6);
        Ipv6Subnet.TryParseAddress(network.Gateway6, out var gateway);
        var taken = used.Select(u => Ipv6Subnet.TryParseAddress(u, out var a) ? a : UInt128.Zero).ToHashSet();
        if (config.IPAMConfig?.IPv6Address is { Length: > 0 } asked)
        {
            CheckFixedAddress6(network, asked);
            Ipv6Subnet.TryParseAddress(asked, out var address);
            if (taken.Contains(address) || address == gateway)
                throw new WharfException($"failed to set up container networking: Address already in use: {asked} on network {network.Name}");
            return Ipv6Subnet.Format(address);
        }
        var lowest = subnet.Lowest(gateway, taken)
            ?? throw new WharfException($"failed to set up container networking: no available IPv6 addresses on network {network.Name}: {network.Subnet6} is full");
        return Ipv6Subnet.Format(lowest);
    }

    /// <summary>At exit, failed start and removal: removes the container's endpoints, namespace and DNS, and clears its addresses.</summary>
    public async Task DisconnectAsync(ContainerInspectResponse doc, CancellationToken ct)
    {
        StopDns(doc.Id);
        _connected.TryRemove(doc.Id, out _);
        var endpoints = _db.ListEndpoints(doc.Id);
        if (endpoints.Count > 0)
        {
            var ports = _db.ListPublishedPorts();
            foreach (var e in endpoints)
            {
                await ReleaseAsync(e, ports.Where(p => p.EndpointId == e.Id).ToList(), ct);
                if (Find(e.NetworkId) is { } net) Publish(net, "disconnect", new() { ["container"] = doc.Id });
            }
            foreach (var sandbox in endpoints.Select(e => e.Sandbox).Distinct())
            {
                try { NetworkNamespaces.Delete(sandbox); }
                catch (IOException) { }
            }
        }
        ClearSettings(doc);
    }

    /// <summary>
    /// Firewall first (no new connection goes to an address being freed), then the veth pair, then the record.
    /// Never throws: it runs on exit paths, and what it could not remove the next start-up reconciles (the
    /// table is rewritten, namespace files and bridge ports no endpoint names are removed).
    /// </summary>
    private async Task ReleaseAsync(EndpointRecord e, IReadOnlyList<PublishedPortRecord> ports, CancellationToken ct)
    {
        if (ports.Count > 0)
        {
            await _firewallLock.WaitAsync(CancellationToken.None);
            try { await Firewall.RemoveForwardsAsync(ports.Select(p => Forward(e, p)).ToList(), ct); }
            catch (WharfException) { }
            finally { _firewallLock.Release(); }
        }
        _loopback.Stop(e.Id);
        try { _bridges.Unplumb(e); }
        catch (IOException) { }
        _ports.Release(e.Id);
        _db.DeleteEndpoint(e.Id);
    }

    /// <summary>The endpoint's address in the container's settings; the deprecated top-level fields for the default bridge only, as Docker.</summary>
    private static void FillSettings(ContainerInspectResponse doc, NetworkRecord network, EndpointRecord e)
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
        endpoint.GlobalIPv6Address = e.Address6 ?? "";
        endpoint.GlobalIPv6PrefixLen = e.Address6 is null || network.Subnet6 is null ? 0 : Ipv6Subnet.Parse(network.Subnet6).PrefixLength;
        endpoint.IPv6Gateway = e.Address6 is null ? "" : network.Gateway6 ?? "";
        if (network.Name != DefaultNetworkName)
            endpoint.DNSNames = [doc.Name.TrimStart('/'), doc.Id[..12], .. endpoint.Aliases ?? []];
        s.Networks[network.Name] = endpoint;
        if (network.Name != DefaultNetworkName) return;
        s.EndpointID = e.Id;
        s.Gateway = network.Gateway;
        s.IPAddress = e.Address;
        s.IPPrefixLen = prefix;
        s.MacAddress = e.Mac;
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
            ep.EndpointID = ep.Gateway = ep.IPAddress = ep.GlobalIPv6Address = ep.IPv6Gateway = "";
            ep.IPPrefixLen = 0;
            ep.GlobalIPv6PrefixLen = 0;
            ep.DNSNames = null;
        }
        // A configured MAC stays, as Docker shows it; a generated one goes with the address.
        if (s.Networks?.Values.FirstOrDefault() is { } first) first.MacAddress = doc.Config?.MacAddress ?? "";
        foreach (var ep in s.Networks?.Values.Skip(1) ?? []) ep.MacAddress = "";
    }

    /// <summary>
    /// The container's own addresses and hostname at the end of its hosts file, one line per network, as
    /// Docker writes them. The file was just written by the start; it is rewritten in place (bind-mounted).
    /// </summary>
    private static void WriteHostsEntries(ContainerInspectResponse doc)
    {
        if (string.IsNullOrEmpty(doc.HostsPath) || !File.Exists(doc.HostsPath)) return;
        var host = doc.Config?.Hostname is { Length: > 0 } h ? h : doc.Id[..12];
        var names = doc.Config?.Domainname is { Length: > 0 } d ? $"{host}.{d} {host}" : host;
        var lines = File.ReadAllLines(doc.HostsPath).Where(l => !l.EndsWith("\t" + names, StringComparison.Ordinal));
        var own = (doc.NetworkSettings?.Networks?.Values ?? Enumerable.Empty<EndpointSettings>())
            .Where(ep => !string.IsNullOrEmpty(ep.IPAddress)).Select(ep => $"{ep.IPAddress}\t{names}")
            .Concat((doc.NetworkSettings?.Networks?.Values ?? Enumerable.Empty<EndpointSettings>())
                .Where(ep => !string.IsNullOrEmpty(ep.GlobalIPv6Address)).Select(ep => $"{ep.GlobalIPv6Address}\t{names}"));
        File.WriteAllText(doc.HostsPath, string.Concat(lines.Concat(own).Select(l => l + "\n")));
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
