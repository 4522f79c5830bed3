using Wharf.Engine.Networking;

namespace Wharf.Engine.Tests.Networking;

public sealed class Ipv6SubnetTests
{
    [Theory]
    [InlineData("fd00:1::/64", "fd00:1::/64", "fd00:1::")]
    [InlineData("fd12:3456:789a::5/48", "fd12:3456:789a::/48", "fd12:3456:789a::5")]
    [InlineData("FD00::1/128", "fd00::1/128", "fd00::1")]
    public void Parses_prefix_and_keeps_the_host_part(string text, string network, string address)
    {
        Assert.True(Ipv6Subnet.TryParse(text, out var s, out var a));
        Assert.Equal(network, s.ToString());
        Assert.Equal(address, Ipv6Subnet.Format(a));
    }

    [Theory]
    [InlineData("fd00::")]
    [InlineData("fd00::/129")]
    [InlineData("fd00:zz::/64")]
    [InlineData("10.0.0.0/8")]
    [InlineData("fe80::1%eth0/64")]
    [InlineData("fd00::/-1")]
    public void Refuses_malformed_subnets(string text) => Assert.False(Ipv6Subnet.TryParse(text, out _, out _));

    [Theory]
    [InlineData("fd00:1::/64", true)]
    [InlineData("fdff::/16", true)]
    [InlineData("fc00::/7", false)]
    [InlineData("2001:db8::/64", false)]
    [InlineData("fe80::/64", false)]
    public void Only_fd00_8_is_unique_local(string text, bool ula) => Assert.Equal(ula, Ipv6Subnet.Parse(text).IsUla);

    [Fact]
    public void Overlap_and_containment()
    {
        var a = Ipv6Subnet.Parse("fd00:1::/64");
        Assert.True(a.Overlaps(Ipv6Subnet.Parse("fd00:1::1:0:0/80")));
        Assert.True(a.Overlaps(Ipv6Subnet.Parse("fd00::/16")));
        Assert.False(a.Overlaps(Ipv6Subnet.Parse("fd00:2::/64")));
        Ipv6Subnet.TryParseAddress("fd00:1::ffff", out var inside);
        Ipv6Subnet.TryParseAddress("fd00:2::1", out var outside);
        Assert.True(a.Contains(inside));
        Assert.False(a.Contains(outside));
    }

    [Fact]
    public void Random_ula_subnets_are_64s_under_fd00_8_and_differ()
    {
        var picked = Enumerable.Range(0, 20).Select(_ => Ipv6Subnet.RandomUla()).ToList();
        Assert.All(picked, s => { Assert.True(s.IsUla); Assert.Equal(64, s.PrefixLength); Assert.StartsWith("fd", s.ToString()); });
        Assert.True(picked.Distinct().Count() > 1);
    }

    [Fact]
    public void Lowest_free_address_skips_the_gateway_and_used_ones()
    {
        var s = Ipv6Subnet.Parse("fd00:1::/64");
        Ipv6Subnet.TryParseAddress("fd00:1::1", out var gateway);
        Ipv6Subnet.TryParseAddress("fd00:1::2", out var used);
        Assert.Equal("fd00:1::3", Ipv6Subnet.Format(s.Lowest(gateway, new HashSet<UInt128> { used })!.Value));
        var tiny = Ipv6Subnet.Parse("fd00:1::/127");
        Ipv6Subnet.TryParseAddress("fd00:1::1", out var only);
        Assert.Null(tiny.Lowest(only, new HashSet<UInt128>()));
    }
}
