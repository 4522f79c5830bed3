using System.Text.RegularExpressions;
using Wharf.Api.Models;
using Wharf.Engine.Images;
using Wharf.Engine.Metadata;
using Wharf.Engine.Networking.Ipam;

namespace Wharf.Engine.Networking;

public sealed partial class NetworkService
{
    private static readonly string[] Predefined = [DefaultNetworkName, "host", "none"];

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")]
    private static partial Regex NameRegex();

    [GeneratedRegex("^[a-zA-Z0-9_.-]{1,15}$")]
    private static partial Regex InterfaceNameRegex();

    /// <summary>A network by full id, name, or unique id prefix, as Docker looks them up; null when none.</summary>
    public NetworkRecord? Find(string idOrName)
    {
        List<NetworkRecord> all;
        lock (_lock) all = [.. _networks];
        var byId = all.FirstOrDefault(n => n.Id == idOrName) ?? all.FirstOrDefault(n => n.Name == idOrName);
        if (byId is not null) return byId;
        var prefix = all.Where(n => idOrName.Length > 0 && n.Id.StartsWith(idOrName, StringComparison.Ordinal)).ToList();
        return prefix.Count switch
        {
            1 => prefix[0],
            0 => null,
            _ => throw new NotFoundException($"network {idOrName} is ambiguous ({prefix.Count} matches found based on ID prefix)"),
        };
    }

    /// <summary>Like <see cref="Find"/>, but 404 `network X not found`.</summary>
    public NetworkRecord Get(string idOrName) => Find(idOrName) ?? throw new NotFoundException($"network {idOrName} not found");

