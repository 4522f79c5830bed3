using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>
/// A daemon whose daemon.json names an extra runtime, with busybox imported: a wrapper around runc that
/// records each call's arguments, with a runtime option to pass on.
/// </summary>
public sealed class RuntimesDaemonFixture : IAsyncLifetime
{
    public const string ExtraRuntime = "wharf-test-runc";

    public WharfDaemon Daemon { get; private set; } = null!;

    /// <summary>One line per call of the extra runtime: its arguments.</summary>
    public string CallLog => Path.Combine(Daemon.Root, "runtime-calls.log");

    public async Task InitializeAsync()
    {
        var d = new WharfDaemon();
        var wrapper = Path.Combine(d.Root, "runtime-wrapper");
        File.WriteAllText(wrapper, $"#!/bin/sh\necho \"$*\" >> {Path.Combine(d.Root, "runtime-calls.log")}\nexec runc \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(d.ConfigFile, "{\"runtimes\": {\"" + ExtraRuntime + "\": {\"path\": \"" + wrapper + "\", \"runtimeArgs\": [\"--debug\"]}}}");
        try
        {
            await d.StartAsync();
            await d.ImportBusyboxAsync();
        }
        catch
        {
            await d.DisposeAsync();
            throw;
        }
        Daemon = d;
    }

    public async Task DisposeAsync() => await Daemon.DisposeAsync();
}

/// <summary>`--network none|default|bridge|host|container:` and `--runtime` through the real docker CLI.</summary>
public sealed class DockerCliNetworkModeTests(RuntimesDaemonFixture fx) : IClassFixture<RuntimesDaemonFixture>
{
    private WharfDaemon D => fx.Daemon;

    private async Task<ProcessResult> RunAsync(params string[] args)
    {
        var r = await D.DockerAsync(["run", "--rm", .. args], null);
        Assert.True(r.ExitCode == 0, r.ToString());
        return r;
    }

    [Theory]
    [InlineData("none")]
    public async Task A_private_namespace_has_only_loopback_and_it_is_up(string mode)
    {
        var links = (await RunAsync("--network", mode, "busybox", "ip", "-o", "link")).Stdout.Trim().Split('\n');
        var lo = Assert.Single(links);
        Assert.Matches(@"^1: lo: <LOOPBACK,UP,LOWER_UP>", lo);
        Assert.Contains("inet 127.0.0.1/8", (await RunAsync("--network", mode, "busybox", "ip", "-o", "addr", "show", "lo")).Stdout);
        var ping = await RunAsync("--network", mode, "busybox", "ping", "-c", "1", "-W", "5", "127.0.0.1");
        Assert.Contains("1 packets received", ping.Stdout);
    }

