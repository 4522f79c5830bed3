using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>Everyday `docker run` and friends through the real docker CLI.</summary>
public sealed class DockerCliContainerTests(DaemonFixture fx) : IClassFixture<DaemonFixture>
{
    private WharfDaemon D => fx.Daemon;

    [Fact]
    public async Task Run_prints_output_and_passes_exit_codes()
    {
        var r = await D.DockerAsync("run", "--rm", "busybox", "sh", "-c", "echo out; echo err >&2; exit 3");
        Assert.Equal(3, r.ExitCode);
        Assert.Equal("out\n", r.Stdout);
        Assert.Equal("err\n", r.Stderr);
    }

    [Fact]
    public async Task A_command_missing_from_the_image_exits_127()
    {
        var r = await D.DockerAsync("run", "--rm", "busybox", "nosuchcommand");
        Assert.Equal(127, r.ExitCode);
        Assert.Contains("executable file not found in $PATH", r.Stderr);
        Assert.DoesNotContain("nosuchcommand", (await D.DockerAsync("ps", "-a", "--format", "{{.Command}}")).Stdout);
    }

    [Fact]
    public async Task Stdin_is_piped_and_its_end_reaches_the_container()
    {
        var r = await D.DockerAsync(["run", "--rm", "-i", "busybox", "wc", "-l"], new MemoryStream("a\nb\nc\n"u8.ToArray()));
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("3", r.Stdout.Trim());
    }

    [Fact]
    public async Task Interactive_shell_under_a_terminal()
    {
        var input = new MemoryStream("echo inside-$((6*7))\nexit 7\n"u8.ToArray());
        var env = D.Env();
        var r = await ProcessRunner.RunAsync("script", ["-qec", "docker run --rm -it busybox sh", "/dev/null"], env, input, TimeSpan.FromSeconds(60));
        Assert.Contains("inside-42", r.Stdout);
        Assert.Equal(7, r.ExitCode);
    }

