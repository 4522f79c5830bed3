using Wharf.Engine.Metadata;
using Wharf.Engine.Networking.Ipam;
using Wharf.Engine.Networking.Netlink;

namespace Wharf.Engine.Networking;

/// <summary>
/// Bridge networks over netlink: the Linux bridge with the gateway address, and per container endpoint a
/// named network namespace holding `eth0` (one end of a veth pair whose other end is on the bridge), its
/// address, a default route through the gateway, and `lo` up. Host-side calls use a socket opened on the
/// calling thread, which is always in the host's namespace.
/// </summary>
internal sealed class BridgeDriver
{
    /// <summary>Creates the bridge if missing, gives it exactly <paramref name="gateway"/>/prefix, sets it up, enables routing from localhost.</summary>
    public void EnsureBridge(string name, uint gateway, int prefixLength)
    {
        using var host = HostClient();
        var link = host.FindLink(name);
        if (link is null)
        {
            host.CreateBridge(name);
            link = host.FindLink(name) ?? throw new WharfException($"bridge {name} vanished right after its creation");
        }
        else if (link.Kind != "bridge")
        {
            throw new WharfException($"cannot use {name} as a bridge: it is a {(link.Kind.Length > 0 ? link.Kind : "device")} of another kind");
        }
        var addresses = host.Addresses(link.Index);
        foreach (var (address, prefix) in addresses.Where(a => a != (gateway, prefixLength)))
            host.DeleteAddress(link.Index, name, address, prefix);
        if (!addresses.Contains((gateway, prefixLength))) host.AddAddress(link.Index, name, gateway, prefixLength);
        if (!link.Up) host.SetUp(link.Index, name);
        Sysctl.Write("net/ipv4/ip_forward", "1");
        // Published ports answer on 127.0.0.1: packets from 127.0.0.0/8 may then be routed to the bridge.
        Sysctl.Write($"net/ipv4/conf/{name}/route_localnet", "1");
    }

    /// <summary>
    /// IPv6 on an existing bridge: enabled, its gateway address added without duplicate address detection
    /// (replaced when present). IPv6 forwarding is left as the host has it: enabling it would stop the
    /// host's interfaces from accepting router advertisements. Containers of one network reach each other
    /// over the bridge either way.
    /// </summary>
    public void EnsureBridge6(string name, UInt128 gateway, int prefixLength)
    {
        using var host = HostClient();
        var link = host.FindLink(name) ?? throw new WharfException($"bridge {name} does not exist");
        Sysctl.Write($"net/ipv6/conf/{name}/disable_ipv6", "0");
        Sysctl.Write($"net/ipv6/conf/{name}/accept_dad", "0");
        host.AddAddress6(link.Index, name, gateway, prefixLength);
    }

    /// <summary>IPv4 subnets routed on the host other than through <paramref name="ownBridges"/> (default routes left out).</summary>
    public List<Ipv4Subnet> RoutedSubnets(IEnumerable<string> ownBridges)
    {
        using var host = HostClient();
        var own = ownBridges.Select(host.FindLink).Where(l => l is not null).Select(l => l!.Index).ToHashSet();
        return host.Routes().Where(r => r.Destination.PrefixLength > 0 && !own.Contains(r.OutputInterface))
            .Select(r => r.Destination).Distinct().ToList();
    }

