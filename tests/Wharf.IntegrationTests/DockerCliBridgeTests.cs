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
    public async Task Mac_address_is_honoured_and_a_fixed_ip_or_alias_on_the_default_bridge_refused()
    {
        var r = await D.DockerAsync("run", "--rm", "--mac-address", "02:42:AC:11:00:99", "busybox", "cat", "/sys/class/net/eth0/address");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("02:42:ac:11:00:99", r.Stdout.Trim());
        Assert.Equal(0, (await D.DockerAsync("create", "--name", "macd", "--mac-address", "02:42:ac:11:00:98", "busybox", "true")).ExitCode);
        Assert.Equal("02:42:ac:11:00:98", await InspectAsync("macd", "{{.NetworkSettings.Networks.bridge.MacAddress}}"));
        await D.DockerAsync("rm", "macd");

        var ip = await D.DockerAsync("run", "--rm", "--ip", D.SubnetPrefix + "50", "busybox", "true");
        Assert.Equal(125, ip.ExitCode);
        Assert.Contains("user specified IP address is supported on user defined networks only", ip.Stderr);
        // The docker CLI refuses an alias on the default network itself; the API answers 400 as Docker does.
        using var http = D.CreateHttpClient();
        var alias = await http.PostAsync("/v1.47/containers/create", new StringContent(
            "{\"Image\":\"busybox\",\"NetworkingConfig\":{\"EndpointsConfig\":{\"bridge\":{\"Aliases\":[\"web\"]}}}}",
            System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, alias.StatusCode);
        Assert.Contains("network-scoped alias is supported only for containers in user defined networks", await alias.Content.ReadAsStringAsync());
        var mac = await D.DockerAsync("run", "--rm", "--mac-address", "01:00:5e:00:00:01", "busybox", "true");
        Assert.NotEqual(0, mac.ExitCode);
        Assert.Equal("", (await D.DockerAsync("ps", "-aq")).Stdout.Trim());
    }

    [Fact]
    public async Task A_restarting_container_gets_a_fresh_endpoint_each_time()
    {
        await RunDetachedAsync("--name", "flappy", "--restart", "on-failure:3", "busybox", "sh", "-c", "sleep 0.3; exit 1");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await InspectAsync("flappy", "{{.RestartCount}} {{.State.Status}}")) != "3 exited" && DateTime.UtcNow < deadline)
            await Task.Delay(200);
        Assert.Equal("3 exited", await InspectAsync("flappy", "{{.RestartCount}} {{.State.Status}}"));
        // The state says exited while the exit is still being recorded: give the teardown a moment.
        for (var i = 0; i < 50 && Directory.GetFiles(Path.Combine(D.ExecRoot, "netns")).Length > 0; i++) await Task.Delay(100);
        Assert.Empty(Directory.GetFiles(Path.Combine(D.ExecRoot, "netns")));
        Assert.Empty(await Cleanup.LinksOnAsync(D.Bridge));
        await D.DockerAsync("rm", "flappy");
    }

    [Fact]
    public async Task A_container_in_its_restart_back_off_reads_restarting_and_a_stop_cancels_the_restart()
    {
        await RunDetachedAsync("--name", "crashy", "--restart", "always", "busybox", "false");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        string seen = "";
        while (DateTime.UtcNow < deadline && (seen = await InspectAsync("crashy", "{{.State.Status}} {{.State.Restarting}}")) != "restarting true")
            await Task.Delay(50);
        Assert.Equal("restarting true", seen);
        var ps = await D.DockerAsync("ps", "-a", "--filter", "name=crashy", "--filter", "status=restarting", "--format", "{{.Status}}");
        Assert.StartsWith("Restarting (1)", ps.Stdout.Trim());
        var stop = await D.DockerAsync("stop", "crashy");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        await Task.Delay(3000);
        var after = await InspectAsync("crashy", "{{.State.Status}} {{.State.Restarting}} {{.State.Running}}");
        Assert.Equal("exited false false", after);
        await D.DockerAsync("rm", "-f", "crashy");
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
