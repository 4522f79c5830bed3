using Wharf.Api.Models;
using Wharf.Engine.Metadata;
using Wharf.Engine.Networking;
using Wharf.Engine.Networking.Ipam;

namespace Wharf.Engine.Tests.Networking;

public sealed class IpamTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wharf-ipam-").FullName;

    private static uint Ip(string s) => Ipv4Subnet.TryParseAddress(s, out var a) ? a : throw new FormatException(s);

    [Fact]
    public void Lowest_free_address_skips_network_gateway_broadcast_and_used()
    {
        var subnet = Ipv4Subnet.Parse("10.0.0.0/29");
        var gw = Ip("10.0.0.1");
        Assert.Equal(Ip("10.0.0.2"), AddressPicker.Lowest(subnet, null, gw, new HashSet<uint>()));
        Assert.Equal(Ip("10.0.0.4"), AddressPicker.Lowest(subnet, null, gw, new HashSet<uint> { Ip("10.0.0.2"), Ip("10.0.0.3") }));
        var full = Enumerable.Range(2, 5).Select(i => Ip($"10.0.0.{i}")).ToHashSet();
        Assert.Null(AddressPicker.Lowest(subnet, null, gw, full));
        // An allocation range inside the subnet.
        Assert.Equal(Ip("10.0.0.4"), AddressPicker.Lowest(subnet, Ipv4Subnet.Parse("10.0.0.4/30"), gw, new HashSet<uint>()));
    }

    [Fact]
    public void Mac_is_02_42_and_the_address()
    {
        Assert.Equal("02:42:ac:11:00:02", AddressPicker.FormatMac(AddressPicker.Mac(Ip("172.17.0.2"))));
    }

    [Theory]
    [InlineData("02:42:AC:11:00:99", "02:42:ac:11:00:99")]
    [InlineData("02-42-ac-11-00-99", "02:42:ac:11:00:99")]
    [InlineData("02:42:ac:11:00", null)]
    [InlineData("02:42:ac:11:00:9g", null)]
    [InlineData("01:00:5e:00:00:01", null)]
    [InlineData("00:00:00:00:00:00", null)]
    [InlineData("2:42:ac:11:0:99", null)]
    public void Macs_parse_and_refuse_multicast_and_zero(string text, string? expected)
    {
        var mac = AddressPicker.ParseMac(text);
        Assert.Equal(expected, mac is null ? null : AddressPicker.FormatMac(mac));
    }

    [Fact]
    public void Default_pools_start_at_172_17_and_skip_what_is_routed()
    {
        var first = SubnetPools.FirstFree(SubnetPools.Defaults, []);
        Assert.Equal("172.17.0.0/16", first.ToString());
        var taken = new[] { Ipv4Subnet.Parse("172.17.0.0/16"), Ipv4Subnet.Parse("172.18.5.0/24") };
        Assert.Equal("172.19.0.0/16", SubnetPools.FirstFree(SubnetPools.Defaults, taken).ToString());
        // Everything in 172.16.0.0/12 taken: the 192.168 pool in /20 blocks.
        Assert.Equal("192.168.0.0/20", SubnetPools.FirstFree(SubnetPools.Defaults, [Ipv4Subnet.Parse("172.16.0.0/12")]).ToString());
        Assert.Null(SubnetPools.FirstFree(SubnetPools.Defaults, [Ipv4Subnet.Parse("0.0.0.0/1"), Ipv4Subnet.Parse("128.0.0.0/1")]));
    }

    [Fact]
    public void Configured_pools_are_split_by_their_size()
    {
        var pools = new List<AddressPool> { new() { Base = "10.10.0.0/16", Size = 24 } };
        Assert.Equal(["10.10.0.0/24", "10.10.1.0/24"], SubnetPools.Candidates(pools).Take(2).Select(s => s.ToString()));
        Assert.Throws<FormatException>(() => SubnetPools.Candidates([new AddressPool { Base = "10.10.0.0/16", Size = 8 }]).ToList());
        Assert.Throws<FormatException>(() => SubnetPools.Candidates([new AddressPool { Base = "nonsense", Size = 24 }]).ToList());
    }

    [Fact]
    public void Endpoints_and_their_ports_are_stored_together_and_go_together()
    {
        using var db = new MetadataStore(Path.Combine(_dir, "m.db"));
        var net = new NetworkRecord("n1", "bridge", "bridge", "wt0", "10.0.0.0/24", "10.0.0.1", null, false, "{}", "{}", "2026-01-01T00:00:00Z");
        db.SaveNetwork(net);
        Assert.Equal(net, Assert.Single(db.ListNetworks()));
        var (e, _) = db.AddEndpoint("n1", used =>
        {
            Assert.Empty(used);
            return (new EndpointRecord("e1", "n1", "c1", "10.0.0.2", "02:42:0a:00:00:02", "veth1", "/run/ns/1"),
                [new PublishedPortRecord("e1", "tcp", "0.0.0.0", 8080, 80)]);
        });
        db.AddEndpoint("n1", used =>
        {
            Assert.Equal(["10.0.0.2"], used);
            return (new EndpointRecord("e2", "n1", "c2", "10.0.0.3", "m", "veth2", "/run/ns/2"), []);
        });
        // The same address twice on one network is refused by the store itself.
        Assert.ThrowsAny<Exception>(() => db.AddEndpoint("n1", _ => (new EndpointRecord("e3", "n1", "c3", "10.0.0.3", "m", "veth3", "/run/ns/3"), [])));
        Assert.Equal(["e1"], db.ListEndpoints("c1").Select(x => x.Id));
        Assert.Single(db.ListPublishedPorts());
        db.DeleteEndpoint(e.Id);
        Assert.Empty(db.ListPublishedPorts());
        Assert.Equal(["e2"], db.ListEndpoints().Select(x => x.Id));
    }

    public void Dispose() => Directory.Delete(_dir, true);
}
