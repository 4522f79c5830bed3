using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>Legacy links (--link) through the real docker CLI: hosts entries, Docker's variables, rm --link, bad links.</summary>
public sealed class DockerCliLinkTests(DaemonFixture fx) : IClassFixture<DaemonFixture>
{
    private WharfDaemon D => fx.Daemon;

    private async Task<ProcessResult> OkAsync(params string[] args)
    {
        var r = await D.DockerAsync(args);
        Assert.True(r.ExitCode == 0, $"docker {string.Join(' ', args)}: {r}");
        return r;
    }

    [Fact]
    public async Task A_link_on_the_default_bridge_gives_a_name_and_the_legacy_variables()
    {
        await OkAsync("run", "-d", "--name", "lk-db", "-h", "dbhost", "-e", "DB_PASS=secret", "--expose", "5432", "--expose", "53/udp", "busybox", "sleep", "1d");
        var ip = (await OkAsync("inspect", "-f", "{{.NetworkSettings.IPAddress}}", "lk-db")).Stdout.Trim();
        Assert.NotEqual("", ip);

        var r = await OkAsync("run", "--name", "lk-web", "--link", "lk-db:my-db", "busybox", "sh", "-c",
            "grep my-db /etc/hosts; env | grep ^MY_DB | sort; ping -c1 -W2 my-db >/dev/null && echo reached");
        var lines = r.Stdout.Trim().Split('\n');
        Assert.Equal($"{ip}\tmy-db dbhost lk-db", lines[0]);
        Assert.Contains($"MY_DB_PORT=udp://{ip}:53", lines);
        Assert.Contains($"MY_DB_PORT_5432_TCP=tcp://{ip}:5432", lines);
        Assert.Contains($"MY_DB_PORT_5432_TCP_ADDR={ip}", lines);
        Assert.Contains("MY_DB_PORT_5432_TCP_PORT=5432", lines);
        Assert.Contains("MY_DB_PORT_5432_TCP_PROTO=tcp", lines);
        Assert.Contains("MY_DB_PORT_53_UDP_PROTO=udp", lines);
        Assert.Contains("MY_DB_NAME=/lk-web/my-db", lines);
        Assert.Contains("MY_DB_ENV_DB_PASS=secret", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("MY_DB_ENV_PATH=", StringComparison.Ordinal));
        Assert.Equal("reached", lines[^1]);
        Assert.Equal("[/lk-db:/lk-web/my-db]", (await OkAsync("inspect", "-f", "{{.HostConfig.Links}}", "lk-web")).Stdout.Trim());

        // docker rm --link drops the link; both containers stay.
        Assert.Equal("/lk-web/my-db", (await OkAsync("rm", "--link", "/lk-web/my-db")).Stdout.Trim());
        Assert.Equal("[]", (await OkAsync("inspect", "-f", "{{.HostConfig.Links}}", "lk-web")).Stdout.Trim());
        Assert.Equal("running", (await OkAsync("inspect", "-f", "{{.State.Status}}", "lk-db")).Stdout.Trim());
        // Started again without the link, the name is gone.
        var again = await D.DockerAsync("start", "-a", "lk-web");
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("bad address 'my-db'", again.Stderr);
        await OkAsync("rm", "-f", "lk-web", "lk-db");
    }

    [Fact]
    public async Task A_link_on_a_user_defined_network_is_an_extra_name_for_this_container_only()
    {
        await OkAsync("network", "create", "lk-net");
        await OkAsync("run", "-d", "--name", "lk-target", "--network", "lk-net", "busybox", "sleep", "1d");
        var r = await OkAsync("run", "--rm", "--network", "lk-net", "--link", "lk-target:other", "busybox", "ping", "-c1", "-W2", "other");
        Assert.Contains("1 packets received", r.Stdout);
        var plain = await D.DockerAsync("run", "--rm", "--network", "lk-net", "busybox", "ping", "-c1", "-W2", "other");
        Assert.NotEqual(0, plain.ExitCode);
        await OkAsync("rm", "-f", "lk-target");
        await OkAsync("network", "rm", "lk-net");
    }

    [Fact]
    public async Task Bad_links_are_one_error_and_leave_nothing_running()
    {
        var missing = await D.DockerAsync("run", "--rm", "--link", "lk-nosuch:x", "busybox", "true");
        Assert.Equal(125, missing.ExitCode);
        Assert.Contains("could not get container for lk-nosuch", missing.Stderr);

        await OkAsync("create", "--name", "lk-stopped", "busybox", "true");
        var stopped = await D.DockerAsync("run", "-d", "--name", "lk-parent", "--link", "lk-stopped:s", "busybox", "sleep", "1d");
        Assert.NotEqual(0, stopped.ExitCode);
        Assert.Contains("Cannot link to a non running container: /lk-stopped AS /lk-parent/s", stopped.Stderr);
        Assert.Equal("created", (await OkAsync("inspect", "-f", "{{.State.Status}}", "lk-parent")).Stdout.Trim());

        await OkAsync("run", "-d", "--name", "lk-hostnet", "--network", "host", "busybox", "sleep", "1d");
        var host = await D.DockerAsync("run", "--rm", "--link", "lk-hostnet:h", "busybox", "true");
        Assert.Equal(125, host.ExitCode);
        Assert.Contains("host type networking can't be used with links", host.Stderr);

        var rmLink = await D.DockerAsync("rm", "--link", "/lk-parent/nolink");
        Assert.NotEqual(0, rmLink.ExitCode);
        Assert.Contains("No such link: /lk-parent/nolink", rmLink.Stderr);
        await OkAsync("rm", "-f", "lk-stopped", "lk-parent", "lk-hostnet");
        Assert.Equal("", (await OkAsync("ps", "-aq")).Stdout.Trim());
    }
}
