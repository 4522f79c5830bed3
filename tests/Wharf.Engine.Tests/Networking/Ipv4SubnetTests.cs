using Wharf.Engine.Networking;

namespace Wharf.Engine.Tests.Networking;

public sealed class Ipv4SubnetTests
{
    [Theory]
    [InlineData("172.17.0.1/16", "172.17.0.0/16", "172.17.0.1")]
    [InlineData("10.1.2.0/24", "10.1.2.0/24", "10.1.2.0")]
    [InlineData("0.0.0.0/0", "0.0.0.0/0", "0.0.0.0")]
    [InlineData("192.168.1.77/32", "192.168.1.77/32", "192.168.1.77")]
    public void Parses_prefix_and_keeps_the_host_part(string text, string network, string address)
    {
        Assert.True(Ipv4Subnet.TryParse(text, out var s, out var a));
        Assert.Equal(network, s.ToString());
        Assert.Equal(address, Ipv4Subnet.Format(a));
    }

    [Theory]
    [InlineData("172.17.0.1")]
    [InlineData("172.17.0.1/33")]
    [InlineData("172.17.0/16")]
    [InlineData("172.17.0.256/16")]
    [InlineData("fd00::/8")]
    [InlineData("172.17.0.1/-1")]
    [InlineData("1.2.3.4/ 8")]
    public void Refuses_malformed_prefixes(string text) => Assert.False(Ipv4Subnet.TryParse(text, out _, out _));

    [Fact]
    public void Containment_and_overlap()
    {
        var big = Ipv4Subnet.Parse("172.16.0.0/12");
        var docker = Ipv4Subnet.Parse("172.17.0.0/16");
        var other = Ipv4Subnet.Parse("172.32.0.0/16");
        Assert.True(big.Contains(docker));
        Assert.False(docker.Contains(big));
        Assert.True(big.Overlaps(docker) && docker.Overlaps(big));
        Assert.False(big.Overlaps(other));
        Assert.Equal("172.17.255.255", Ipv4Subnet.Format(docker.Broadcast));
        Assert.Equal(65536UL, docker.Size);
    }
}