    /// <summary>
    /// One endpoint: the container's namespace (made here when <paramref name="newNamespace"/>, else entered),
    /// the veth pair with its container end named <paramref name="interfaceName"/> (null: the lowest free
    /// ethN), its address, and with <paramref name="defaultRoute"/> the default route through the network's
    /// gateway. On failure nothing of it stays (nor the namespace, when made here). Returns the interface name.
    /// </summary>
    public string Plumb(EndpointRecord e, NetworkRecord n, string? interfaceName, bool newNamespace, bool defaultRoute)
    {
        var subnet = Ipv4Subnet.Parse(n.Subnet);
        Ipv4Subnet.TryParseAddress(e.Address, out var address);
        Ipv4Subnet.TryParseAddress(n.Gateway, out var gateway);
        try
        {
            using var inner = newNamespace ? NetworkNamespaces.Create(e.Sandbox) : NetworkNamespaces.Enter(e.Sandbox);
            if (newNamespace)
            {
                var lo = inner.FindLink("lo") ?? throw new WharfException("the new network namespace has no lo");
                inner.SetUp(lo.Index, "lo");
            }
            var name = interfaceName ?? NextInterface(inner);
            using (var host = HostClient())
            {
                var bridge = host.FindLink(n.Bridge) ?? throw new WharfException($"bridge {n.Bridge} of network {n.Name} does not exist");
                using (var ns = File.OpenHandle(e.Sandbox))
                    host.CreateVeth(e.Veth, bridge.Index, name, (int)ns.DangerousGetHandle(), AddressPicker.ParseMac(e.Mac) ?? AddressPicker.Mac(address));
                var veth = host.FindLink(e.Veth) ?? throw new WharfException($"veth {e.Veth} vanished right after its creation");
                host.SetHairpin(veth.Index, e.Veth);
            }
            var link = inner.FindLink(name) ?? throw new WharfException($"{name} did not arrive in the container's namespace");
            inner.SetUp(link.Index, name);
            inner.AddAddress(link.Index, name, address, subnet.PrefixLength);
            if (defaultRoute) inner.AddDefaultRoute(gateway, link.Index, name);
            if (e.Address6 is { } text6 && n.Subnet6 is { } subnet6 && Ipv6Subnet.TryParseAddress(text6, out var address6))
            {
                // A new namespace takes the host's net.ipv6.conf.default values: IPv6 may be off there.
                NetworkNamespaces.Run(e.Sandbox, () =>
                {
                    foreach (var conf in new[] { "all", "default", name })
                    {
                        Sysctl.Write($"net/ipv6/conf/{conf}/disable_ipv6", "0");
                        Sysctl.Write($"net/ipv6/conf/{conf}/accept_dad", "0");
                    }
                    return 0;
                });
                inner.AddAddress6(link.Index, name, address6, Ipv6Subnet.Parse(subnet6).PrefixLength);
                if (defaultRoute && Ipv6Subnet.TryParseAddress(n.Gateway6, out var gateway6)) inner.AddDefaultRoute6(gateway6, link.Index, name);
            }
            return name;
        }
        catch
        {
            Unplumb(e);
            if (newNamespace) NetworkNamespaces.Delete(e.Sandbox);
            throw;
        }
    }

    /// <summary>The lowest ethN not in the namespace.</summary>
    private static string NextInterface(RouteClient inner)
    {
        var names = inner.ListLinks().Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; ; i++)
            if (!names.Contains("eth" + i)) return "eth" + i;
    }

    /// <summary>Removes an endpoint's veth pair (its container end goes with it); gone already is fine.</summary>
    public void Unplumb(EndpointRecord e)
    {
        using var host = HostClient();
        host.DeleteLink(e.Veth);
    }

    /// <summary>Names of the links enslaved to <paramref name="bridge"/> (its veth ends).</summary>
    public List<string> Ports(string bridge)
    {
        using var host = HostClient();
        var b = host.FindLink(bridge);
        return b is null ? [] : host.ListLinks().Where(l => l.Master == b.Index).Select(l => l.Name).ToList();
    }

    public bool LinkExists(string name)
    {
        using var host = HostClient();
        return host.FindLink(name) is not null;
    }

    public bool DeleteLink(string name)
    {
        using var host = HostClient();
        return host.DeleteLink(name);
    }

    private static RouteClient HostClient() => new(NetlinkSocket.Open());
}

/// <summary>Writes /proc/sys values.</summary>
internal static class Sysctl
{
    public static void Write(string key, string value)
    {
        var path = "/proc/sys/" + key;
        try
        {
            if (File.Exists(path) && File.ReadAllText(path).Trim() == value) return;
            File.WriteAllText(path, value);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WharfException($"setting {key.Replace('/', '.')} to {value}: {e.Message}");
        }
    }
}
