using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>The default bridge network through the real docker CLI: addresses, reachability, inspect, ps, teardown.</summary>
public sealed class DockerCliBridgeTests(DaemonFixture fx) : IClassFixture<DaemonFixture>
{
    private WharfDaemon D => fx.Daemon;

    private async Task<string> RunDetachedAsync(params string[] args)
    {
        var r = await D.DockerAsync(["run", "-d", .. args], null);
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.Stdout.Trim();
    }

    private async Task<string> InspectAsync(string name, string format) =>
        (await D.DockerAsync("inspect", "-f", format, name)).Stdout.Trim();

    [Fact]
    public async Task Two_containers_on_the_default_bridge_ping_each_other_by_address()
    {
        await RunDetachedAsync("--name", "ping-a", "busybox", "sleep", "1d");
        await RunDetachedAsync("--name", "ping-b", "busybox", "sleep", "1d");
        var a = await InspectAsync("ping-a", "{{.NetworkSettings.IPAddress}}");
        var b = await InspectAsync("ping-b", "{{.NetworkSettings.IPAddress}}");
        Assert.StartsWith(D.SubnetPrefix, a);
        Assert.StartsWith(D.SubnetPrefix, b);
        Assert.NotEqual(a, b);
        var ab = await D.DockerAsync("exec", "ping-a", "ping", "-c", "2", "-W", "2", b);
        Assert.True(ab.ExitCode == 0, ab.ToString());
        Assert.Contains("2 packets received", ab.Stdout);
        var ba = await D.DockerAsync("exec", "ping-b", "ping", "-c", "1", "-W", "2", a);
        Assert.True(ba.ExitCode == 0, ba.ToString());
        // The gateway is the bridge's address on the host.
        var gw = await D.DockerAsync("exec", "ping-a", "ping", "-c", "1", "-W", "2", D.SubnetPrefix + "1");
        Assert.True(gw.ExitCode == 0, gw.ToString());
        await D.DockerAsync("rm", "-f", "ping-a", "ping-b");
    }

    [Fact]
    public async Task Inspect_ps_and_the_container_see_the_same_address()
    {
        await RunDetachedAsync("--name", "seen", "--hostname", "seenhost", "busybox", "sleep", "1d");
        var ip = await InspectAsync("seen", "{{.NetworkSettings.IPAddress}}");
        var bytes = ip.Split('.').Select(byte.Parse).ToArray();
        Assert.Equal($"{ip} {D.SubnetPrefix}1 24 02:42:{string.Join(':', bytes.Select(x => x.ToString("x2")))}",
            await InspectAsync("seen", "{{.NetworkSettings.IPAddress}} {{.NetworkSettings.Gateway}} {{.NetworkSettings.IPPrefixLen}} {{.NetworkSettings.MacAddress}}"));
        Assert.Equal(await InspectAsync("seen", "{{.NetworkSettings.IPAddress}} {{.NetworkSettings.Gateway}} {{.NetworkSettings.IPPrefixLen}} {{.NetworkSettings.MacAddress}}"),
            await InspectAsync("seen", "{{with .NetworkSettings.Networks.bridge}}{{.IPAddress}} {{.Gateway}} {{.IPPrefixLen}} {{.MacAddress}}{{end}}"));
        Assert.Matches("^[0-9a-f]{64}$", await InspectAsync("seen", "{{.NetworkSettings.Networks.bridge.NetworkID}}"));
        Assert.Equal("bridge", (await D.DockerAsync("ps", "--filter", "name=seen", "--format", "{{.Networks}}")).Stdout.Trim());

        var inside = await D.DockerAsync("exec", "seen", "ip", "-o", "-4", "addr", "show", "eth0");
        Assert.Contains($"inet {ip}/24", inside.Stdout);
        var link = await D.DockerAsync("exec", "seen", "cat", "/sys/class/net/eth0/address");
        Assert.Equal(await InspectAsync("seen", "{{.NetworkSettings.MacAddress}}"), link.Stdout.Trim());
        var route = await D.DockerAsync("exec", "seen", "ip", "route");
        Assert.Contains($"default via {D.SubnetPrefix}1 dev eth0", route.Stdout);
        var lo = await D.DockerAsync("exec", "seen", "ping", "-c", "1", "-W", "1", "127.0.0.1");
        Assert.Equal(0, lo.ExitCode);
        var hosts = await D.DockerAsync("exec", "seen", "cat", "/etc/hosts");
        Assert.EndsWith($"{ip}\tseenhost\n", hosts.Stdout);

        // Stopped: no address any more, still on the bridge network.
        Assert.Equal(0, (await D.DockerAsync("stop", "-t", "0", "seen")).ExitCode);
        Assert.Equal("| bridge", await InspectAsync("seen", "{{.NetworkSettings.IPAddress}}| {{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}"));
        Assert.Empty(Directory.GetFiles(Path.Combine(D.ExecRoot, "netns")));
        Assert.Empty(await Cleanup.LinksOnAsync(D.Bridge));
        // Started again: an address again (the lowest free one).
        Assert.Equal(0, (await D.DockerAsync("start", "seen")).ExitCode);
        Assert.Equal(ip, await InspectAsync("seen", "{{.NetworkSettings.IPAddress}}"));
        await D.DockerAsync("rm", "-f", "seen");
        Assert.Empty(await Cleanup.LinksOnAsync(D.Bridge));
    }

    [Fact]
    public async Task A_created_container_is_on_the_bridge_without_an_address()
    {
        Assert.Equal(0, (await D.DockerAsync("create", "--name", "fresh", "busybox", "true")).ExitCode);
        Assert.Equal("bridge:", await InspectAsync("fresh", "{{range $k, $v := .NetworkSettings.Networks}}{{$k}}:{{$v.IPAddress}}{{end}}"));
        await D.DockerAsync("rm", "fresh");
    }

    [Fact]
    public async Task Network_none_has_only_lo_and_leaves_no_endpoint()
    {
        var r = await D.DockerAsync("run", "--rm", "--network", "none", "busybox", "ls", "/sys/class/net");
        Assert.Equal("lo", r.Stdout.Trim());
        var bridged = await D.DockerAsync("run", "--rm", "busybox", "ls", "/sys/class/net");
        Assert.Equal("eth0\nlo", bridged.Stdout.Trim());
    }
}
