using System.Text.Json;
using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>IPv6 on user-defined bridge networks through the real docker CLI: --ipv6, --subnet fd.., --ip6, names over AAAA, cleanup.</summary>
public sealed class DockerCliIpv6Tests(DnsDaemonFixture fx) : IClassFixture<DnsDaemonFixture>
{
    private WharfDaemon D => fx.Daemon;

    private async Task<ProcessResult> OkAsync(params string[] args)
    {
        var r = await D.DockerAsync(args);
        Assert.True(r.ExitCode == 0, $"docker {string.Join(' ', args)}: {r}");
        return r;
    }

    /// <summary>A ULA /64 of this daemon's own (its id in the global id), so parallel daemons never overlap.</summary>
    private string Subnet6(int n) => $"fd{D.Id[..2]}:{D.Id[2..6]}:{D.Id[6..8]}{n:x2}::/64";

    // In canonical form (no leading zeros in a group), as `ip` and inspect print addresses.
    private static string Prefix(string subnet)
    {
        var canonical = System.Net.IPAddress.Parse(subnet[..subnet.IndexOf('/')]).ToString();
        return canonical[..canonical.IndexOf("::", StringComparison.Ordinal)];
    }

    private async Task<string> InspectAsync(string container, string network, string field) =>
        (await OkAsync("inspect", "-f", $"{{{{(index .NetworkSettings.Networks \"{network}\").{field}}}}}", container)).Stdout.Trim();

    [Fact]
    public async Task Containers_on_an_ipv6_network_get_addresses_and_reach_each_other_by_address_and_name()
    {
        var subnet = Subnet6(1);
        var prefix = Prefix(subnet);
        var bridge = "w6" + D.Id;
        await OkAsync("network", "create", "--ipv6", "--subnet", D.UserSubnet(7), "--subnet", subnet, "-o", "com.docker.network.bridge.name=" + bridge, "v6net");
        try
        {
            var inspect = JsonDocument.Parse((await OkAsync("network", "inspect", "v6net")).Stdout).RootElement[0];
            Assert.True(inspect.GetProperty("EnableIPv6").GetBoolean());
            var v6 = inspect.GetProperty("IPAM").GetProperty("Config").EnumerateArray().Single(c => c.GetProperty("Subnet").GetString()!.Contains(':'));
            Assert.Equal(prefix + "::/64", v6.GetProperty("Subnet").GetString()); // canonical, whatever zeros the flag had
            Assert.Equal(prefix + "::1", v6.GetProperty("Gateway").GetString());
            Assert.Contains($"inet6 {prefix}::1/64", (await ProcessRunner.RunAsync("ip", ["-6", "addr", "show", "dev", bridge])).Stdout);

            await OkAsync("run", "-d", "--name", "six1", "--network", "v6net", "busybox", "sleep", "1d");
            await OkAsync("run", "-d", "--name", "six2", "--network", "v6net", "--ip6", prefix + "::99", "busybox", "sleep", "1d");
            Assert.Equal(prefix + "::2", await InspectAsync("six1", "v6net", "GlobalIPv6Address"));
            Assert.Equal("64", await InspectAsync("six1", "v6net", "GlobalIPv6PrefixLen"));
            Assert.Equal(prefix + "::1", await InspectAsync("six1", "v6net", "IPv6Gateway"));
            Assert.Equal(prefix + "::99", await InspectAsync("six2", "v6net", "GlobalIPv6Address"));
            var members = JsonDocument.Parse((await OkAsync("network", "inspect", "v6net")).Stdout).RootElement[0].GetProperty("Containers")
                .EnumerateObject().Select(m => m.Value.GetProperty("IPv6Address").GetString()).Order().ToList();
            Assert.Equal([prefix + "::2/64", prefix + "::99/64"], members);

            Assert.Contains($"inet6 {prefix}::2/64", (await OkAsync("exec", "six1", "ip", "-6", "addr", "show", "eth0")).Stdout);
            Assert.Contains($"default via {prefix}::1 dev eth0", (await OkAsync("exec", "six1", "ip", "-6", "route")).Stdout);
            await OkAsync("exec", "six1", "ping", "-6", "-c", "1", "-W", "3", prefix + "::99");
            await OkAsync("exec", "six2", "ping", "-6", "-c", "1", "-W", "3", prefix + "::1");
            var byName = await OkAsync("exec", "six2", "ping", "-6", "-c", "1", "-W", "3", "six1");
            Assert.Contains(prefix + "::2", byName.Stdout);
        }
        finally
        {
            await D.DockerAsync("rm", "-f", "six1", "six2");
            await D.DockerAsync("network", "rm", "v6net");
        }
        // Nothing left: the bridge with its address, the ip6 table (no IPv6 network remains).
        Assert.NotEqual(0, (await ProcessRunner.RunAsync("ip", ["link", "show", bridge])).ExitCode);
        Assert.DoesNotContain(prefix, (await ProcessRunner.RunAsync("ip", ["-6", "addr"])).Stdout);
        Assert.DoesNotContain(prefix, (await ProcessRunner.RunAsync("ip", ["-6", "route"])).Stdout);
        Assert.NotEqual(0, (await ProcessRunner.RunAsync("nft", ["list", "table", "ip6", D.NftTable])).ExitCode);
    }

