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
    public const string ContainerInterface = "eth0";

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

    /// <summary>IPv4 subnets routed on the host other than through <paramref name="ownBridge"/> (default routes left out).</summary>
    public List<Ipv4Subnet> RoutedSubnets(string? ownBridge)
    {
        using var host = HostClient();
        var own = ownBridge is null ? null : host.FindLink(ownBridge);
        return host.Routes().Where(r => r.Destination.PrefixLength > 0 && r.OutputInterface != (own?.Index ?? -1))
            .Select(r => r.Destination).Distinct().ToList();
    }

    /// <summary>The namespace, the veth pair and eth0's configuration of one endpoint; on failure nothing stays.</summary>
    public void Plumb(EndpointRecord e, NetworkRecord n)
    {
        var subnet = Ipv4Subnet.Parse(n.Subnet);
        Ipv4Subnet.TryParseAddress(e.Address, out var address);
        Ipv4Subnet.TryParseAddress(n.Gateway, out var gateway);
        try
        {
            using var inner = NetworkNamespaces.Create(e.Sandbox);
            using (var host = HostClient())
            {
                var bridge = host.FindLink(n.Bridge) ?? throw new WharfException($"bridge {n.Bridge} of network {n.Name} does not exist");
                using (var ns = File.OpenHandle(e.Sandbox))
                    host.CreateVeth(e.Veth, bridge.Index, ContainerInterface, (int)ns.DangerousGetHandle(), AddressPicker.ParseMac(e.Mac) ?? AddressPicker.Mac(address));
                var veth = host.FindLink(e.Veth) ?? throw new WharfException($"veth {e.Veth} vanished right after its creation");
                host.SetHairpin(veth.Index, e.Veth);
            }
            var lo = inner.FindLink("lo") ?? throw new WharfException("the new network namespace has no lo");
            inner.SetUp(lo.Index, "lo");
            var eth0 = inner.FindLink(ContainerInterface) ?? throw new WharfException($"{ContainerInterface} did not arrive in the container's namespace");
            inner.SetUp(eth0.Index, ContainerInterface);
            inner.AddAddress(eth0.Index, ContainerInterface, address, subnet.PrefixLength);
            inner.AddDefaultRoute(gateway, eth0.Index, ContainerInterface);
        }
        catch
        {
            Unplumb(e);
            throw;
        }
    }

    /// <summary>Removes the veth pair and the namespace file; parts already gone are fine.</summary>
    public void Unplumb(EndpointRecord e)
    {
        using (var host = HostClient()) host.DeleteLink(e.Veth);
        NetworkNamespaces.Delete(e.Sandbox);
    }

    /// <summary>Names of the links enslaved to <paramref name="bridge"/> (its veth ends).</summary>
    public List<string> Ports(string bridge)
    {
        using var host = HostClient();
        var b = host.FindLink(bridge);
        return b is null ? [] : host.ListLinks().Where(l => l.Master == b.Index).Select(l => l.Name).ToList();
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