    [Fact]
    public async Task Detached_container_logs_stop_and_remove()
    {
        var id = (await D.DockerAsync("run", "-d", "--name", "ticker", "busybox", "sh", "-c", "while true; do echo tick; sleep 0.1; done")).Stdout.Trim();
        Assert.Equal(64, id.Length);
        // At least two ticks logged (a loaded machine may take longer than the 0.1 s between them).
        for (var deadline = DateTime.UtcNow.AddSeconds(15); DateTime.UtcNow < deadline; await Task.Delay(100))
            if ((await D.DockerAsync("logs", "ticker")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length >= 3) break;
        var ps = await D.DockerAsync("ps", "--format", "{{.Names}} {{.Status}}");
        Assert.Matches(@"ticker Up", ps.Stdout);
        var logs = await D.DockerAsync("logs", "--tail", "2", "ticker");
        Assert.Equal("tick\ntick\n", logs.Stdout);
        var rm = await D.DockerAsync("rm", "ticker");
        Assert.NotEqual(0, rm.ExitCode);
        Assert.Contains("container is running", rm.Stderr);
        var stop = await D.DockerAsync("stop", "-t", "1", "ticker");
        Assert.Equal(0, stop.ExitCode);
        // sh as PID 1 ignores SIGTERM: the stop timeout ends in SIGKILL, as with Docker.
        Assert.Equal("exited 137", (await D.DockerAsync("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "ticker")).Stdout.Trim());
        Assert.Matches(@"Exited \(137\)", (await D.DockerAsync("ps", "-a", "--filter", "name=ticker", "--format", "{{.Status}}")).Stdout);
        Assert.Equal(0, (await D.DockerAsync("rm", "ticker")).ExitCode);
        Assert.Equal(1, (await D.DockerAsync("inspect", "ticker")).ExitCode);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_dockers_messages()
    {
        var dup1 = await D.DockerAsync("create", "--name", "dupname", "busybox", "true");
        Assert.Equal(0, dup1.ExitCode);
        var dup2 = await D.DockerAsync("create", "--name", "dupname", "busybox", "true");
        Assert.NotEqual(0, dup2.ExitCode);
        Assert.Contains("The container name \"/dupname\" is already in use", dup2.Stderr);
        var noImage = await D.DockerAsync("run", "--rm", "no/such-image:1");
        Assert.Equal(125, noImage.ExitCode);
        Assert.Contains("Unable to find image 'no/such-image:1' locally", noImage.Stderr);
        var memory = await D.DockerAsync("run", "--rm", "-m", "1k", "busybox", "true");
        Assert.Equal(125, memory.ExitCode);
        Assert.Contains("Minimum memory limit allowed is 6MB", memory.Stderr);
        var restart = await D.DockerAsync("run", "-d", "--restart", "sometimes", "busybox", "true");
        Assert.Equal(125, restart.ExitCode);
        var name = await D.DockerAsync("create", "--name", "bad name!", "busybox", "true");
        Assert.NotEqual(0, name.ExitCode);
        Assert.Contains("Invalid container name", name.Stderr);
        Assert.Equal(0, (await D.DockerAsync("rm", "dupname")).ExitCode);
    }

    [Fact]
    public async Task Containers_keep_their_image_from_being_removed()
    {
        await D.DockerAsync("import", "-c", "CMD [\"true\"]", TestImages.BusyboxRootfs, "inuse/img:1");
        var id = (await D.DockerAsync("create", "inuse/img:1")).Stdout.Trim();
        var byTag = await D.DockerAsync("rmi", "inuse/img:1");
        Assert.NotEqual(0, byTag.ExitCode);
        Assert.Contains("(must force) - container " + id[..12] + " is using its referenced image", byTag.Stderr);
        var byId = await D.DockerAsync("rmi", (await D.DockerAsync("images", "-q", "inuse/img:1")).Stdout.Trim());
        Assert.NotEqual(0, byId.ExitCode);
        Assert.Contains("image is being used by stopped container " + id[..12], byId.Stderr);
        Assert.Equal(0, (await D.DockerAsync("rm", id)).ExitCode);
    }

    [Fact]
    public async Task Top_stats_rename_and_start_attached()
    {
        Assert.Equal(0, (await D.DockerAsync("run", "-d", "--name", "webtop", "busybox", "httpd", "-f", "-p", "8080")).ExitCode);
        var top = await D.DockerAsync("top", "webtop");
        Assert.Matches(@"^UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD", top.Stdout);
        Assert.Contains("httpd -f -p 8080", top.Stdout);
        var stats = await D.DockerAsync("stats", "--no-stream", "--format", "{{.Name}} {{.PIDs}}", "webtop");
        Assert.Equal("webtop 1", stats.Stdout.Trim());
        Assert.Equal(0, (await D.DockerAsync("rename", "webtop", "webtop2")).ExitCode);
        Assert.Contains("webtop2", (await D.DockerAsync("ps", "--format", "{{.Names}}")).Stdout);
        Assert.Equal(0, (await D.DockerAsync("rm", "-f", "webtop2")).ExitCode);
        var id = (await D.DockerAsync("create", "busybox", "echo", "started-attached")).Stdout.Trim();
        var start = await D.DockerAsync("start", "-a", id);
        Assert.Equal("started-attached\n", start.Stdout);
        Assert.Equal(0, (await D.DockerAsync("rm", id)).ExitCode);
    }

    [Fact]
    public async Task Pause_and_unpause()
    {
        Assert.Equal(0, (await D.DockerAsync("run", "-d", "--name", "sleeper", "busybox", "sleep", "100")).ExitCode);
        Assert.Equal(0, (await D.DockerAsync("pause", "sleeper")).ExitCode);
        Assert.Equal("paused true", (await D.DockerAsync("inspect", "-f", "{{.State.Status}} {{.State.Paused}}", "sleeper")).Stdout.Trim());
        Assert.Matches(@"\(Paused\)", (await D.DockerAsync("ps", "--filter", "name=sleeper", "--format", "{{.Status}}")).Stdout);
        var again = await D.DockerAsync("pause", "sleeper");
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("is already paused", again.Stderr);
        Assert.Equal(0, (await D.DockerAsync("unpause", "sleeper")).ExitCode);
        Assert.Equal("running false", (await D.DockerAsync("inspect", "-f", "{{.State.Status}} {{.State.Paused}}", "sleeper")).Stdout.Trim());
        Assert.Equal(0, (await D.DockerAsync("rm", "-f", "sleeper")).ExitCode);
    }

    [Fact]
    public async Task Ps_filters_sizes_and_disk_usage()
    {
        Assert.Equal(0, (await D.DockerAsync("run", "-d", "--name", "psf-up", "-l", "psf=1", "busybox", "sleep", "100")).ExitCode);
        Assert.Equal(3, (await D.DockerAsync("run", "--name", "psf-exited", "-l", "psf=1", "busybox", "sh", "-c", "head -c 100000 /dev/zero > /big; exit 3")).ExitCode);
        Assert.Equal(0, (await D.DockerAsync("create", "--name", "psf-created", "-l", "psf=1", "--expose", "80", "busybox", "true")).ExitCode);
        async Task<string> Names(params string[] filters)
        {
            var args = new List<string> { "ps", "-a", "--filter", "label=psf=1", "--format", "{{.Names}}" };
            foreach (var f in filters) args.AddRange(["--filter", f]);
            var r = await D.DockerAsync([.. args], null);
            Assert.True(r.ExitCode == 0, r.ToString());
            return string.Join(' ', r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        Assert.Equal("psf-exited psf-up", await Names("before=psf-created"));
        Assert.Equal("psf-created psf-exited", await Names("since=psf-up"));
        Assert.Equal("psf-exited", await Names("status=exited"));
        Assert.Equal("psf-exited", await Names("exited=3"));
        Assert.Equal("psf-created psf-exited", await Names("name=^psf-(cr|ex)"));
        Assert.Equal("", await Names("name=^up"));
        Assert.Equal("psf-created", await Names("expose=70-90/tcp"));
        Assert.Equal("", await Names("expose=80/udp"));
        Assert.Equal("psf-created psf-exited psf-up", await Names("network=bridge", "is-task=false"));
        var bad = await D.DockerAsync("ps", "--filter", "expose=x");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("invalid filter", bad.Stderr);

        // -s: the writable layer's size, and the image's added as "virtual".
        var size = (await D.DockerAsync("ps", "-as", "--filter", "name=psf-exited", "--format", "{{.Size}}")).Stdout.Trim();
        Assert.Matches(@"^100kB \(virtual [0-9.]+MB\)$", size);
        var df = await D.DockerAsync("system", "df", "--format", "{{.Type}} {{.TotalCount}} {{.Active}}");
        Assert.Matches(@"Containers [3-9]\d* [1-9]", df.Stdout);
        var verbose = (await D.DockerAsync("system", "df", "-v")).Stdout;
        Assert.Matches(@"psf-exited", verbose);
        Assert.Equal(0, (await D.DockerAsync("rm", "-f", "psf-up", "psf-exited", "psf-created")).ExitCode);
    }

    [Fact]
    public async Task Everyday_commands_from_our_users_guides()
    {
        Assert.Equal(0, (await D.DockerAsync("run", "-d", "--name", "web", "-h", "web", "busybox", "httpd", "-f", "-p", "80")).ExitCode);
        Assert.Equal(0, (await D.DockerAsync("run", "-itd", "--privileged=true", "--name", "test1", "busybox")).ExitCode);
        Assert.Equal(0, (await D.DockerAsync("run", "-d", "--name", "looper", "busybox", "/bin/sh", "-c", "while true; do sleep 1; done")).ExitCode);
        try
        {
            Assert.Equal("web\n", (await D.DockerAsync("exec", "web", "hostname")).Stdout);
            // httpd answers inside its own network namespace.
            var page = await D.DockerAsync("exec", "web", "sh", "-c", "echo hello > /index.html; wget -qO- http://127.0.0.1:80/index.html");
            Assert.True(page.ExitCode == 0, page.ToString());
            Assert.Equal("hello\n", page.Stdout);
            Assert.Equal("true", (await D.DockerAsync("inspect", "-f", "{{.HostConfig.Privileged}}", "test1")).Stdout.Trim());
            Assert.Equal("running running running", string.Join(' ', (await D.DockerAsync("inspect", "-f", "{{.State.Status}}", "web", "test1", "looper")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
            var rm = await D.DockerAsync("rm", "looper");
            Assert.Equal(1, rm.ExitCode);
            Assert.Contains("cannot remove container \"/looper\": container is running: stop the container before removing or force remove", rm.Stderr);
            Assert.Equal(0, (await D.DockerAsync("stop", "-t", "1", "looper")).ExitCode);
            Assert.Equal(0, (await D.DockerAsync("start", "looper")).ExitCode);
            Assert.Equal("running", (await D.DockerAsync("inspect", "-f", "{{.State.Status}}", "looper")).Stdout.Trim());
            var all = (await D.DockerAsync("ps", "-a", "--format", "{{.Names}}")).Stdout;
            Assert.Contains("web", all);
            Assert.Contains("test1", all);
        }
        finally { await D.DockerAsync("rm", "-f", "web", "test1", "looper"); }
    }

    [Fact]
    public async Task Failed_creates_and_starts_leave_nothing_behind()
    {
        var containersDir = Path.Combine(D.DataRoot, "containers");
        var before = Directory.GetDirectories(containersDir).Length;
        foreach (var args in new[]
                 {
                     new[] { "create", "--name", "bad-mem", "-m", "1k", "busybox", "true" },
                     ["create", "--name", "bad-restart", "--restart", "sometimes", "busybox", "true"],
                     ["create", "--name", "bad-runtime", "--runtime", "nosuch", "busybox", "true"],
                     ["create", "--name", "bad-cap", "--cap-add", "NOT_A_CAP", "busybox", "true"],
                 })
        {
            var r = await D.DockerAsync(args);
            Assert.NotEqual(0, r.ExitCode);
            Assert.Equal(1, (await D.DockerAsync("inspect", args[2])).ExitCode);
        }
        Assert.Equal(before, Directory.GetDirectories(containersDir).Length);

        // A start that fails (no such command) keeps the container, as Docker does, but nothing else.
        var run = await D.DockerAsync("run", "--name", "bad-start", "busybox", "/no/such/command");
        Assert.Equal(127, run.ExitCode);
        try
        {
            var id = (await D.DockerAsync("inspect", "-f", "{{.Id}}", "bad-start")).Stdout.Trim();
            Assert.DoesNotContain(File.ReadAllLines("/proc/self/mountinfo"), l => l.Contains(id, StringComparison.Ordinal));
            Assert.False(Directory.Exists(Path.Combine(D.Root, "runc", id)), "the runtime's state is left");
            foreach (var line in File.ReadAllLines("/proc/self/mountinfo").Where(l => l.Contains(" - cgroup", StringComparison.Ordinal)))
            {
                var mount = line.Split(' ')[4];
                Assert.False(Directory.Exists(Path.Combine(mount, "wharf-t" + D.Id, id)), $"a cgroup is left under {mount}");
            }
            Assert.Equal(1, (await D.DockerAsync("exec", "bad-start", "true")).ExitCode);
        }
        finally { await D.DockerAsync("rm", "-f", "bad-start"); }
    }
}