    [Fact]
    public async Task Host_mode_sees_the_hosts_interfaces_and_takes_its_hostname()
    {
        // Other tests may add or remove interfaces meanwhile: compare with the host's list before and after.
        static HashSet<string> HostInterfaces() => [.. Directory.GetFileSystemEntries("/sys/class/net").Select(p => Path.GetFileName(p))];
        var before = HostInterfaces();
        var inside = (await RunAsync("--network", "host", "busybox", "ls", "/sys/class/net")).Stdout.Split((char[])['\n', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        var after = HostInterfaces();
        // Every interface the host had throughout is seen; anything else seen is one that other tests' daemons made
        // and removed meanwhile (their bridges and veths), never a namespace of the container's own.
        Assert.Superset(before.Intersect(after).ToHashSet(), inside);
        Assert.All(inside.Except(before.Union(after)), name => Assert.Matches("^(w|br-|veth)", name));
        Assert.Contains(inside, name => name != "lo");
        var hostname = File.ReadAllText("/proc/sys/kernel/hostname").Trim();
        Assert.Equal(hostname + "\n", (await RunAsync("--network", "host", "busybox", "hostname")).Stdout);
        Assert.Equal(File.ReadAllText("/etc/hosts"), (await RunAsync("--network", "host", "busybox", "cat", "/etc/hosts")).Stdout);
        Assert.Equal("named\n", (await RunAsync("--network", "host", "-h", "named", "busybox", "hostname")).Stdout);
        Assert.Equal(0, (await D.DockerAsync("create", "--network", "host", "--name", "net-host", "busybox")).ExitCode);
        Assert.Equal(hostname, (await D.DockerAsync("inspect", "-f", "{{.Config.Hostname}}", "net-host")).Stdout.Trim());
        await D.DockerAsync("rm", "net-host");
    }

    [Fact]
    public async Task Container_mode_joins_the_running_targets_namespace_and_hostname()
    {
        Assert.Equal(0, (await D.DockerAsync("run", "-d", "--name", "net-target", "-h", "targethost", "busybox", "sh", "-c",
            "mkdir /www && echo shared-namespace > /www/index.html && exec httpd -f -p 127.0.0.1:18080 -h /www")).ExitCode);
        try
        {
            var page = "";
            for (var i = 0; i < 50 && !page.Contains("shared-namespace", StringComparison.Ordinal); i++)
            {
                page = (await D.DockerAsync("run", "--rm", "--network", "container:net-target", "busybox", "wget", "-qO-", "http://127.0.0.1:18080/")).Stdout;
                if (!page.Contains("shared-namespace", StringComparison.Ordinal)) await Task.Delay(100);
            }
            Assert.Equal("shared-namespace\n", page);
            Assert.Equal("targethost\n", (await RunAsync("--network", "container:net-target", "busybox", "hostname")).Stdout);
            // A container with its own namespace does not see the target's listener.
            Assert.NotEqual(0, (await D.DockerAsync("run", "--rm", "busybox", "wget", "-qO-", "-T", "2", "http://127.0.0.1:18080/")).ExitCode);

            var joiner = (await D.DockerAsync("run", "-d", "--network", "container:net-target", "busybox", "sleep", "100")).Stdout.Trim();
            var paths = "{{.HostnamePath}} {{.HostsPath}} {{.ResolvConfPath}} {{.Config.Hostname}}";
            Assert.Equal((await D.DockerAsync("inspect", "-f", paths, "net-target")).Stdout, (await D.DockerAsync("inspect", "-f", paths, joiner)).Stdout);
            await D.DockerAsync("rm", "-f", joiner);
        }
        finally { await D.DockerAsync("rm", "-f", "net-target"); }
    }

    [Fact]
    public async Task Container_mode_errors_use_dockers_messages()
    {
        var missing = await D.DockerAsync("run", "--rm", "--network", "container:no-such-target", "busybox", "true");
        Assert.True(missing.ExitCode == 125, missing.ToString());
        Assert.Contains("joining network namespace of container: No such container: no-such-target", missing.Stderr);

        Assert.Equal(0, (await D.DockerAsync("create", "--name", "net-idle", "busybox", "true")).ExitCode);
        Assert.Equal(0, (await D.DockerAsync("create", "--name", "net-joiner", "--network", "container:net-idle", "busybox", "true")).ExitCode);
        var idle = await D.DockerAsync("start", "net-joiner");
        Assert.NotEqual(0, idle.ExitCode);
        Assert.Contains("cannot join network namespace of a non running container: container net-idle is created", idle.Stderr);
        await D.DockerAsync("rm", "net-idle", "net-joiner");

        var before = (await D.DockerAsync("ps", "-aq")).Stdout;
        var hostname = await D.DockerAsync("create", "-h", "x", "--network", "container:net-idle", "busybox");
        Assert.True(hostname.ExitCode != 0, hostname.ToString());
        Assert.Contains("conflicting options: hostname and the network mode", hostname.Stderr);
        var dns = await D.DockerAsync("create", "--dns", "127.0.0.9", "--network", "container:net-idle", "busybox");
        Assert.Contains("conflicting options: dns and the network mode", dns.Stderr);
        var bare = await D.DockerAsync("create", "--network", "container", "busybox");
        Assert.Contains("invalid network mode: invalid container format container:<name|id>", bare.Stderr);
        Assert.Equal(before, (await D.DockerAsync("ps", "-aq")).Stdout);
    }

    [Fact]
    public async Task Runtimes_are_checked_at_create()
    {
        var before = (await D.DockerAsync("ps", "-aq")).Stdout;
        var unknown = await D.DockerAsync("run", "--rm", "--runtime", "no-such-runtime", "busybox", "true");
        Assert.Equal(125, unknown.ExitCode);
        Assert.Contains("Error response from daemon: unknown or invalid runtime name: no-such-runtime", unknown.Stderr);
        Assert.Equal(before, (await D.DockerAsync("ps", "-aq")).Stdout);
        using var http = D.CreateHttpClient();
        var created = await http.PostAsync("/containers/create", new StringContent(
            """{"Image":"busybox","Cmd":["true"],"HostConfig":{"Runtime":"no-such-runtime"}}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(400, (int)created.StatusCode);

        Assert.Equal("ok\n", (await RunAsync("--runtime", "runc", "busybox", "echo", "ok")).Stdout);
        Assert.False(File.Exists(fx.CallLog));

        // The configured runtime runs the container, its exec and its pause, each time with its runtimeArgs.
        Assert.Equal("from-extra\n", (await RunAsync("--runtime", RuntimesDaemonFixture.ExtraRuntime, "busybox", "echo", "from-extra")).Stdout);
        Assert.Equal(0, (await D.DockerAsync("run", "-d", "--name", "rt-extra", "--runtime", RuntimesDaemonFixture.ExtraRuntime, "busybox", "sleep", "100")).ExitCode);
        try
        {
            Assert.Equal(RuntimesDaemonFixture.ExtraRuntime, (await D.DockerAsync("inspect", "-f", "{{.HostConfig.Runtime}}", "rt-extra")).Stdout.Trim());
            Assert.Equal("in-extra\n", (await D.DockerAsync("exec", "rt-extra", "echo", "in-extra")).Stdout);
            Assert.Equal(0, (await D.DockerAsync("pause", "rt-extra")).ExitCode);
            Assert.Equal(0, (await D.DockerAsync("unpause", "rt-extra")).ExitCode);
            var calls = File.ReadAllLines(fx.CallLog);
            foreach (var verb in new[] { "create", "start", "exec", "pause", "resume" })
                Assert.Contains(calls, line => line.StartsWith("--debug ", StringComparison.Ordinal) && line.Contains($" {verb} ", StringComparison.Ordinal));
        }
        finally { await D.DockerAsync("rm", "-f", "rt-extra"); }
    }
}
