using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>Publishing container ports (`-p`, `-P`, `docker port`) through the real docker CLI; traffic only to 127.0.0.0/8.</summary>
public sealed class DockerCliPortTests(DaemonFixture fx) : IClassFixture<DaemonFixture>
{
    private WharfDaemon D => fx.Daemon;

    private static string[] Httpd(string body) =>
        ["busybox", "sh", "-c", $"mkdir -p /www && echo {body} > /www/index.html && exec httpd -f -p 80 -h /www"];

    private async Task<string> RunDetachedAsync(params string[] args)
    {
        var r = await D.DockerAsync(["run", "-d", .. args], null);
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.Stdout.Trim();
    }

    [Fact]
    public async Task Httpd_published_on_two_loopback_addresses_answers_on_both()
    {
        var port = TestPorts.Free();
        await RunDetachedAsync(["--name", "web2", "-p", $"127.0.0.2:{port}:80", "-p", $"127.0.0.3:{port}:80", .. Httpd("hello-web2")]);
        Assert.Equal("hello-web2\n", await TestPorts.CurlAsync($"http://127.0.0.2:{port}/"));
        Assert.Equal("hello-web2\n", await TestPorts.CurlAsync($"http://127.0.0.3:{port}/"));
        // Published on those two addresses only.
        Assert.Null(await TestPorts.CurlAsync($"http://127.0.0.4:{port}/", TimeSpan.Zero));

        var ports = (await D.DockerAsync("port", "web2")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([$"80/tcp -> 127.0.0.2:{port}", $"80/tcp -> 127.0.0.3:{port}"], ports.Order());
        var inspect = (await D.DockerAsync("inspect", "-f", "{{json .NetworkSettings.Ports}}", "web2")).Stdout.Trim();
        Assert.Equal($"{{\"80/tcp\":[{{\"HostIp\":\"127.0.0.2\",\"HostPort\":\"{port}\"}},{{\"HostIp\":\"127.0.0.3\",\"HostPort\":\"{port}\"}}]}}", inspect);
        var ps = (await D.DockerAsync("ps", "--filter", "name=web2", "--format", "{{.Ports}}")).Stdout.Trim();
        Assert.Contains($"127.0.0.2:{port}->80/tcp", ps);

        Assert.Equal(0, (await D.DockerAsync("rm", "-f", "web2")).ExitCode);
        Assert.Null(await TestPorts.CurlAsync($"http://127.0.0.2:{port}/", TimeSpan.Zero));
        Assert.DoesNotContain($"{port}", await NftAsync());
    }

    [Fact]
    public async Task A_port_published_on_every_address_answers_on_the_ipv6_loopback_too()
    {
        var port = TestPorts.Free();
        await RunDetachedAsync("--name", "web6", "-p", $"{port}:80", "busybox", "sh", "-c",
            "mkdir -p /www && echo hello-web6 > /www/index.html && head -c 3000000 /dev/zero > /www/big.bin && exec httpd -f -p 80 -h /www");
        Assert.Equal("hello-web6\n", await TestPorts.CurlAsync($"http://127.0.0.1:{port}/"));
        Assert.Equal("hello-web6\n", await TestPorts.CurlAsync($"http://[::1]:{port}/"));
        // A large answer crosses the relay whole, then the connection closes cleanly.
        var big = await ProcessRunner.RunAsync("curl", ["-sf", "--noproxy", "*", "-o", "/dev/null", "-w", "%{http_code} %{size_download}",
            $"http://[::1]:{port}/big.bin"]);
        Assert.Equal("200 3000000", big.Stdout.Trim());
        Assert.Equal(0, (await D.DockerAsync("rm", "-f", "web6")).ExitCode);
        Assert.Null(await TestPorts.CurlAsync($"http://[::1]:{port}/", TimeSpan.Zero));
    }

    [Fact]
    public async Task A_port_without_host_port_gets_a_free_one_shown_by_docker_port()
    {
        await RunDetachedAsync(["--name", "rand", "-p", "80", .. Httpd("hello-rand")]);
        var line = (await D.DockerAsync("port", "rand", "80")).Stdout.Trim();
        Assert.Matches(@"^0\.0\.0\.0:\d+$", line);
        var port = int.Parse(line.Split(':')[1]);
        var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split('\t', ' ').Select(int.Parse).ToArray();
        Assert.InRange(port, range[0], range[1]);
        // Published on every address: the host's own loopback reaches it.
        Assert.Equal("hello-rand\n", await TestPorts.CurlAsync($"http://127.0.0.1:{port}/"));
        // The Engine API's view, as docker port reads it.
        using var http = D.CreateHttpClient();
        var doc = JsonDocument.Parse(await http.GetStringAsync("/v1.47/containers/rand/json"));
        var binding = doc.RootElement.GetProperty("NetworkSettings").GetProperty("Ports").GetProperty("80/tcp")[0];
        Assert.Equal(port.ToString(), binding.GetProperty("HostPort").GetString());
        var list = JsonDocument.Parse(await http.GetStringAsync("/v1.47/containers/json?filters=%7B%22name%22%3A%5B%22rand%22%5D%7D"));
        var summary = list.RootElement[0].GetProperty("Ports")[0];
        Assert.Equal(port, summary.GetProperty("PublicPort").GetInt32());
        Assert.Equal(80, summary.GetProperty("PrivatePort").GetInt32());
        await D.DockerAsync("rm", "-f", "rand");
    }

    [Fact]
    public async Task Publish_all_publishes_every_exposed_port()
    {
        await RunDetachedAsync(["--name", "pall", "--expose", "80", "--expose", "7000/udp", "-P", .. Httpd("hello-pall")]);
        var ports = (await D.DockerAsync("port", "pall")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, ports.Length);
        var tcp = Assert.Single(ports, p => p.StartsWith("80/tcp -> 0.0.0.0:", StringComparison.Ordinal));
        Assert.Single(ports, p => p.StartsWith("7000/udp -> 0.0.0.0:", StringComparison.Ordinal));
        Assert.Equal("hello-pall\n", await TestPorts.CurlAsync($"http://127.0.0.1:{tcp.Split(':')[1]}/"));
        await D.DockerAsync("rm", "-f", "pall");
    }

    [Fact]
    public async Task Ranges_map_port_by_port()
    {
        var first = TestPorts.Free();
        while (!TestPorts.IsFreeRange(first, 2)) first = TestPorts.Free();
        await RunDetachedAsync("--name", "ranged", "-p", $"127.0.0.2:{first}-{first + 1}:80-81", "busybox", "sh", "-c",
            "mkdir -p /a /b && echo A > /a/index.html && echo B > /b/index.html && httpd -p 80 -h /a && exec httpd -f -p 81 -h /b");
        Assert.Equal("A\n", await TestPorts.CurlAsync($"http://127.0.0.2:{first}/"));
        Assert.Equal("B\n", await TestPorts.CurlAsync($"http://127.0.0.2:{first + 1}/"));
        await D.DockerAsync("rm", "-f", "ranged");
    }

    [Fact]
    public async Task Udp_ports_are_forwarded()
    {
        var port = TestPorts.Free();
        await RunDetachedAsync("--name", "udp", "-p", $"127.0.0.2:{port}:9999/udp", "busybox", "sleep", "1d");
        // This busybox has no UDP server: a datagram to a closed port counts in the container's own
        // Udp NoPorts counter, which proves it arrived in the container's namespace.
        Assert.Equal(0, await UdpNoPortsAsync("udp"));
        using var udp = new UdpClient();
        await udp.SendAsync(Encoding.ASCII.GetBytes("ping-udp\n"), new IPEndPoint(IPAddress.Parse("127.0.0.2"), port));
        for (var i = 0; i < 50 && await UdpNoPortsAsync("udp") == 0; i++) await Task.Delay(50);
        Assert.Equal(1, await UdpNoPortsAsync("udp"));
        await D.DockerAsync("rm", "-f", "udp");
    }

    private async Task<int> UdpNoPortsAsync(string container)
    {
        var lines = (await D.DockerAsync("exec", container, "grep", "^Udp:", "/proc/net/snmp")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var names = lines[0].Split(' ');
        return int.Parse(lines[1].Split(' ')[Array.IndexOf(names, "NoPorts")]);
    }

    [Fact]
    public async Task A_published_port_cannot_be_published_twice()
    {
        var port = TestPorts.Free();
        await RunDetachedAsync(["--name", "first", "-p", $"{port}:80", .. Httpd("first")]);
        var netnsBefore = Directory.GetFiles(Path.Combine(D.ExecRoot, "netns")).Length;
        var linksBefore = (await Cleanup.LinksOnAsync(D.Bridge)).Count;

        var r = await D.DockerAsync("run", "-d", "--name", "second", "-p", $"127.0.0.2:{port}:80", "busybox", "sleep", "1d");
        Assert.Equal(125, r.ExitCode);
        Assert.Contains($"Bind for 127.0.0.2:{port} failed: port is already allocated", r.Stderr);
        Assert.Equal(1, r.Stderr.Trim().Split('\n').Count(l => l.Contains("port is already allocated")));
        Assert.Equal("created", (await D.DockerAsync("inspect", "-f", "{{.State.Status}}", "second")).Stdout.Trim());
        // Nothing of the failed start is left, and the first one still answers.
        Assert.Equal(netnsBefore, Directory.GetFiles(Path.Combine(D.ExecRoot, "netns")).Length);
        Assert.Equal(linksBefore, (await Cleanup.LinksOnAsync(D.Bridge)).Count);
        Assert.Equal("first\n", await TestPorts.CurlAsync($"http://127.0.0.2:{port}/"));
        // Through the API: Docker's 500 with the message.
        using var http = D.CreateHttpClient();
        var start = await http.PostAsync("/v1.47/containers/second/start", null);
        Assert.Equal(HttpStatusCode.InternalServerError, start.StatusCode);
        Assert.Contains("port is already allocated", await start.Content.ReadAsStringAsync());

        // Once the first is gone the port is free again.
        await D.DockerAsync("rm", "-f", "first");
        Assert.Equal(0, (await D.DockerAsync("start", "second")).ExitCode);
        await D.DockerAsync("rm", "-f", "second");
    }

    [Fact]
    public async Task Containers_reach_a_published_port_through_the_host_address()
    {
        var port = TestPorts.Free();
        await RunDetachedAsync(["--name", "hairpin", "-p", $"{port}:80", .. Httpd("hello-hairpin")]);
        Assert.Equal("hello-hairpin\n", await TestPorts.CurlAsync($"http://127.0.0.1:{port}/"));
        var gateway = D.SubnetPrefix + "1";
        // Another container, and the publishing container itself, through the bridge's (host) address.
        var other = await D.DockerAsync("run", "--rm", "busybox", "sh", "-c", $"printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 {gateway} {port}");
        Assert.Contains("hello-hairpin", other.Stdout);
        var self = await D.DockerAsync("exec", "hairpin", "sh", "-c", $"printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 {gateway} {port}");
        Assert.Contains("hello-hairpin", self.Stdout);
        await D.DockerAsync("rm", "-f", "hairpin");
    }

    [Fact]
    public async Task A_start_that_fails_after_the_network_is_up_leaves_nothing_and_frees_the_port()
    {
        var port = TestPorts.Free();
        var r = await D.DockerAsync("run", "--name", "nocmd", "-p", $"127.0.0.2:{port}:80", "busybox", "nosuchcommand");
        Assert.Equal(127, r.ExitCode);
        Assert.Empty(Directory.GetFiles(Path.Combine(D.ExecRoot, "netns")));
        Assert.Empty(await Cleanup.LinksOnAsync(D.Bridge));
        Assert.DoesNotContain($"{port}", await NftAsync());
        using (var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
            s.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), port));
        Assert.Equal("", await InspectIpAsync("nocmd"));
        await D.DockerAsync("rm", "nocmd");
    }