    [Fact]
    public async Task Without_a_subnet_a_random_ula_64_is_chosen_and_the_ip6_table_isolates_the_bridge()
    {
        await OkAsync("network", "create", "--ipv6", "--subnet", D.UserSubnet(8), "autov6");
        try
        {
            var config = JsonDocument.Parse((await OkAsync("network", "inspect", "autov6")).Stdout).RootElement[0].GetProperty("IPAM").GetProperty("Config");
            var subnet = config.EnumerateArray().Select(c => c.GetProperty("Subnet").GetString()!).Single(s => s.Contains(':'));
            Assert.Matches("^fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4}::/64$", subnet);
            var table = (await ProcessRunner.RunAsync("nft", ["list", "table", "ip6", D.NftTable])).Stdout;
            Assert.Contains("oifname @bridges drop", table);
            Assert.Contains($"ip6 saddr {subnet} oifname", table);
        }
        finally
        {
            await D.DockerAsync("network", "rm", "autov6");
        }
    }

    [Fact]
    public async Task Network_connect_with_ip6_gives_a_running_container_its_address_at_once()
    {
        var subnet = Subnet6(4);
        var prefix = Prefix(subnet);
        await OkAsync("network", "create", "--ipv6", "--subnet", D.UserSubnet(10), "--subnet", subnet, "v6c");
        try
        {
            await OkAsync("run", "-d", "--name", "late6", "busybox", "sleep", "1d");
            await OkAsync("run", "-d", "--name", "peer6", "--network", "v6c", "busybox", "sleep", "1d");
            await OkAsync("network", "connect", "--ip6", prefix + "::42", "v6c", "late6");
            Assert.Equal(prefix + "::42", await InspectAsync("late6", "v6c", "GlobalIPv6Address"));
            Assert.Contains($"inet6 {prefix}::42/64", (await OkAsync("exec", "late6", "ip", "-6", "addr", "show", "eth1")).Stdout);
            await OkAsync("exec", "peer6", "ping", "-6", "-c", "1", "-W", "3", prefix + "::42");
            await OkAsync("network", "disconnect", "v6c", "late6");
            Assert.DoesNotContain(prefix, (await OkAsync("exec", "late6", "ip", "-6", "addr")).Stdout);
        }
        finally
        {
            await D.DockerAsync("rm", "-f", "late6", "peer6");
            await D.DockerAsync("network", "rm", "v6c");
        }
    }

