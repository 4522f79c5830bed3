using System.Text.Json;
using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>`wharf network ...` against a private wharfd: the same commands and output as the docker CLI.</summary>
public sealed class WharfCliNetworkTests(DaemonFixture fx) : IClassFixture<DaemonFixture>
{
    private WharfDaemon D => fx.Daemon;

    private async Task<ProcessResult> OkAsync(params string[] args)
    {
        var r = await D.WharfAsync(args);
        Assert.True(r.ExitCode == 0, $"wharf {string.Join(' ', args)}: {r}");
        return r;
    }

    [Fact]
    public async Task Create_ls_inspect_connect_disconnect_rm_and_prune()
    {
        var subnet = D.UserSubnet(3);
        var prefix = subnet[..subnet.LastIndexOf('.')];
        var id = (await OkAsync("network", "create", "--subnet", subnet, "--gateway", prefix + ".1", "--ip-range", prefix + ".64/26",
            "--label", "team=cli", "--internal", "wn-one")).Stdout.Trim();
        Assert.Matches("^[0-9a-f]{64}$", id);
        await OkAsync("network", "create", "wn-two");

        var table = (await OkAsync("network", "ls")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^NETWORK ID\s+NAME\s+DRIVER\s+SCOPE$", table[0]);
        Assert.Equal(["bridge", "host", "none", "wn-one", "wn-two"], table.Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]).Order(StringComparer.Ordinal));
        Assert.Equal(id[..12], (await OkAsync("network", "ls", "-q", "--filter", "label=team=cli")).Stdout.Trim());
        Assert.Equal(id, (await OkAsync("network", "ls", "-q", "--no-trunc", "--filter", "name=wn-one")).Stdout.Trim());
        Assert.Equal("wn-one true false team=cli", (await OkAsync("network", "ls", "--filter", "name=wn-one", "--format", "{{.Name}} {{.Internal}} {{.IPv6}} {{.Labels}}")).Stdout.Trim());
        Assert.Equal($"{subnet} {prefix}.1 {prefix}.64/26",
            (await OkAsync("network", "inspect", "-f", "{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}} {{.IPRange}}{{end}}", "wn-one")).Stdout.Trim());

        await OkAsync("run", "-d", "--name", "wn-c", "busybox", "sleep", "1d");
        await OkAsync("network", "connect", "--alias", "extra", "--ip", prefix + ".70", "wn-one", "wn-c");
        var inspect = JsonDocument.Parse((await OkAsync("network", "inspect", "wn-one")).Stdout).RootElement[0];
        var member = inspect.GetProperty("Containers").EnumerateObject().Single().Value;
        Assert.Equal("wn-c", member.GetProperty("Name").GetString());
        Assert.Equal(prefix + ".70/24", member.GetProperty("IPv4Address").GetString());
        Assert.Contains(prefix + ".70", (await OkAsync("exec", "wn-c", "ip", "-4", "addr")).Stdout);

        var busy = await D.WharfAsync("network", "rm", "wn-one");
        Assert.Equal(1, busy.ExitCode);
        Assert.Contains("has active endpoints", busy.Stderr);
        await OkAsync("network", "disconnect", "wn-one", "wn-c");
        Assert.DoesNotContain(prefix + ".70", (await OkAsync("exec", "wn-c", "ip", "-4", "addr")).Stdout);

        Assert.Equal("wn-one", (await OkAsync("network", "rm", "wn-one")).Stdout.Trim());
        Assert.Equal("", (await OkAsync("network", "rm", "-f", "wn-gone")).Stdout.Trim());
        Assert.Equal("Deleted Networks:\nwn-two", (await OkAsync("network", "prune", "-f")).Stdout.Trim());
        await OkAsync("rm", "-f", "wn-c");
        Assert.Equal("bridge host none", string.Join(' ', (await OkAsync("network", "ls", "--format", "{{.Name}}")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public async Task Bad_network_input_is_one_error_line_and_makes_nothing()
    {
        var subnet = D.UserSubnet(4);
        var prefix = subnet[..subnet.LastIndexOf('.')];
        (string[] Args, string Message)[] cases =
        [
            (["network", "create", "--subnet", "10.300.0.0/16", "wn-bad"], "invalid CIDR address: 10.300.0.0/16"),
            (["network", "create", "--subnet", subnet, "--subnet", prefix + ".128/25", "wn-bad"], "multiple overlapping subnet configuration is not supported"),
            (["network", "create", "--subnet", subnet, "--gateway", "192.0.2.1", "wn-bad"], "no matching subnet for gateway 192.0.2.1"),
            (["network", "create", "--gateway", prefix + ".1", "wn-bad"], "every ip-range or gateway must have a corresponding subnet"),
            (["network", "create", "-d", "overlay", "wn-bad"], "overlay"),
            (["network", "inspect", "wn-nosuch"], "network wn-nosuch not found"),
            (["network", "rm", "wn-nosuch"], "network wn-nosuch not found"),
            (["network", "connect", "wn-nosuch", "somebody"], "No such container: somebody"),
        ];
        foreach (var (args, message) in cases)
        {
            var r = await D.WharfAsync(args);
            Assert.True(r.ExitCode != 0, $"wharf {string.Join(' ', args)} succeeded");
            Assert.Contains(message, r.Stderr);
            Assert.Single(r.Stderr.Trim().Split('\n'));
        }
        Assert.Equal("bridge host none", string.Join(' ', (await OkAsync("network", "ls", "--format", "{{.Name}}")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }
}
