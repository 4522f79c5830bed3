using System.Net;
using System.Text;
using System.Text.Json;
using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>A daemon whose containers' DNS forwards to a fake upstream on 127.0.0.0/8.</summary>
public sealed class DnsDaemonFixture : IAsyncLifetime
{
    public FakeDns Upstream { get; } = FakeDns.Start(new() { ["upstream.test"] = "10.9.9.9" });
    public WharfDaemon Daemon { get; private set; } = null!;

    public async Task InitializeAsync() => Daemon = await WharfDaemon.StartNewAsync(true, "--dns", Upstream.Address.ToString());

    public async Task DisposeAsync()
    {
        await Daemon.DisposeAsync();
        Upstream.Dispose();
    }
}

/// <summary>User-defined networks through the real docker CLI: create/ls/inspect/rm/prune, names, connect/disconnect, isolation.</summary>
public sealed class DockerCliNetworkTests(DnsDaemonFixture fx) : IClassFixture<DnsDaemonFixture>
{
    private WharfDaemon D => fx.Daemon;

    private async Task<ProcessResult> OkAsync(params string[] args)
    {
        var r = await D.DockerAsync(args);
        Assert.True(r.ExitCode == 0, $"docker {string.Join(' ', args)}: {r}");
        return r;
    }

    /// <summary>busybox nslookup's answer: the addresses after the "Name:" line, or "" for none.</summary>
    private async Task<string> LookupAsync(string container, string name)
    {
        var r = await D.DockerAsync("exec", container, "nslookup", name);
        var lines = r.Stdout.Split('\n');
        var at = Array.FindIndex(lines, l => l.StartsWith("Name:", StringComparison.Ordinal));
        return at < 0 ? "" : string.Join(',', lines.Skip(at + 1).Where(l => l.StartsWith("Address:", StringComparison.Ordinal)).Select(l => l.Split(' ', '\t').Last()).Order());
    }

    private async Task<string> IpAsync(string container, string network) =>
        (await D.DockerAsync("inspect", "-f", $"{{{{(index .NetworkSettings.Networks \"{network}\").IPAddress}}}}", container)).Stdout.Trim();