    /// <summary>POST /networks/create: a bridge network with its own Linux bridge, subnet and firewall rules.</summary>
    public async Task<NetworkCreateResponse> CreateAsync(NetworkCreateRequest req, CancellationToken ct)
    {
        var name = req.Name ?? "";
        if (name.Length == 0) throw new BadRequestException("network name is empty");
        if (!NameRegex().IsMatch(name)) throw new BadRequestException($"invalid network name \"{name}\": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
        if (Predefined.Contains(name) || name == "default")
            throw new WharfException($"{name} is a pre-defined network and cannot be created", 403);
        var driver = string.IsNullOrEmpty(req.Driver) ? "bridge" : req.Driver;
        if (driver != "bridge")
            throw driver is "host" or "null" ? new WharfException($"only one instance of \"{driver}\" network is allowed", 403)
                : new NotFoundException($"plugin \"{driver}\" not found");
        if (req.Scope is { Length: > 0 } scope && scope != "local") throw new BadRequestException($"scope \"{scope}\" is not supported: only local networks");
        if (req.ConfigOnly || req.ConfigFrom is { Network.Length: > 0 } || req.Ingress)
            throw new BadRequestException("config-only, config-from and ingress networks are not supported");
        if (req.EnableIPv4 == false) throw new BadRequestException("IPv4 cannot be disabled on a bridge network");
        if (req.IPAM?.Driver is { Length: > 0 } ipamDriver && ipamDriver != "default") throw new NotFoundException($"plugin \"{ipamDriver}\" not found");
        if (req.IPAM?.Options is { Count: > 0 }) throw new BadRequestException("IPAM driver options are not supported");
        var options = req.Options ?? [];
        foreach (var key in options.Keys.Where(k => !BridgeOptions.Supported.Contains(k)))
            throw new BadRequestException($"network option {key} is not supported (supported: {string.Join(", ", BridgeOptions.Supported.Order())})");
        foreach (var key in new[] { BridgeOptions.Masquerade, BridgeOptions.Icc }.Where(options.ContainsKey))
            if (options[key] is not ("true" or "false")) throw new BadRequestException($"invalid value for {key}: \"{options[key]}\" (true or false)");

        var id = NewId();
        var bridge = options.GetValueOrDefault(BridgeOptions.Name) ?? "br-" + id[..12];
        if (!InterfaceNameRegex().IsMatch(bridge)) throw new BadRequestException($"invalid bridge name \"{bridge}\": 1 to 15 of [a-zA-Z0-9_.-]");
        NetworkRecord record;
        lock (_lock)
        {
            if (_networks.Any(n => n.Name == name)) throw new ConflictException($"network with name {name} already exists");
            if (_networks.FirstOrDefault(n => n.Bridge == bridge) is { } other)
                throw new ConflictException($"bridge name {bridge} is already used by network {other.Name}");
            if (_bridges.LinkExists(bridge)) throw new ConflictException($"a network interface named {bridge} already exists on the host");
            var (subnet, gateway, range) = ChooseSubnet(req.IPAM?.Config);
            var v6 = ChooseSubnet6(req.IPAM?.Config, req.EnableIPv6 == true);
            record = new NetworkRecord(id, name, "bridge", bridge, subnet.ToString(), Ipv4Subnet.Format(gateway), range?.ToString(),
                req.Internal, BridgeOptions.Serialize(req.Labels ?? []), BridgeOptions.Serialize(options), Now())
            { Subnet6 = v6?.Subnet.ToString(), Gateway6 = v6 is { } g6 ? Ipv6Subnet.Format(g6.Gateway) : null };
            _db.SaveNetwork(record);
            _networks.Add(record);
        }
        try
        {
            _bridges.EnsureBridge(bridge, Ipv4Subnet.TryParseAddress(record.Gateway, out var gw) ? gw : 0, Ipv4Subnet.Parse(record.Subnet).PrefixLength);
            EnsureBridge6(record);
            await ResetFirewallAsync(ct);
            if (_dockerUserRules) await _dockerUser.AllowAsync(BridgeNetworks().Select(n => n.Bridge).ToList(), ct);
        }
        catch (Exception e) when (e is IOException or WharfException)
        {
            await DropNetworkAsync(record, CancellationToken.None);
            throw new WharfException($"creating network {name}: {e.Message}", 500, e);
        }
        Publish(record, "create");
        return new NetworkCreateResponse { Id = id, Warning = "" };
    }

    /// <summary>The asked subnet (checked) or the first free one of the pools; the gateway; the allocation range.</summary>
    private (Ipv4Subnet Subnet, uint Gateway, Ipv4Subnet? Range) ChooseSubnet(List<NetworkIpamConfig>? configs)
    {
        var ipv4 = (configs ?? []).Where(c => !(c.Subnet ?? "").Contains(':')).ToList();
        if (ipv4.Count > 1) throw new BadRequestException("more than one IPv4 subnet per network is not supported");
        var c = ipv4.FirstOrDefault();
        if (c?.AuxiliaryAddresses is { Count: > 0 }) throw new BadRequestException("auxiliary addresses are not supported");
        var others = _networks.Where(n => n.Driver == "bridge").Select(n => (n.Name, Subnet: Ipv4Subnet.Parse(n.Subnet))).ToList();
        Ipv4Subnet subnet;
        if (c?.Subnet is { Length: > 0 } text)
        {
            if (!Ipv4Subnet.TryParse(text, out subnet, out var host)) throw new BadRequestException($"invalid subnet {text}: expected an IPv4 CIDR such as 172.20.0.0/16");
            if (host != subnet.Network) throw new BadRequestException($"invalid subnet {text}: it has host bits set (the network is {subnet})");
            if (subnet.PrefixLength > 30) throw new BadRequestException($"invalid subnet {text}: a prefix longer than /30 leaves no room for containers");
            foreach (var (otherName, otherSubnet) in others.Where(o => o.Subnet.Overlaps(subnet)))
                throw new WharfException($"invalid pool request: Pool overlaps with other one on this address space (network {otherName} has {otherSubnet})", 403);
        }
        else
        {
            if (c?.Gateway is { Length: > 0 } || c?.IPRange is { Length: > 0 })
                throw new BadRequestException("a gateway or ip-range needs a subnet (--subnet)");
            var taken = _bridges.RoutedSubnets(_networks.Where(n => n.Driver == "bridge").Select(n => n.Bridge)).Concat(others.Select(o => o.Subnet)).ToList();
            subnet = SubnetPools.FirstFree(Pools, taken) ?? throw new WharfException("could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network", 403);
        }
        uint gateway = subnet.Network + 1;
        if (c?.Gateway is { Length: > 0 } g)
        {
            if (!Ipv4Subnet.TryParseAddress(g, out gateway)) throw new BadRequestException($"invalid gateway {g}: expected an IPv4 address");
            if (!subnet.Contains(gateway) || gateway == subnet.Network || gateway == subnet.Broadcast)
                throw new BadRequestException($"invalid gateway {g}: it is not a host address of subnet {subnet}");
        }
        Ipv4Subnet? range = null;
        if (c?.IPRange is { Length: > 0 } r)
        {
            if (!Ipv4Subnet.TryParse(r, out var parsed, out var rhost) || rhost != parsed.Network) throw new BadRequestException($"invalid ip-range {r}: expected an IPv4 CIDR");
            if (!subnet.Contains(parsed)) throw new BadRequestException($"invalid ip-range {r}: it is not inside subnet {subnet}");
            range = parsed;
        }
        return (subnet, gateway, range);
    }

    /// <summary>
    /// With --ipv6: the asked IPv6 subnet (under fd00::/8, not overlapping another network's) or a random ULA
    /// /64, and its gateway (the asked one, else the subnet's first address). Without: null, and an IPv6
    /// subnet is refused as Docker does.
    /// </summary>
    private (Ipv6Subnet Subnet, UInt128 Gateway)? ChooseSubnet6(List<NetworkIpamConfig>? configs, bool enabled)
    {
        var ipv6 = (configs ?? []).Where(c => (c.Subnet ?? "").Contains(':')).ToList();
        if (!enabled)
        {
            if (ipv6.Count > 0) throw new BadRequestException($"invalid subnet {ipv6[0].Subnet}: an IPv6 subnet needs --ipv6");
            return null;
        }
        if (ipv6.Count > 1) throw new BadRequestException("more than one IPv6 subnet per network is not supported");
        var c = ipv6.FirstOrDefault();
        if (c?.AuxiliaryAddresses is { Count: > 0 }) throw new BadRequestException("auxiliary addresses are not supported");
        if (c?.IPRange is { Length: > 0 }) throw new BadRequestException("an IPv6 ip-range is not supported");
        var others = _networks.Where(n => n.Subnet6 is not null).Select(n => (n.Name, Subnet: Ipv6Subnet.Parse(n.Subnet6!))).ToList();
        Ipv6Subnet subnet;
        if (c?.Subnet is { Length: > 0 } text)
        {
            if (!Ipv6Subnet.TryParse(text, out subnet, out var host)) throw new BadRequestException($"invalid subnet {text}: expected an IPv6 CIDR such as fd00:1::/64");
            if (host != subnet.Network) throw new BadRequestException($"invalid subnet {text}: it has host bits set (the network is {subnet})");
            if (!subnet.IsUla) throw new BadRequestException($"invalid subnet {text}: only unique local IPv6 subnets (inside fd00::/8) are supported");
            if (subnet.PrefixLength > 120) throw new BadRequestException($"invalid subnet {text}: a prefix longer than /120 leaves no room for containers");
            foreach (var (otherName, otherSubnet) in others.Where(o => o.Subnet.Overlaps(subnet)))
                throw new WharfException($"invalid pool request: Pool overlaps with other one on this address space (network {otherName} has {otherSubnet})", 403);
        }
        else
        {
            do subnet = Ipv6Subnet.RandomUla();
            while (others.Any(o => o.Subnet.Overlaps(subnet)));
        }
        var gateway = subnet.Network + 1;
        if (c?.Gateway is { Length: > 0 } g)
        {
            if (!Ipv6Subnet.TryParseAddress(g, out gateway)) throw new BadRequestException($"invalid gateway {g}: expected an IPv6 address");
            if (!subnet.Contains(gateway) || gateway == subnet.Network) throw new BadRequestException($"invalid gateway {g}: it is not a host address of subnet {subnet}");
        }
        return (subnet, gateway);
    }

    /// <summary>The IPv6 gateway on the network's bridge (nothing for an IPv4-only network).</summary>
    private void EnsureBridge6(NetworkRecord n)
    {
        if (n.Subnet6 is null || !Ipv6Subnet.TryParseAddress(n.Gateway6, out var gateway6)) return;
        _bridges.EnsureBridge6(n.Bridge, gateway6, Ipv6Subnet.Parse(n.Subnet6).PrefixLength);
    }

    /// <summary>DELETE /networks/{id}: 403 for predefined networks, 409 while a running container is attached.</summary>
    public async Task RemoveAsync(string idOrName, CancellationToken ct)
    {
        var n = Get(idOrName);
        if (Predefined.Contains(n.Name)) throw new WharfException($"{n.Name} is a pre-defined network and cannot be removed", 403);
        if (_db.ListEndpoints().Any(e => e.NetworkId == n.Id))
            throw new ConflictException($"error while removing network: network {n.Name} id {n.Id} has active endpoints");
        await DropNetworkAsync(n, ct);
        Publish(n, "destroy");
    }

    private async Task DropNetworkAsync(NetworkRecord n, CancellationToken ct)
    {
        lock (_lock)
        {
            _networks.RemoveAll(x => x.Id == n.Id);
            _db.DeleteNetwork(n.Id);
        }
        _bridges.DeleteLink(n.Bridge);
        await ResetFirewallAsync(ct);
    }

    /// <summary>POST /networks/prune: user-defined networks no running container is attached to; filters `until`, `label`, `label!`.</summary>
    public async Task<NetworkPruneResponse> PruneAsync(Dictionary<string, List<string>> filters, CancellationToken ct)
    {
        foreach (var key in filters.Keys.Where(k => k is not ("until" or "label" or "label!")))
            throw new BadRequestException($"invalid filter '{key}'");
        DateTimeOffset? until = filters.TryGetValue("until", out var u) && u.Count > 0 ? ImageService.ParseUntil(u[0]) : null;
        var used = _db.ListEndpoints().Select(e => e.NetworkId).ToHashSet(StringComparer.Ordinal);
        var deleted = new List<string>();
        foreach (var n in BridgeNetworks().Where(n => n.Name != DefaultNetworkName && !used.Contains(n.Id)))
        {
            if (until is { } limit && DateTimeOffset.TryParse(n.Created, out var created) && created > limit) continue;
            var labels = BridgeOptions.Parse(n.Labels);
            if (filters.TryGetValue("label", out var want) && !want.All(l => ImageService.LabelMatch(labels, l))) continue;
            if (filters.TryGetValue("label!", out var not) && not.Any(l => ImageService.LabelMatch(labels, l))) continue;
            await DropNetworkAsync(n, ct);
            Publish(n, "destroy");
            deleted.Add(n.Name);
        }
        _events.Publish("network", "prune", "", new() { ["reclaimed"] = "0" });
        return new NetworkPruneResponse { NetworksDeleted = deleted.Count > 0 ? deleted : null };
    }

    /// <summary>GET /networks with Docker's filters: driver, id, label, name, scope, type (custom/builtin), dangling.</summary>
    public List<NetworkResource> List(Dictionary<string, List<string>> filters)
    {
        List<NetworkRecord> all;
        lock (_lock) all = [.. _networks.Where(n => n.Name != DefaultNetworkName || _default is not null)];
        var used = _db.ListEndpoints().Select(e => e.NetworkId).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, values) in filters)
        {
            all = key switch
            {
                "driver" => all.Where(n => values.Contains(n.Driver)).ToList(),
                "id" => all.Where(n => values.Any(v => n.Id.StartsWith(v, StringComparison.Ordinal))).ToList(),
                "name" => all.Where(n => values.Any(v => n.Name.Contains(v, StringComparison.Ordinal))).ToList(),
                "label" => all.Where(n => values.All(v => ImageService.LabelMatch(BridgeOptions.Parse(n.Labels), v))).ToList(),
                "scope" => all.Where(_ => values.Contains("local")).ToList(),
                "type" => values.FirstOrDefault(v => v is not ("custom" or "builtin")) is { } bad
                    ? throw new BadRequestException($"invalid filter: 'type'='{bad}'")
                    : all.Where(n => values.Contains(Predefined.Contains(n.Name) ? "builtin" : "custom")).ToList(),
                "dangling" => all.Where(n => !Predefined.Contains(n.Name) && values.Any(v => (v is "true" or "1") != used.Contains(n.Id))).ToList(),
                _ => throw new BadRequestException($"invalid filter '{key}'"),
            };
        }
        return all.OrderBy(n => n.Name, StringComparer.Ordinal).Select(n => Resource(n, withContainers: false)).ToList();
    }

    /// <summary>GET /networks/{id}: with the attached containers and their addresses.</summary>
    public NetworkResource Inspect(string idOrName) => Resource(Get(idOrName), withContainers: true);

    private NetworkResource Resource(NetworkRecord n, bool withContainers)
    {
        var r = new NetworkResource
        {
            Name = n.Name, Id = n.Id, Created = n.Created, Driver = n.Driver, Internal = n.Internal,
            Options = BridgeOptions.Parse(n.Options), Labels = BridgeOptions.Parse(n.Labels),
        };
        if (n.Driver == "bridge")
        {
            r.IPAM.Config = [new NetworkIpamConfig { Subnet = n.Subnet, Gateway = n.Gateway, IPRange = n.IpRange }];
            if (n.Subnet6 is not null)
            {
                r.EnableIPv6 = true;
                r.IPAM.Config.Add(new NetworkIpamConfig { Subnet = n.Subnet6, Gateway = n.Gateway6 });
            }
            if (n.Name != DefaultNetworkName) r.IPAM.Options = [];
        }
        else
        {
            r.IPAM.Config = [];
            r.EnableIPv4 = n.Driver != "null";
        }
        if (!withContainers) return r;
        var prefix = n.Driver == "bridge" ? "/" + Ipv4Subnet.Parse(n.Subnet).PrefixLength : "";
        foreach (var e in _db.ListEndpoints().Where(e => e.NetworkId == n.Id))
        {
            var name = _connected.TryGetValue(e.ContainerId, out var doc) ? doc.Name.TrimStart('/') : "";
            r.Containers[e.ContainerId] = new NetworkContainer
            {
                Name = name, EndpointID = e.Id, MacAddress = e.Mac, IPv4Address = e.Address + prefix,
                IPv6Address = e.Address6 is null || n.Subnet6 is null ? "" : e.Address6 + "/" + Ipv6Subnet.Parse(n.Subnet6).PrefixLength,
            };
        }
        return r;
    }
}
