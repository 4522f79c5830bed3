using System.Text;
using System.Text.Json;
using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>Networking state across many containers and across a daemon crash: nothing leaks, what runs keeps working.</summary>
public sealed class NetworkLifecycleTests
{
    [Fact]
    public async Task Two_hundred_run_rm_cycles_with_published_ports_leave_nothing_behind()
    {
        await using var d = await WharfDaemon.StartNewAsync();
        using var http = d.CreateHttpClient();
        var baseline = await HostStateAsync(d);
        var port = TestPorts.Free();

        await Parallel.ForEachAsync(Enumerable.Range(1, 200), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            // A fixed port for one in four cycles (only one at a time can hold it), random ports for the rest.
            var fixedPort = i % 4 == 0;
            var bindings = fixedPort ? $"{{\"80/tcp\":[{{\"HostIp\":\"127.0.0.2\",\"HostPort\":\"{port}\"}}]}}"
                : "{\"80/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"\"}],\"53/udp\":[{}]}";
            var body = $"{{\"Image\":\"busybox\",\"Cmd\":[\"{(i % 2 == 1 ? "true" : "sleep")}\"{(i % 2 == 1 ? "" : ",\"1d\"")}],\"HostConfig\":{{\"PortBindings\":{bindings}}}}}";
            var create = await http.PostAsync("/v1.47/containers/create", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.True(create.IsSuccessStatusCode, await create.Content.ReadAsStringAsync());
            var id = JsonDocument.Parse(await create.Content.ReadAsStringAsync()).RootElement.GetProperty("Id").GetString();
            for (var attempt = 0; ; attempt++)
            {
                var start = await http.PostAsync($"/v1.47/containers/{id}/start", null);
                if (start.IsSuccessStatusCode) break;
                var error = await start.Content.ReadAsStringAsync();
                // The fixed port is still held by the previous fixed-port cycle: it is being removed. Under a
                // loaded parallel suite the bind has also been seen to fail with EADDRINUSE for a moment after
                // that (being looked into); a retry then succeeds, and the end state is checked below.
                Assert.True(fixedPort && (error.Contains("port is already allocated") || error.Contains("address already in use")) && attempt < 200, error);
                await Task.Delay(50);
            }
            if (i % 2 == 1) await http.PostAsync($"/v1.47/containers/{id}/wait", null);
            var rm = await http.DeleteAsync($"/v1.47/containers/{id}?force=1");
            Assert.True(rm.IsSuccessStatusCode, await rm.Content.ReadAsStringAsync());
        });

        Assert.Equal("", (await d.DockerAsync("ps", "-aq")).Stdout.Trim());
        Assert.Equal(baseline, await HostStateAsync(d));
        Assert.Empty(Directory.GetFiles(Path.Combine(d.ExecRoot, "netns")));
        Assert.Empty(await Cleanup.LinksOnAsync(d.Bridge));
    }

    [Fact]
    public async Task Kill_9_and_restart_keeps_published_ports_of_running_containers_and_drops_the_rest()
    {
        await using var d = await WharfDaemon.StartNewAsync();
        var keep = TestPorts.Free();
        var drop = TestPorts.Free();
        Assert.Equal(0, (await d.DockerAsync("run", "-d", "--name", "kept", "-p", $"127.0.0.2:{keep}:80", "busybox", "sh", "-c",
            "mkdir -p /www && echo kept > /www/index.html && exec httpd -f -p 80 -h /www")).ExitCode);
        var droppedId = (await d.DockerAsync("run", "-d", "--name", "dropped", "-p", $"127.0.0.2:{drop}:80", "busybox", "sh", "-c",
            "mkdir -p /www && echo dropped > /www/index.html && exec httpd -f -p 80 -h /www")).Stdout.Trim();
        Assert.Equal("kept\n", await TestPorts.CurlAsync($"http://127.0.0.2:{keep}/"));
        Assert.Equal("dropped\n", await TestPorts.CurlAsync($"http://127.0.0.2:{drop}/"));
        // Two containers on a user-defined network, finding each other through the embedded DNS.
        Assert.Equal(0, (await d.DockerAsync("network", "create", "--subnet", d.UserSubnet(1), "survivors")).ExitCode);
        Assert.Equal(0, (await d.DockerAsync("run", "-d", "--name", "named", "--network", "survivors", "busybox", "sleep", "1d")).ExitCode);
        Assert.Equal(0, (await d.DockerAsync("run", "-d", "--name", "asker", "--network", "survivors", "busybox", "sleep", "1d")).ExitCode);
        var named = (await d.DockerAsync("inspect", "-f", "{{.NetworkSettings.Networks.survivors.IPAddress}}", "named")).Stdout.Trim();
        Assert.Contains($"Address: {named}", (await d.DockerAsync("exec", "asker", "nslookup", "named")).Stdout);

        await d.StopAsync(kill: true);
        // While the daemon is down: one container dies, and traffic to the other still flows.
        var kill = await ProcessRunner.RunAsync("runc", ["--root", Path.Combine(d.Root, "runc"), "kill", droppedId, "KILL"]);
        Assert.True(kill.ExitCode == 0, kill.ToString());
        Assert.Equal("kept\n", await TestPorts.CurlAsync($"http://127.0.0.2:{keep}/"));
        await Task.Delay(500);
        await d.StartAsync();

        Assert.Contains("network: 3 endpoints kept, 0 removed", d.Log);
        // A new DNS server answers in the containers' namespaces.
        Assert.Contains($"Address: {named}", (await d.DockerAsync("exec", "asker", "nslookup", "named")).Stdout);
        Assert.Equal("kept\n", await TestPorts.CurlAsync($"http://127.0.0.2:{keep}/"));
        Assert.Null(await TestPorts.CurlAsync($"http://127.0.0.2:{drop}/", TimeSpan.Zero));
        var nft = (await ProcessRunner.RunAsync("nft", ["list", "table", "ip", d.NftTable])).Stdout;
        Assert.Contains($"{keep}", nft);
        Assert.DoesNotContain($"{drop}", nft);
        Assert.Equal(3, Directory.GetFiles(Path.Combine(d.ExecRoot, "netns")).Length);
        Assert.Single(await Cleanup.LinksOnAsync(d.Bridge));
        Assert.Equal("", (await d.DockerAsync("inspect", "-f", "{{.NetworkSettings.IPAddress}}", "dropped")).Stdout.Trim());
        // The kept container's port is held again: a second publication is refused.
        var again = await d.DockerAsync("run", "--rm", "-p", $"127.0.0.2:{keep}:80", "busybox", "true");
        Assert.Contains("port is already allocated", again.Stderr);
        // The dropped one starts again with its port.
        Assert.Equal(0, (await d.DockerAsync("start", "dropped")).ExitCode);
        Assert.Equal("dropped\n", await TestPorts.CurlAsync($"http://127.0.0.2:{drop}/"));
    }

    [Fact]
    public async Task A_malformed_bip_stops_the_daemon_with_one_line_and_makes_no_bridge()
    {
        await using var d = new WharfDaemon();
        d.ExtraArgs.AddRange(["--bip", "10.1.2.3"]);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(d.StartAsync);
        Assert.Contains("wharfd exited with 1", e.Message);
        Assert.Contains("invalid bip 10.1.2.3: expected an IPv4 address with a prefix length", e.Message);
        Assert.Equal(1, (await ProcessRunner.RunAsync("ip", ["link", "show", d.Bridge])).ExitCode);
    }

    [Fact]
    public async Task Bip_from_daemon_json()
    {
        await using var d = new WharfDaemon { PassBip = false };
        File.WriteAllText(d.ConfigFile, $"{{\"bip\": \"{d.SubnetPrefix}1/24\"}}");
        await d.StartAsync();
        await d.ImportBusyboxAsync();
        var r = await d.DockerAsync("run", "--rm", "busybox", "ip", "-o", "-4", "addr", "show", "eth0");
        Assert.Contains($"inet {d.SubnetPrefix}2/24", r.Stdout);
    }

    [Fact]
    public async Task A_subnet_already_routed_on_the_host_is_skipped_and_said()
    {
        // An address pool of two /25s whose first one is routed through another interface, as an
        // installed Docker's docker0 would route 172.17.0.0/16.
        await using var d = new WharfDaemon { PassBip = false };
        var pool = d.SubnetPrefix + "0/24";
        File.WriteAllText(d.ConfigFile, $"{{\"default-address-pools\": [{{\"base\": \"{pool}\", \"size\": 25}}]}}");
        var other = "wd" + d.Id;
        Assert.Equal(0, (await ProcessRunner.RunAsync("ip", ["link", "add", other, "type", "veth", "peer", "name", "wp" + d.Id])).ExitCode);
        try
        {
            Assert.Equal(0, (await ProcessRunner.RunAsync("ip", ["addr", "add", d.SubnetPrefix + "1/25", "dev", other])).ExitCode);
            Assert.Equal(0, (await ProcessRunner.RunAsync("ip", ["link", "set", other, "up"])).ExitCode);
            await d.StartAsync();
            var notice = $"default bridge subnet {d.SubnetPrefix}0/25 is already routed on this host (another engine or network owns it); using {d.SubnetPrefix}128/25";
            Assert.Contains(notice, d.Log);
            Assert.Contains(notice, (await d.DockerAsync("info", "--format", "{{json .Warnings}}")).Stdout);
            await d.ImportBusyboxAsync();
            var r = await d.DockerAsync("run", "--rm", "busybox", "ip", "-o", "-4", "addr", "show", "eth0");
            Assert.Contains($"inet {d.SubnetPrefix}130/25", r.Stdout);
        }
        finally
        {
            await ProcessRunner.RunAsync("ip", ["link", "del", other]);
        }
    }

    /// <summary>What networking leaves on the host for this daemon: the bridge's addresses, links on it, the forwards in its table.</summary>
    private static async Task<string> HostStateAsync(WharfDaemon d)
    {
        var addresses = (await ProcessRunner.RunAsync("ip", ["-o", "-4", "addr", "show", "dev", d.Bridge])).Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3]);
        var links = await Cleanup.LinksOnAsync(d.Bridge);
        var maps = (await ProcessRunner.RunAsync("nft", ["list", "table", "ip", d.NftTable])).Stdout
            .Split('\n').Where(l => l.Contains(" : ", StringComparison.Ordinal));
        return $"addresses: {string.Join(',', addresses)}; links: {string.Join(',', links)}; forwards: {string.Join(',', maps)}";
    }
}