    [Fact]
    public async Task Create_list_inspect_and_remove_with_subnet_gateway_range_labels_and_bridge_name()
    {
        var subnet = D.UserSubnet(1);
        var prefix = subnet[..subnet.LastIndexOf('.')];
        var bridge = "wn" + D.Id;
        var id = (await OkAsync("network", "create", "--subnet", subnet, "--gateway", prefix + ".254", "--ip-range", prefix + ".128/25",
            "--label", "team=net", "-o", "com.docker.network.bridge.name=" + bridge, "lab")).Stdout.Trim();
        Assert.Matches("^[0-9a-f]{64}$", id);
        Assert.Equal(0, (await ProcessRunner.RunAsync("ip", ["link", "show", bridge])).ExitCode);

        var ls = (await OkAsync("network", "ls", "--format", "{{.Name}} {{.Driver}} {{.Scope}}")).Stdout;
        Assert.Equal(["bridge bridge local", "host host local", "lab bridge local", "none null local"], ls.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(id[..12], (await OkAsync("network", "ls", "-q", "--filter", "label=team=net")).Stdout.Trim());
        Assert.Equal("", (await OkAsync("network", "ls", "-q", "--filter", "label=team=other")).Stdout.Trim());

        await OkAsync("run", "-d", "--name", "lab1", "--network", "lab", "busybox", "sleep", "1d");
        var inspect = JsonDocument.Parse((await OkAsync("network", "inspect", "lab")).Stdout).RootElement[0];
        var ipam = inspect.GetProperty("IPAM").GetProperty("Config")[0];
        Assert.Equal(subnet, ipam.GetProperty("Subnet").GetString());
        Assert.Equal(prefix + ".254", ipam.GetProperty("Gateway").GetString());
        Assert.Equal(prefix + ".128/25", ipam.GetProperty("IPRange").GetString());
        Assert.Equal("net", inspect.GetProperty("Labels").GetProperty("team").GetString());
        var member = inspect.GetProperty("Containers").EnumerateObject().Single().Value;
        Assert.Equal("lab1", member.GetProperty("Name").GetString());
        Assert.Equal(prefix + ".128/24", member.GetProperty("IPv4Address").GetString());
        Assert.Equal("lab", (await OkAsync("ps", "--filter", "name=lab1", "--format", "{{.Networks}}")).Stdout.Trim());
        Assert.Equal($"default via {prefix}.254 dev eth0", (await OkAsync("exec", "lab1", "ip", "route")).Stdout.Split('\n')[0].Trim());

        // In use: 409 through the API, one error line through the CLI.
        using var http = D.CreateHttpClient();
        Assert.Equal(HttpStatusCode.Conflict, (await http.DeleteAsync("/v1.47/networks/lab")).StatusCode);
        var busy = await D.DockerAsync("network", "rm", "lab");
        Assert.Equal(1, busy.ExitCode);
        Assert.Contains("has active endpoints", busy.Stderr);
        await OkAsync("rm", "-f", "lab1");
        await OkAsync("network", "rm", "lab");
        Assert.NotEqual(0, (await ProcessRunner.RunAsync("ip", ["link", "show", bridge])).ExitCode);
        Assert.DoesNotContain(bridge, (await ProcessRunner.RunAsync("nft", ["list", "table", "ip", D.NftTable])).Stdout);
    }

    [Fact]
    public async Task Containers_on_a_network_find_each_other_by_name_alias_and_hostname_and_nobody_else_does()
    {
        await OkAsync("network", "create", "--subnet", D.UserSubnet(2), "names");
        await OkAsync("network", "create", "--subnet", D.UserSubnet(3), "elsewhere");
        await OkAsync("run", "-d", "--name", "web", "--hostname", "webhost", "--network", "names", "--network-alias", "frontend", "busybox", "sleep", "1d");
        await OkAsync("run", "-d", "--name", "client", "--network", "names", "busybox", "sleep", "1d");
        await OkAsync("run", "-d", "--name", "stranger", "--network", "elsewhere", "busybox", "sleep", "1d");
        await OkAsync("run", "-d", "--name", "oldschool", "busybox", "sleep", "1d");
        var web = await IpAsync("web", "names");

        foreach (var name in new[] { "web", "frontend", "webhost", "web.names", "WEB" })
            Assert.Equal(web, await LookupAsync("client", name));
        var ping = await D.DockerAsync("exec", "client", "ping", "-c", "1", "-W", "2", web);
        Assert.True(ping.ExitCode == 0, ping.ToString());
        Assert.Contains("nameserver 127.0.0.11", (await OkAsync("exec", "client", "cat", "/etc/resolv.conf")).Stdout);
        Assert.Contains("options ndots:0", (await OkAsync("exec", "client", "cat", "/etc/resolv.conf")).Stdout);

        // Not across networks, and not on the default bridge (Docker's rule).
        Assert.Equal("", await LookupAsync("stranger", "web"));
        Assert.DoesNotContain("127.0.0.11", (await OkAsync("exec", "oldschool", "cat", "/etc/resolv.conf")).Stdout);
        // Nor can they reach each other's addresses: networks are isolated.
        var cross = await D.DockerAsync("exec", "stranger", "ping", "-c", "1", "-W", "1", web);
        Assert.NotEqual(0, cross.ExitCode);

        // Other names go to the upstream server (a fake on 127.0.0.0/8 here).
        var before = fx.Upstream.Queries;
        Assert.Equal("10.9.9.9", await LookupAsync("client", "upstream.test"));
        Assert.True(fx.Upstream.Queries > before);
        Assert.Equal("", await LookupAsync("client", "nosuchname.test"));

        await OkAsync("rm", "-f", "web", "client", "stranger", "oldschool");
        await OkAsync("network", "rm", "names", "elsewhere");
    }

    [Fact]
    public async Task Connect_and_disconnect_change_reachability_and_names_live()
    {
        await OkAsync("network", "create", "--subnet", D.UserSubnet(4), "front");
        await OkAsync("network", "create", "--subnet", D.UserSubnet(5), "back");
        await OkAsync("run", "-d", "--name", "api", "--network", "front", "busybox", "sleep", "1d");
        await OkAsync("run", "-d", "--name", "db", "--network", "back", "busybox", "sleep", "1d");
        Assert.Equal("", await LookupAsync("api", "db"));

        var prefix = D.UserSubnet(5)[..D.UserSubnet(5).LastIndexOf('.')];
        await OkAsync("network", "connect", "--ip", prefix + ".77", "--alias", "apiback", "back", "api");
        Assert.Equal(prefix + ".77", await IpAsync("api", "back"));
        Assert.Contains($"inet {prefix}.77/24", (await OkAsync("exec", "api", "ip", "-o", "-4", "addr", "show", "eth1")).Stdout);
        var db = await IpAsync("db", "back");
        Assert.Equal(db, await LookupAsync("api", "db"));
        Assert.Equal(prefix + ".77", await LookupAsync("db", "apiback"));
        Assert.Equal(0, (await D.DockerAsync("exec", "api", "ping", "-c", "1", "-W", "2", db)).ExitCode);
        Assert.Equal("back,front", string.Join(',', (await OkAsync("inspect", "-f", "{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}", "api")).Stdout.Trim().Split(' ').Order()));
        var twice = await D.DockerAsync("network", "connect", "back", "api");
        Assert.NotEqual(0, twice.ExitCode);
        Assert.Contains("already exists in network back", twice.Stderr);

        await OkAsync("network", "disconnect", "back", "api");
        Assert.Equal("", await LookupAsync("db", "apiback"));
        Assert.Equal("", await LookupAsync("api", "db"));
        Assert.NotEqual(0, (await D.DockerAsync("exec", "api", "ip", "link", "show", "eth1")).ExitCode);
        var notThere = await D.DockerAsync("network", "disconnect", "back", "api");
        Assert.Contains("is not connected to network back", notThere.Stderr);

        // A stopped container is connected in its configuration, and gets the network at its next start.
        await OkAsync("stop", "-t", "0", "api");
        await OkAsync("network", "connect", "back", "api");
        await OkAsync("start", "api");
        Assert.StartsWith(prefix + ".", await IpAsync("api", "back"));
        Assert.Equal(await IpAsync("api", "back"), await LookupAsync("db", "api"));

        await OkAsync("rm", "-f", "api", "db");
        await OkAsync("network", "rm", "front", "back");
    }

    [Fact]
    public async Task An_internal_network_reaches_nothing_outside_itself()
    {
        await OkAsync("network", "create", "--internal", "--subnet", D.UserSubnet(6), "vault");
        await OkAsync("run", "-d", "--name", "safe", "--network", "vault", "busybox", "sleep", "1d");
        await OkAsync("run", "-d", "--name", "peer", "--network", "vault", "busybox", "sleep", "1d");
        Assert.DoesNotContain("default", (await OkAsync("exec", "safe", "ip", "route")).Stdout);
        Assert.Equal(0, (await D.DockerAsync("exec", "safe", "ping", "-c", "1", "-W", "2", await IpAsync("peer", "vault"))).ExitCode);
        Assert.Equal(await IpAsync("peer", "vault"), await LookupAsync("safe", "peer"));
        Assert.NotEqual(0, (await D.DockerAsync("exec", "safe", "ping", "-c", "1", "-W", "1", D.SubnetPrefix + "1")).ExitCode);
        Assert.Equal("true", (await OkAsync("network", "inspect", "-f", "{{.Internal}}", "vault")).Stdout.Trim());
        await OkAsync("rm", "-f", "safe", "peer");
        await OkAsync("network", "rm", "vault");
    }

    [Fact]
    public async Task Fixed_addresses_are_honoured_and_checked()
    {
        await OkAsync("network", "create", "--subnet", D.UserSubnet(7), "fixed");
        var prefix = D.UserSubnet(7)[..D.UserSubnet(7).LastIndexOf('.')];
        await OkAsync("run", "-d", "--name", "pinned", "--network", "fixed", "--ip", prefix + ".42", "busybox", "sleep", "1d");
        Assert.Equal(prefix + ".42", await IpAsync("pinned", "fixed"));
        var taken = await D.DockerAsync("run", "--rm", "--network", "fixed", "--ip", prefix + ".42", "busybox", "true");
        Assert.Equal(125, taken.ExitCode);
        Assert.Contains("Address already in use", taken.Stderr);
        var outside = await D.DockerAsync("run", "--rm", "--network", "fixed", "--ip", "10.255.255.1", "busybox", "true");
        Assert.Equal(125, outside.ExitCode);
        Assert.Contains("no configured subnet or ip-range contain the IP address 10.255.255.1", outside.Stderr);
        await OkAsync("rm", "-f", "pinned");
        await OkAsync("network", "rm", "fixed");
    }

    [Fact]
    public async Task Prune_removes_only_unused_networks()
    {
        await OkAsync("network", "create", "--subnet", D.UserSubnet(8), "idle");
        await OkAsync("network", "create", "--subnet", D.UserSubnet(9), "busy");
        await OkAsync("run", "-d", "--name", "tenant", "--network", "busy", "busybox", "sleep", "1d");
        var pruned = await OkAsync("network", "prune", "-f");
        Assert.Contains("idle", pruned.Stdout);
        Assert.DoesNotContain("busy", pruned.Stdout);
        Assert.Equal("bridge,busy,host,none", string.Join(',', (await OkAsync("network", "ls", "--format", "{{.Name}}")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        await OkAsync("rm", "-f", "tenant");
        await OkAsync("network", "rm", "busy");
    }

    [Theory]
    [InlineData("{\"Name\":\"bad1\",\"IPAM\":{\"Config\":[{\"Subnet\":\"10.1.2.300/24\"}]}}", 400, "invalid subnet 10.1.2.300/24")]
    [InlineData("{\"Name\":\"bad2\",\"IPAM\":{\"Config\":[{\"Subnet\":\"10.1.2.5/24\"}]}}", 400, "it has host bits set")]
    [InlineData("{\"Name\":\"bad3\",\"IPAM\":{\"Config\":[{\"Subnet\":\"SUBNET\",\"Gateway\":\"10.99.99.1\"}]}}", 400, "is not a host address of subnet")]
    [InlineData("{\"Name\":\"bad4\",\"IPAM\":{\"Config\":[{\"Subnet\":\"SUBNET\",\"IPRange\":\"10.99.99.0/28\"}]}}", 400, "is not inside subnet")]
    [InlineData("{\"Name\":\"bad5\",\"Driver\":\"overlay\"}", 404, "plugin \"overlay\" not found")]
    [InlineData("{\"Name\":\"bridge\"}", 403, "bridge is a pre-defined network and cannot be created")]
    [InlineData("{\"Name\":\"bad6\",\"Options\":{\"com.example.nope\":\"1\"}}", 400, "network option com.example.nope is not supported")]
    [InlineData("{\"Name\":\"bad 7\"}", 400, "invalid network name")]
    [InlineData("{\"Name\":\"bad8\",\"IPAM\":{\"Config\":[{\"Subnet\":\"BRIDGE\"}]}}", 403, "Pool overlaps with other one on this address space")]
    public async Task Bad_network_requests_are_refused_and_create_nothing(string body, int status, string message)
    {
        body = body.Replace("SUBNET", D.UserSubnet(10)).Replace("BRIDGE", D.SubnetPrefix + "0/24");
        using var http = D.CreateHttpClient();
        var before = (await OkAsync("network", "ls", "-q")).Stdout;
        var r = await http.PostAsync("/v1.47/networks/create", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(status, (int)r.StatusCode);
        Assert.Contains(message, JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString());
        Assert.Equal(before, (await OkAsync("network", "ls", "-q")).Stdout);
    }

    [Fact]
    public async Task Bad_network_use_is_one_error_line()
    {
        // As Docker: the create accepts a network that may appear later, the start refuses it.
        var unknown = await D.DockerAsync("run", "--rm", "--network", "nosuchnet", "busybox", "true");
        Assert.Equal(125, unknown.ExitCode);
        Assert.Contains("failed to set up container networking: network nosuchnet not found", unknown.Stderr);
        var link = await D.DockerAsync("run", "--rm", "--link", "somebody:alias", "busybox", "true");
        Assert.Equal(125, link.ExitCode);
        Assert.Contains("links (--link) are not supported on the default bridge", link.Stderr);
        var predefined = await D.DockerAsync("network", "rm", "bridge");
        Assert.Contains("bridge is a pre-defined network and cannot be removed", predefined.Stderr);
        await OkAsync("network", "create", "--subnet", D.UserSubnet(11), "dup");
        var dup = await D.DockerAsync("network", "create", "dup");
        Assert.NotEqual(0, dup.ExitCode);
        Assert.Contains("network with name dup already exists", dup.Stderr);
        var overlap = await D.DockerAsync("network", "create", "--subnet", D.UserSubnet(11), "dup2");
        Assert.Contains("Pool overlaps with other one on this address space", overlap.Stderr);
        await OkAsync("network", "rm", "dup");
        Assert.Equal("", (await OkAsync("ps", "-aq")).Stdout.Trim());
    }
}