    private async Task<string> InspectIpAsync(string name) =>
        (await D.DockerAsync("inspect", "-f", "{{.NetworkSettings.IPAddress}}", name)).Stdout.Trim();

    [Fact]
    public async Task A_port_another_program_listens_on_is_refused()
    {
        var port = TestPorts.Free();
        using var listener = new TcpListener(IPAddress.Parse("127.0.0.2"), port);
        listener.Start();
        var r = await D.DockerAsync("run", "--rm", "-p", $"127.0.0.2:{port}:80", "busybox", "true");
        Assert.Equal(125, r.ExitCode);
        Assert.Contains($"failed to bind host port for 127.0.0.2:{port}:{D.SubnetPrefix}", r.Stderr);
        Assert.Contains("address already in use", r.Stderr);
    }

    [Fact]
    public async Task Published_ports_are_held_against_other_programs()
    {
        var port = TestPorts.Free();
        await RunDetachedAsync("--name", "holder", "-p", $"{port}:80", "busybox", "sleep", "1d");
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var e = Assert.Throws<SocketException>(() => s.Bind(new IPEndPoint(IPAddress.Loopback, port)));
        Assert.Equal(SocketError.AddressAlreadyInUse, e.SocketErrorCode);
        await D.DockerAsync("rm", "-f", "holder");
        using var again = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        again.Bind(new IPEndPoint(IPAddress.Loopback, port));
    }