    [Fact]
    public async Task Kill_9_and_restart_keep_the_ipv6_network_working()
    {
        await using var d = await WharfDaemon.StartNewAsync();
        var subnet = $"fd{d.Id[..2]}:{d.Id[2..6]}:{d.Id[6..8]}05::/64";
        var prefix = Prefix(subnet);
        var bridge = "w6" + d.Id;
        Assert.Equal(0, (await d.DockerAsync("network", "create", "--ipv6", "--subnet", d.UserSubnet(1), "--subnet", subnet,
            "-o", "com.docker.network.bridge.name=" + bridge, "v6r")).ExitCode);
        Assert.Equal(0, (await d.DockerAsync("run", "-d", "--name", "r1", "--network", "v6r", "busybox", "sleep", "1d")).ExitCode);
        Assert.Equal(0, (await d.DockerAsync("run", "-d", "--name", "r2", "--network", "v6r", "busybox", "sleep", "1d")).ExitCode);
        await d.StopAsync(kill: true);
        // Someone removes the bridge's IPv6 address while the daemon is down: the start puts it back.
        await ProcessRunner.RunAsync("ip", ["-6", "addr", "del", prefix + "::1/64", "dev", bridge]);
        await d.StartAsync();
        Assert.Contains($"inet6 {prefix}::1/64", (await ProcessRunner.RunAsync("ip", ["-6", "addr", "show", "dev", bridge])).Stdout);
        Assert.Equal(prefix + "::3", (await d.DockerAsync("inspect", "-f", "{{.NetworkSettings.Networks.v6r.GlobalIPv6Address}}", "r2")).Stdout.Trim());
        var ping = await d.DockerAsync("exec", "r1", "ping", "-6", "-c", "1", "-W", "3", "r2");
        Assert.True(ping.ExitCode == 0, ping.ToString());
        Assert.Contains(prefix + "::3", ping.Stdout);
        Assert.Equal(0, (await d.DockerAsync("rm", "-f", "r1", "r2")).ExitCode);
        Assert.Equal(0, (await d.DockerAsync("network", "rm", "v6r")).ExitCode);
        Assert.DoesNotContain(prefix, (await ProcessRunner.RunAsync("ip", ["-6", "route"])).Stdout);
    }

    [Theory]
    [InlineData("2001:db8::/64", "only unique local IPv6 subnets (inside fd00::/8) are supported")]
    [InlineData("fd00:zz::/64", "expected an IPv6 CIDR")]
    [InlineData("fd00:1::5/64", "it has host bits set")]
    public async Task Bad_ipv6_subnets_are_refused_with_one_line(string subnet, string message)
    {
        var r = await D.DockerAsync("network", "create", "--ipv6", "--subnet", subnet, "badv6");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains(message, r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.NotEqual(0, (await D.DockerAsync("network", "inspect", "badv6")).ExitCode);
    }

    [Fact]
    public async Task Overlapping_ipv6_subnets_and_addresses_outside_the_subnet_are_refused()
    {
        var subnet = Subnet6(3);
        await OkAsync("network", "create", "--ipv6", "--subnet", D.UserSubnet(9), "--subnet", subnet, "v6a");
        try
        {
            var overlap = await D.DockerAsync("network", "create", "--ipv6", "--subnet", Prefix(subnet) + ":0:1::/80", "v6b");
            Assert.Equal(1, overlap.ExitCode);
            Assert.Contains("overlaps", overlap.Stderr);
            Assert.Single(overlap.Stderr.Trim().Split('\n'));

            var outside = await D.DockerAsync("run", "--rm", "--network", "v6a", "--ip6", "fd99::5", "busybox", "true");
            Assert.Equal(125, outside.ExitCode);
            Assert.Single(outside.Stderr.Split('\n'), l => l.Contains("no configured subnet or ip-range contain the IP address fd99::5", StringComparison.Ordinal));
            Assert.Equal("", (await OkAsync("ps", "-aq")).Stdout.Trim());
        }
        finally
        {
            await D.DockerAsync("network", "rm", "v6a");
            await D.DockerAsync("network", "rm", "v6b");
        }
    }
}
