using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>
/// Container workflows through Wharf's own CLI against a private daemon, with docker's output and exit codes (the real
/// docker CLI against the same daemon is the reference where output is compared). TTY behaviour runs under `script`.
/// Not here yet: cp, diff, export, commit, update and container prune, whose endpoints are not served yet (their flag to
/// request mapping is unit-tested in Wharf.Cli.Tests).
/// </summary>
public sealed class WharfCliContainerTests(DaemonFixture fx) : IClassFixture<DaemonFixture>
{
    private WharfDaemon D => fx.Daemon;

    private async Task<string> Ok(params string[] args)
    {
        var r = await D.WharfAsync(args);
        Assert.True(r.ExitCode == 0, $"wharf {string.Join(' ', args)} failed: {r}\n{D.Log}");
        return r.Stdout;
    }

    /// <summary>Runs wharf under a pseudo-terminal (script), feeding <paramref name="input"/>.</summary>
    private Task<ProcessResult> UnderTerminalAsync(string wharfArgs, Stream input) =>
        ProcessRunner.RunAsync("script", ["-qec", $"{Repo.Wharf} {wharfArgs}", "/dev/null"], D.Env(), input, TimeSpan.FromSeconds(60));

    [Fact]
    public async Task Detached_container_ps_logs_stop_start_and_rm()
    {
        var id = (await Ok("run", "-d", "--name", "cli-ticker", "busybox", "sh", "-c", "while true; do echo tick; sleep 0.1; done")).Trim();
        Assert.Matches("^[0-9a-f]{64}$", id);
        var ps = await Ok("ps", "--filter", "name=cli-ticker");
        var lines = ps.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$", lines[0]);
        Assert.Matches("^" + id[..12] + @"\s+busybox\s+""sh -c while true; d…""\s+.+ ago\s+Up .+\s+cli-ticker$", lines[1]);
        for (var deadline = DateTime.UtcNow.AddSeconds(15); DateTime.UtcNow < deadline; await Task.Delay(100))
            if ((await Ok("logs", "cli-ticker")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length >= 3) break;
        var tail = await Ok("logs", "--tail", "2", "cli-ticker");
        Assert.Equal("tick\ntick\n", tail);

        // logs -f keeps streaming until interrupted.
        var follow = await FollowAsync(["logs", "-f", "--tail", "1", "cli-ticker"], minLines: 5);
        Assert.All(follow, l => Assert.Equal("tick", l));

        Assert.Equal("cli-ticker\n", await Ok("stop", "-t", "1", "cli-ticker"));
        Assert.Equal("exited 137", (await Ok("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "cli-ticker")).Trim());
        Assert.Matches(@"Exited \(137\)", await Ok("ps", "-a", "--filter", "name=cli-ticker", "--format", "{{.Status}}"));
        Assert.Equal("cli-ticker\n", await Ok("start", "cli-ticker"));
        Assert.Equal("true", (await Ok("inspect", "-f", "{{.State.Running}}", "cli-ticker")).Trim());
        var rm = await D.WharfAsync("rm", "cli-ticker");
        Assert.Equal(1, rm.ExitCode);
        Assert.Contains("container is running", rm.Stderr);
        Assert.Equal("cli-ticker\n", await Ok("rm", "-f", "cli-ticker"));
        var gone = await D.WharfAsync("inspect", "cli-ticker");
        Assert.Equal(1, gone.ExitCode);
        Assert.Equal("Error: No such object: cli-ticker\n", gone.Stderr);
    }

    /// <summary>Runs a long-lived wharf command, collects stdout lines until enough arrived, then interrupts it.</summary>
    private async Task<List<string>> FollowAsync(string[] args, int minLines)
    {
        var psi = new ProcessStartInfo(Repo.Wharf) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in D.Env()) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var lines = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (lines.Count < minLines && await p.StandardOutput.ReadLineAsync(timeout.Token) is { } line) lines.Add(line);
        Assert.False(p.HasExited, "logs -f ended on its own");
        Native.Kill(p.Id, 2);
        await p.WaitForExitAsync(timeout.Token);
        Assert.True(lines.Count >= minLines, $"only {lines.Count} lines arrived");
        return lines;
    }

    [Fact]
    public async Task Logs_follow_ends_with_the_container()
    {
        await Ok("run", "-d", "--name", "cli-short", "busybox", "sh", "-c", "echo one; sleep 1; echo two >&2; sleep 0.5");
        var r = await D.WharfAsync("logs", "-f", "cli-short");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("one\n", r.Stdout);
        Assert.Equal("two\n", r.Stderr);
        await Ok("rm", "cli-short");
    }

    [Fact]
    public async Task Run_passes_exit_codes_like_docker()
    {
        var own = await D.WharfAsync("run", "--rm", "busybox", "sh", "-c", "echo out; echo err >&2; exit 3");
        Assert.Equal(3, own.ExitCode);
        Assert.Equal("out\n", own.Stdout);
        Assert.Equal("err\n", own.Stderr);

        var missing = await D.WharfAsync("run", "--rm", "busybox", "nosuchcommand");
        Assert.Equal(127, missing.ExitCode);
        Assert.StartsWith("wharf: Error response from daemon: ", missing.Stderr);
        Assert.Contains("executable file not found in $PATH", missing.Stderr);
        Assert.EndsWith("\n\nRun 'wharf run --help' for more information\n", missing.Stderr);

        var notExecutable = await D.WharfAsync("run", "--rm", "busybox", "/etc");
        Assert.Equal(126, notExecutable.ExitCode);
        Assert.Contains("permission denied", notExecutable.Stderr);

        var noImage = await D.WharfAsync("run", "--rm", "no/such-image:1");
        Assert.Equal(125, noImage.ExitCode);
        Assert.StartsWith("Unable to find image 'no/such-image:1' locally\nwharf: Error response from daemon: ", noImage.Stderr);
        var docker = await D.DockerAsync("run", "--rm", "no/such-image:1");
        Assert.Equal(docker.Stderr.Replace("docker", "wharf").Replace("wharf.io/", "docker.io/"), noImage.Stderr);

        // --rm containers are gone afterwards, the failed ones included.
        Assert.Equal("", await Ok("ps", "-aq", "--filter", "ancestor=busybox", "--filter", "status=exited"));
        Assert.Equal(0, (await D.WharfAsync("run", "--rm", "busybox", "true")).ExitCode);
    }

    [Fact]
    public async Task Piped_stdin_reaches_the_container_and_its_end_too()
    {
        var r = await D.WharfAsync(["run", "--rm", "-i", "busybox", "wc", "-l"], new MemoryStream("a\nb\nc\n"u8.ToArray()));
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("3", r.Stdout.Trim());
    }

    [Fact]
    public async Task Create_flags_reach_the_container_config()
    {
        var envFile = Path.Combine(D.Root, "cli.env");
        await File.WriteAllTextAsync(envFile, "FROM_FILE=yes\n");
        var id = (await Ok("create", "--name", "cli-flags", "-h", "boxhost", "-e", "A=1", "--env-file", envFile, "-w", "/tmp",
            "-u", "nobody", "-l", "tier=web", "--restart", "on-failure:2", "-m", "64m", "--cpus", "0.5", "-c", "512",
            "--pids-limit", "50", "--shm-size", "16m", "--read-only", "--cap-drop", "NET_RAW", "--ulimit", "nofile=100:200",
            "--stop-signal", "SIGUSR1", "--stop-timeout", "7", "--health-cmd", "true", "--health-interval", "5s",
            "--add-host", "db=10.9.8.7", "--init", "-p", "8080:80", "--tmpfs", "/scratch", "busybox", "sleep", "60")).Trim();
        Assert.Matches("^[0-9a-f]{64}$", id);
        var f = "{{.Config.Hostname}}|{{json .Config.Env}}|{{.Config.WorkingDir}}|{{.Config.User}}|{{.Config.Labels.tier}}|" +
                "{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}|{{.HostConfig.Memory}}|" +
                "{{.HostConfig.NanoCpus}}|{{.HostConfig.CpuShares}}|{{.HostConfig.PidsLimit}}|{{.HostConfig.ShmSize}}|" +
                "{{.HostConfig.ReadonlyRootfs}}|{{json .HostConfig.CapDrop}}|{{json .HostConfig.Ulimits}}|{{.Config.StopSignal}}|" +
                "{{.Config.StopTimeout}}|{{json .Config.Healthcheck.Test}}|{{.Config.Healthcheck.Interval}}|{{json .HostConfig.ExtraHosts}}|" +
                "{{.HostConfig.Init}}|{{json .HostConfig.PortBindings}}|{{json .HostConfig.Tmpfs}}";
        var got = (await Ok("inspect", "-f", f, "cli-flags")).Trim().Split('|');
        Assert.Equal("boxhost", got[0]);
        Assert.Contains("\"A=1\"", got[1]);
        Assert.Contains("\"FROM_FILE=yes\"", got[1]);
        Assert.Equal(["/tmp", "nobody", "web", "on-failure:2", "67108864", "500000000", "512", "50", "16777216", "true"], got[2..12]);
        Assert.Equal("[\"NET_RAW\"]", got[12]);
        Assert.Equal("[{\"Name\":\"nofile\",\"Soft\":100,\"Hard\":200}]", got[13]);
        Assert.Equal(["SIGUSR1", "7", "[\"CMD-SHELL\",\"true\"]", "5000000000", "[\"db:10.9.8.7\"]", "true"], got[14..20]);
        Assert.Equal("{\"80/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"8080\"}]}", got[20]);
        Assert.Equal("{\"/scratch\":\"\"}", got[21]);
        Assert.Equal("cli-flags\n", await Ok("rm", "cli-flags"));
    }

    [Fact]
    public async Task Exec_passes_output_options_and_exit_codes()
    {
        await Ok("run", "-d", "--name", "cli-exec", "-e", "FROM_RUN=1", "busybox", "sleep", "1000");
        try
        {
            var r = await D.WharfAsync("exec", "cli-exec", "sh", "-c", "echo out; echo err >&2; exit 3");
            Assert.Equal(3, r.ExitCode);
            Assert.Equal("out\n", r.Stdout);
            Assert.Equal("err\n", r.Stderr);
            Assert.Equal("b 1 /tmp\n", await Ok("exec", "-e", "A=b", "-w", "/tmp", "cli-exec", "sh", "-c", "echo $A $FROM_RUN $(pwd)"));
            Assert.Contains("uid=65534(nobody)", await Ok("exec", "-u", "nobody", "cli-exec", "id"));
            var stdin = await D.WharfAsync(["exec", "-i", "cli-exec", "wc", "-c"], new MemoryStream("hello"u8.ToArray()));
            Assert.Equal("5", stdin.Stdout.Trim());
            Assert.Equal("", await Ok("exec", "-d", "cli-exec", "sh", "-c", "echo bg > /tmp/marker"));
            string marker = "";
            for (int i = 0; i < 50 && marker != "bg\n"; i++)
            {
                await Task.Delay(100);
                marker = (await D.WharfAsync("exec", "cli-exec", "cat", "/tmp/marker")).Stdout;
            }
            Assert.Equal("bg\n", marker);
            var missing = await D.WharfAsync("exec", "cli-exec", "nosuchcommand");
            Assert.Equal(127, missing.ExitCode);
            Assert.Equal(126, (await D.WharfAsync("exec", "cli-exec", "/etc")).ExitCode);
        }
        finally
        {
            await D.WharfAsync("rm", "-f", "cli-exec");
        }
    }

    [Fact]
    public async Task Interactive_run_under_a_terminal()
    {
        var r = await UnderTerminalAsync("run --rm -it busybox sh", new MemoryStream("echo inside-$((6*7))\nexit 7\n"u8.ToArray()));
        Assert.Contains("inside-42", r.Stdout);
        Assert.Equal(7, r.ExitCode);
        // Raw mode: the container's CRLF arrives as is, not doubled by the local terminal.
        Assert.Contains("inside-42\r\n", r.Stdout);
        Assert.DoesNotContain("\r\r\n", r.Stdout);
        // No terminal mode sequences of the CLI's own.
        Assert.DoesNotContain("\x1b[?1h", r.Stdout);
        var docker = await ProcessRunner.RunAsync("script", ["-qec", "docker run --rm -it busybox sh", "/dev/null"], D.Env(),
            new MemoryStream("echo inside-$((6*7))\nexit 7\n"u8.ToArray()), TimeSpan.FromSeconds(60));
        // The same session through the docker CLI: where the typed lines' echo lands depends on when the
        // pty switches to raw mode, so the transcripts are compared by what the user sees, not byte for byte.
        Assert.Equal(7, docker.ExitCode);
        Assert.Contains("inside-42\r\n", docker.Stdout);
        Assert.Equal(docker.Stdout.Contains("\r\r\n"), r.Stdout.Contains("\r\r\n"));
    }

    [Fact]
    public async Task The_terminal_size_reaches_the_container()
    {
        var r = await ProcessRunner.RunAsync("script", ["-qec", $"stty rows 30 cols 100; {Repo.Wharf} run --rm -t busybox stty size", "/dev/null"],
            D.Env(), new MemoryStream(), TimeSpan.FromSeconds(60));
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("30 100\r", r.Stdout);
    }

    [Fact]
    public async Task Interactive_exec_under_a_terminal()
    {
        await Ok("run", "-d", "--name", "cli-exec-tty", "busybox", "sleep", "1000");
        try
        {
            var r = await UnderTerminalAsync("exec -it cli-exec-tty sh", new MemoryStream("tty; echo inside-$((6*7))\nexit 7\n"u8.ToArray()));
            Assert.Contains("inside-42", r.Stdout);
            Assert.Contains("/dev/pts/", r.Stdout);
            Assert.Equal(7, r.ExitCode);
        }
        finally
        {
            await D.WharfAsync("rm", "-f", "cli-exec-tty");
        }
    }

    [Fact]
    public async Task Detach_keys_leave_the_container_running()
    {
        var input = new TimedInput(
            (TimeSpan.FromSeconds(2), "echo before-detach\n"),
            (TimeSpan.FromSeconds(1), "\x10\x11"),
            (TimeSpan.FromSeconds(3), ""));
        var r = await UnderTerminalAsync("run -it --name cli-detach busybox sh", input);
        try
        {
            Assert.Equal(0, r.ExitCode);
            Assert.Contains("before-detach", r.Stdout);
            Assert.DoesNotContain("escape", r.Stdout);
            Assert.Equal("true", (await Ok("inspect", "-f", "{{.State.Running}}", "cli-detach")).Trim());

            // attach, then detach again: docker reports the escape there.
            var again = await UnderTerminalAsync("attach cli-detach", new TimedInput(
                (TimeSpan.FromSeconds(2), "echo attached-$((1+1))\n"), (TimeSpan.FromSeconds(1), "\x10\x11"), (TimeSpan.FromSeconds(3), "")));
            Assert.Equal(1, again.ExitCode);
            Assert.Contains("attached-2", again.Stdout);
            Assert.Contains("read escape sequence", again.Stdout);
            Assert.Equal("true", (await Ok("inspect", "-f", "{{.State.Running}}", "cli-detach")).Trim());

            // Custom keys.
            await Ok("rm", "-f", "cli-detach");
            var custom = await UnderTerminalAsync("run -it --detach-keys ctrl-x,x --name cli-detach busybox sh", new TimedInput(
                (TimeSpan.FromSeconds(2), "\x18x"), (TimeSpan.FromSeconds(3), "")));
            Assert.Equal(0, custom.ExitCode);
            Assert.Equal("true", (await Ok("inspect", "-f", "{{.State.Running}}", "cli-detach")).Trim());
        }
        finally
        {
            await D.WharfAsync("rm", "-f", "cli-detach");
        }
    }

    [Fact]
    public async Task Signals_are_forwarded_to_the_container()
    {
        var psi = new ProcessStartInfo(Repo.Wharf) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "run", "--rm", "busybox", "sh", "-c", "trap 'echo got-term; exit 3' TERM; echo ready; while true; do sleep 0.1; done" })
            psi.ArgumentList.Add(a);
        foreach (var (k, v) in D.Env()) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Assert.Equal("ready", await p.StandardOutput.ReadLineAsync(timeout.Token));
        Native.Kill(p.Id, 15);
        Assert.Equal("got-term", await p.StandardOutput.ReadLineAsync(timeout.Token));
        await p.WaitForExitAsync(timeout.Token);
        Assert.Equal(3, p.ExitCode);
    }

    [Fact]
    public async Task Inspect_top_stats_wait_rename()
    {
        await Ok("run", "-d", "--name", "cli-web", "busybox", "httpd", "-f", "-p", "8080");
        try
        {
            Assert.Equal("running /cli-web", (await Ok("inspect", "-f", "{{.State.Status}} {{.Name}}", "cli-web")).Trim());
            Assert.Equal("/cli-web", (await Ok("container", "inspect", "--format", "{{.Name}}", "cli-web")).Trim());
            // `inspect` finds images too, and --type narrows the search.
            Assert.StartsWith("sha256:", (await Ok("inspect", "-f", "{{.Id}}", "busybox")).Trim());
            var wrongType = await D.WharfAsync("inspect", "--type", "image", "cli-web");
            Assert.Equal(1, wrongType.ExitCode);
            Assert.Contains("No such image: cli-web", wrongType.Stderr);

            var top = await Ok("top", "cli-web");
            Assert.Matches(@"^UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD", top);
            Assert.Contains("httpd -f -p 8080", top);
            Assert.Equal((await D.DockerAsync("top", "cli-web")).Stdout.Split('\n')[0], top.Split('\n')[0]);

            Assert.Equal("cli-web 1", (await Ok("stats", "--no-stream", "--format", "{{.Name}} {{.PIDs}}", "cli-web")).Trim());
            var table = await Ok("stats", "--no-stream", "cli-web");
            Assert.Matches(@"^CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE / LIMIT\s+MEM %\s+NET I/O\s+BLOCK I/O\s+PIDS\n[0-9a-f]{12}\s+cli-web\s+\d+\.\d\d%", table);

            Assert.Equal("", await Ok("rename", "cli-web", "cli-web2"));
            Assert.Contains("cli-web2", await Ok("ps", "--format", "{{.Names}}"));
        }
        finally
        {
            await D.WharfAsync("rm", "-f", "cli-web2");
            await D.WharfAsync("rm", "-f", "cli-web");
        }
        await Ok("run", "-d", "--name", "cli-wait", "busybox", "sh", "-c", "sleep 0.5; exit 5");
        Assert.Equal("5\n", await Ok("wait", "cli-wait"));
        await Ok("rm", "cli-wait");
    }

    [Fact]
    public async Task Pause_unpause_restart_and_kill()
    {
        await Ok("run", "-d", "--name", "cli-sleeper", "busybox", "sleep", "100");
        try
        {
            Assert.Equal("cli-sleeper\n", await Ok("pause", "cli-sleeper"));
            Assert.Equal("paused true", (await Ok("inspect", "-f", "{{.State.Status}} {{.State.Paused}}", "cli-sleeper")).Trim());
            Assert.Matches(@"\(Paused\)", await Ok("ps", "--filter", "name=cli-sleeper", "--format", "{{.Status}}"));
            var again = await D.WharfAsync("pause", "cli-sleeper");
            Assert.Equal(1, again.ExitCode);
            Assert.Contains("is already paused", again.Stderr);
            Assert.Equal("cli-sleeper\n", await Ok("unpause", "cli-sleeper"));
            Assert.Equal("running false", (await Ok("inspect", "-f", "{{.State.Status}} {{.State.Paused}}", "cli-sleeper")).Trim());

            var started = (await Ok("inspect", "-f", "{{.State.StartedAt}}", "cli-sleeper")).Trim();
            Assert.Equal("cli-sleeper\n", await Ok("restart", "-t", "1", "cli-sleeper"));
            Assert.NotEqual(started, (await Ok("inspect", "-f", "{{.State.StartedAt}}", "cli-sleeper")).Trim());

            Assert.Equal("cli-sleeper\n", await Ok("kill", "-s", "KILL", "cli-sleeper"));
            Assert.Equal("137\n", await Ok("wait", "cli-sleeper"));
            var notRunning = await D.WharfAsync("kill", "cli-sleeper");
            Assert.Equal(1, notRunning.ExitCode);
            Assert.Contains("is not running", notRunning.Stderr);
        }
        finally
        {
            await D.WharfAsync("rm", "-f", "cli-sleeper");
        }
    }

    [Fact]
    public async Task Ps_output_matches_the_docker_cli()
    {
        await Ok("run", "-d", "--name", "cli-ps-a", "-l", "role=a", "busybox", "sleep", "100");
        await Ok("create", "--name", "cli-ps-b", "busybox", "echo", "a rather long command line");
        try
        {
            foreach (var args in new[]
                     {
                         new[] { "ps", "-a", "--filter", "name=cli-ps" },
                         ["ps", "-a", "--no-trunc", "--filter", "name=cli-ps"],
                         ["ps", "-aq", "--filter", "name=cli-ps"],
                         ["ps", "-a", "--format", "{{.Names}}|{{.Image}}|{{.Command}}|{{.Label \"role\"}}|{{.State}}", "--filter", "name=cli-ps"],
                         ["ps", "-a", "--format", "table {{.ID}}\t{{.Names}}\t{{.Labels}}", "--filter", "name=cli-ps"],
                         ["ps", "-a", "--format", "json", "--filter", "name=cli-ps-b"],
                     })
            {
                var wharf = await Ok(args);
                var docker = await D.DockerAsync(args);
                Assert.Equal(0, docker.ExitCode);
                Assert.Equal(Normalize(docker.Stdout), Normalize(wharf));
            }
        }
        finally
        {
            await D.WharfAsync("rm", "-f", "cli-ps-a", "cli-ps-b");
        }
    }

    /// <summary>Time columns may tick between the two runs: "3 seconds ago" and "Up 2 seconds" compare as the same.</summary>
    // Times differ between the two runs, and so does the padding of the table columns that hold them.
    private static string Normalize(string s) =>
        Regex.Replace(Regex.Replace(s, @"(Less than a second|About a minute|\d+ seconds?|\d+ minutes?)( ago)?", "T"), " {2,}", "  ");

    [Fact]
    public async Task Cp_diff_export_commit_update_and_prune()
    {
        await Ok("run", "-d", "--name", "cli-fs", "-m", "64m", "--memory-swap", "128m", "busybox", "sh", "-c", "echo made > /made; sleep 100");
        try
        {
            for (var deadline = DateTime.UtcNow.AddSeconds(15); DateTime.UtcNow < deadline; await Task.Delay(100))
                if ((await D.WharfAsync("exec", "cli-fs", "test", "-s", "/made")).ExitCode == 0) break;
            var dir = Path.Combine(D.Root, "cli-fs");
            Directory.CreateDirectory(dir);
            await File.WriteAllTextAsync(Path.Combine(dir, "in.txt"), "data\n");
            await Ok("cp", Path.Combine(dir, "in.txt"), "cli-fs:/tmp/in.txt");
            await Ok("cp", "cli-fs:/made", Path.Combine(dir, "out.txt"));
            Assert.Equal("made\n", await File.ReadAllTextAsync(Path.Combine(dir, "out.txt")));
            var diff = (await Ok("diff", "cli-fs")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Order().ToList();
            Assert.Equal(["A /made", "A /tmp/in.txt", "C /tmp"], diff);
            await Ok("export", "-o", Path.Combine(dir, "e.tar"), "cli-fs");
            var names = (await ProcessRunner.RunAsync("tar", ["-tf", Path.Combine(dir, "e.tar")])).Stdout;
            Assert.Contains("bin/busybox", names);
            Assert.StartsWith("sha256:", await Ok("commit", "-m", "msg", "-c", "CMD [\"cat\",\"/made\"]", "cli-fs", "cli/fs:1"));
            Assert.Equal("made\n", await Ok("run", "--rm", "cli/fs:1"));
            Assert.Equal("cli-fs\n", await Ok("update", "--memory", "96m", "--memory-swap", "192m", "cli-fs"));
            Assert.Equal("100663296\n", await Ok("inspect", "-f", "{{.HostConfig.Memory}}", "cli-fs"));
            var missing = await D.WharfAsync("cp", "cli-fs:/nope", Path.Combine(dir, "x"));
            Assert.Equal(1, missing.ExitCode);
            Assert.Contains("Could not find the file /nope in container cli-fs", missing.Stderr);
            await Ok("create", "--name", "cli-fs-dead", "-l", "cli-fs=1", "busybox", "true");
            Assert.Contains("Deleted Containers:", await Ok("container", "prune", "-f", "--filter", "label=cli-fs=1"));
            Assert.Equal(1, (await D.WharfAsync("inspect", "cli-fs-dead")).ExitCode);
        }
        finally
        {
            await D.WharfAsync("rm", "-f", "cli-fs");
        }
    }

    [Fact]
    public async Task Commands_of_a_script_append_to_the_file_they_share()
    {
        var file = Path.Combine(D.Root, "shared-out.txt");
        var script = $"{{ '{Repo.Wharf}' version --format one; '{Repo.Wharf}' version --format two; }} > '{file}'";
        var r = await ProcessRunner.RunAsync("sh", ["-c", script], D.Env());
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("one\ntwo\n", await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task Bad_input_gives_one_line_and_dockers_exit_codes()
    {
        var flag = await D.WharfAsync("run", "-m", "12x", "busybox");
        Assert.Equal(125, flag.ExitCode);
        Assert.StartsWith("invalid argument \"12x\" for \"-m, --memory\" flag: invalid suffix: 'x'\n", flag.Stderr);
        var docker = await D.DockerAsync("run", "-m", "12x", "busybox");
        Assert.Equal(docker.Stderr.Replace("docker", "wharf"), flag.Stderr);

        var restart = await D.WharfAsync("run", "-d", "--restart", "sometimes", "busybox", "true");
        Assert.Equal(125, restart.ExitCode);
        Assert.StartsWith("wharf: Error response from daemon: invalid restart policy", restart.Stderr);

        var tty = await D.WharfAsync("run", "-it", "busybox", "true");
        Assert.Equal(1, tty.ExitCode);
        Assert.Equal("the input device is not a TTY\n", tty.Stderr);

        var stop = await D.WharfAsync("stop", "cli-nosuch");
        Assert.Equal(1, stop.ExitCode);
        Assert.Equal("Error response from daemon: No such container: cli-nosuch\n", stop.Stderr);

        var cid = Path.Combine(D.Root, "exists.cid");
        await File.WriteAllTextAsync(cid, "x");
        var cidRun = await D.WharfAsync("run", "-d", "--cidfile", cid, "busybox", "true");
        Assert.Equal(125, cidRun.ExitCode);
        Assert.Contains("container ID file found", cidRun.Stderr);

        var fresh = Path.Combine(D.Root, "fresh.cid");
        var id = (await Ok("run", "-d", "--cidfile", fresh, "busybox", "true")).Trim();
        Assert.Equal(id, await File.ReadAllTextAsync(fresh));
        await Ok("wait", id);
        await Ok("rm", id);

        await Ok("create", "--name", "cli-stopped", "busybox", "true");
        try
        {
            var attach = await D.WharfAsync("attach", "cli-stopped");
            Assert.Equal(1, attach.ExitCode);
            Assert.Equal("You cannot attach to a stopped container, start it first\n", attach.Stderr);
            var exec = await D.WharfAsync("exec", "cli-stopped", "true");
            Assert.Equal(1, exec.ExitCode);
            Assert.Contains("is not running", exec.Stderr);
        }
        finally
        {
            await D.WharfAsync("rm", "-f", "cli-stopped");
        }

        // Nothing half-made was left behind by the refused runs.
        Assert.Equal("", await Ok("ps", "-aq"));
    }

    /// <summary>Input delivered in pieces after pauses, as a user types at a terminal.</summary>
    private sealed class TimedInput(params (TimeSpan Delay, string Text)[] parts) : Stream
    {
        private int _next;
        private byte[] _pending = [];
        private int _pos;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct)
        {
            while (_pos >= _pending.Length)
            {
                if (_next >= parts.Length) return 0;
                var (delay, text) = parts[_next++];
                await Task.Delay(delay, ct);
                _pending = Encoding.ASCII.GetBytes(text);
                _pos = 0;
            }
            var n = Math.Min(count, _pending.Length - _pos);
            Array.Copy(_pending, _pos, buffer, offset, n);
            _pos += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