    [Theory]
    [InlineData("{\"80/tcp\":[{\"HostPort\":\"http\"}]}", "invalid port specification: \"http\"")]
    [InlineData("{\"eighty/tcp\":[{\"HostPort\":\"8080\"}]}", "invalid port specification: \"eighty\"")]
    [InlineData("{\"80/tcp\":[{\"HostIp\":\"not-an-ip\",\"HostPort\":\"8080\"}]}", "invalid IP address in port binding: \"not-an-ip\"")]
    [InlineData("{\"80/tcp\":[{\"HostPort\":\"9000-8000\"}]}", "invalid port specification: \"9000-8000\"")]
    public async Task Malformed_port_bindings_are_refused_at_create_with_400(string bindings, string message)
    {
        using var http = D.CreateHttpClient();
        var body = $"{{\"Image\":\"busybox\",\"Cmd\":[\"true\"],\"HostConfig\":{{\"PortBindings\":{bindings}}}}}";
        var before = (await D.DockerAsync("ps", "-aq")).Stdout;
        var r = await http.PostAsync("/v1.47/containers/create", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal(message, JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString());
        Assert.Equal(before, (await D.DockerAsync("ps", "-aq")).Stdout);
    }

    [Fact]
    public async Task Malformed_p_flag_is_one_error_line_and_exit_125()
    {
        var r = await D.DockerAsync("run", "--rm", "-p", "127.0.0.1:notaport:80", "busybox", "true");
        Assert.Equal(125, r.ExitCode);
        Assert.Contains("notaport", r.Stderr);
        Assert.Equal("", (await D.DockerAsync("ps", "-aq")).Stdout.Trim());
    }

    private async Task<string> NftAsync() => (await ProcessRunner.RunAsync("nft", ["list", "table", "ip", D.NftTable])).Stdout;
}
