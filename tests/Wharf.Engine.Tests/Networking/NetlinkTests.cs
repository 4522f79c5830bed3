using Wharf.Engine.Networking;
using Wharf.Engine.Networking.Netlink;

namespace Wharf.Engine.Tests.Networking;

/// <summary>
/// Route netlink against the real kernel, entirely inside namespaces the test creates: one stands in
/// for the host (a bridge), one for a container (eth0 with an address and a default route). Needs root.
/// </summary>
public sealed class NetlinkTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wharf-netns-").FullName;

    private string Ns(string name) => Path.Combine(_dir, name);

    [Fact]
    public void Bridge_veth_address_and_route_over_netlink()
    {
        if (Environment.UserName != "root") return;
        using var host = NetworkNamespaces.Create(Ns("host"));
        host.CreateBridge("br-test");
        var bridge = host.FindLink("br-test")!;
        Assert.Equal("bridge", bridge.Kind);
        host.AddAddress(bridge.Index, "br-test", Ip("10.200.0.1"), 24);
        host.SetUp(bridge.Index, "br-test");
        Assert.Contains((Ip("10.200.0.1"), 24), host.Addresses(bridge.Index));

        using var inner = NetworkNamespaces.Create(Ns("c1"));
        using (var fd = File.OpenHandle(Ns("c1")))
            host.CreateVeth("veth-test", bridge.Index, "eth0", (int)fd.DangerousGetHandle(), [0x02, 0x42, 10, 200, 0, 2]);
        var veth = host.FindLink("veth-test")!;
        Assert.Equal(bridge.Index, veth.Master);
        Assert.True(veth.Up);
        host.SetHairpin(veth.Index, "veth-test");

        var eth0 = inner.FindLink("eth0")!;
        Assert.Equal("veth", eth0.Kind);
        inner.SetUp(eth0.Index, "eth0");
        Assert.True(inner.FindLink("eth0")!.Up);
        inner.SetUp(inner.FindLink("lo")!.Index, "lo");
        inner.AddAddress(eth0.Index, "eth0", Ip("10.200.0.2"), 24);
        inner.AddDefaultRoute(Ip("10.200.0.1"), eth0.Index, "eth0");
        var routes = inner.Routes();
        Assert.Contains(new RouteInfo(new Ipv4Subnet(0, 0), eth0.Index), routes);
        Assert.Contains(new RouteInfo(Ipv4Subnet.Parse("10.200.0.0/24"), eth0.Index), routes);
        // The host end is not in the container's namespace, the container end not in the host's.
        Assert.Null(inner.FindLink("veth-test"));
        Assert.Null(host.FindLink("eth0"));

        Assert.True(host.DeleteLink("veth-test"));
        Assert.False(host.DeleteLink("veth-test"));
        Assert.Null(inner.FindLink("eth0"));
    }

    [Fact]
    public void Errors_name_the_operation_and_the_kernel_reason()
    {
        if (Environment.UserName != "root") return;
        using var host = NetworkNamespaces.Create(Ns("host"));
        host.CreateBridge("br-dup");
        var e = Assert.Throws<NetlinkException>(() => host.CreateBridge("br-dup"));
        Assert.StartsWith("creating bridge br-dup: File exists", e.Message);
        var lo = host.FindLink("lo")!;
        // A gateway that no route reaches.
        var route = Assert.Throws<NetlinkException>(() => host.AddDefaultRoute(Ip("10.9.9.9"), lo.Index, "lo"));
        Assert.StartsWith("adding default route via 10.9.9.9 on lo:", route.Message);
    }

    [Fact]
    public void A_namespace_file_is_a_mount_until_deleted()
    {
        if (Environment.UserName != "root") return;
        var path = Ns("gone");
        NetworkNamespaces.Create(path).Dispose();
        Assert.True(NetworkNamespaces.IsMounted(path));
        using (var again = NetworkNamespaces.Enter(path))
            Assert.NotNull(again.FindLink("lo"));
        NetworkNamespaces.Delete(path);
        Assert.False(NetworkNamespaces.IsMounted(path));
        Assert.False(File.Exists(path));
        Assert.Throws<IOException>(() => NetworkNamespaces.Enter(path));
    }

    private static uint Ip(string s) => Ipv4Subnet.TryParseAddress(s, out var a) ? a : throw new FormatException(s);

    public void Dispose()
    {
        foreach (var f in Directory.GetFiles(_dir)) NetworkNamespaces.Delete(f);
        Directory.Delete(_dir, true);
    }
}
