using Wharf.Cli.Parsing;
using Wharf.Cli.Commands;

namespace Wharf.Cli.Tests;

public sealed class NetworkIpamFlagsTests
{
    static readonly Dictionary<string, string> NoAux = [];

    [Fact]
    public void Gateways_ranges_and_aux_addresses_go_to_the_subnet_that_contains_them()
    {
        var configs = NetworkCommands.BuildIpamConfig(
            ["10.1.0.0/16", "10.2.0.0/24"], ["10.2.0.128/25"], ["10.2.0.1", "10.1.0.254"],
            new Dictionary<string, string> { ["router"] = "10.1.0.2" });
        Assert.Equal(2, configs.Count);
        Assert.Equal(("10.1.0.0/16", "10.1.0.254", null), (configs[0].Subnet, configs[0].Gateway, configs[0].IPRange));
        Assert.Equal("10.1.0.2", configs[0].AuxiliaryAddresses!["router"]);
        Assert.Equal(("10.2.0.0/24", "10.2.0.1", "10.2.0.128/25"), (configs[1].Subnet, configs[1].Gateway, configs[1].IPRange));
    }

    [Fact]
    public void Ipv6_subnets_are_matched_too() =>
        Assert.Equal("fd00:1::1", NetworkCommands.BuildIpamConfig(["fd00:1::/64"], [], ["fd00:1::1"], NoAux).Single().Gateway);

    [Theory]
    [InlineData(new[] { "10.0.0.0/8", "10.1.0.0/16" }, new string[0], new string[0], "multiple overlapping subnet configuration is not supported")]
    [InlineData(new[] { "10.0.0.0/8" }, new string[0], new[] { "192.0.2.1" }, "no matching subnet for gateway 192.0.2.1")]
    [InlineData(new[] { "10.0.0.0/8" }, new[] { "192.0.2.0/24" }, new string[0], "no matching subnet for range 192.0.2.0/24")]
    [InlineData(new string[0], new string[0], new[] { "10.0.0.1" }, "every ip-range or gateway must have a corresponding subnet")]
    [InlineData(new[] { "10.0.0.0" }, new string[0], new string[0], "invalid CIDR address: 10.0.0.0")]
    [InlineData(new[] { "10.0.0.0/33" }, new string[0], new string[0], "invalid CIDR address: 10.0.0.0/33")]
    [InlineData(new[] { "10.0.0.0/8", "11.0.0.0/8" }, new string[0], new[] { "10.0.0.1", "10.0.0.2" }, "cannot configure multiple gateways")]
    public void Bad_combinations_are_refused(string[] subnets, string[] ranges, string[] gateways, string message)
    {
        var e = Assert.Throws<CliException>(() => NetworkCommands.BuildIpamConfig(subnets, ranges, gateways, NoAux));
        Assert.StartsWith(message, e.Message);
    }
}
