using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>`docker exec` in its forms through the real docker CLI.</summary>
public sealed class DockerCliExecTests(DaemonFixture fx) : IClassFixture<DaemonFixture>
{
    private WharfDaemon D => fx.Daemon;

    private async Task<string> RunningAsync(string name)
    {
        var r = await D.DockerAsync("run", "-d", "--name", name, "-e", "FROM_RUN=1", "busybox", "sleep", "1000");
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.Stdout.Trim();
    }

    private async Task RemoveAsync(string name) => await D.DockerAsync("rm", "-f", name);

    [Fact]
    public async Task Exec_prints_output_and_passes_exit_codes()
    {
        await RunningAsync("ex-basic");
        try
        {
            var r = await D.DockerAsync("exec", "ex-basic", "sh", "-c", "echo out; echo err >&2; exit 3");
            Assert.Equal(3, r.ExitCode);
            Assert.Equal("out\n", r.Stdout);
            Assert.Equal("err\n", r.Stderr);
            var env = await D.DockerAsync("exec", "-e", "A=b", "-w", "/tmp", "ex-basic", "sh", "-c", "echo $A $FROM_RUN $(pwd)");
            Assert.Equal("b 1 /tmp\n", env.Stdout);
            var user = await D.DockerAsync("exec", "-u", "nobody", "ex-basic", "id");
            Assert.Contains("uid=65534(nobody)", user.Stdout);
            var caps = await D.DockerAsync("exec", "ex-basic", "grep", "CapEff", "/proc/self/status");
            var privCaps = await D.DockerAsync("exec", "--privileged", "ex-basic", "grep", "CapEff", "/proc/self/status");
            static ulong Mask(string line) => Convert.ToUInt64(line.Split(':')[1].Trim(), 16);
            const ulong sysAdmin = 1UL << 21;
            Assert.Equal(0UL, Mask(caps.Stdout) & sysAdmin);
            Assert.Equal(sysAdmin, Mask(privCaps.Stdout) & sysAdmin);
        }
        finally { await RemoveAsync("ex-basic"); }
    }

    [Fact]
    public async Task Exec_pipes_stdin_and_its_end()
    {
        await RunningAsync("ex-stdin");
        try
        {
            var r = await D.DockerAsync(["exec", "-i", "ex-stdin", "wc", "-l"], new MemoryStream("a\nb\nc\n"u8.ToArray()));
            Assert.Equal(0, r.ExitCode);
            Assert.Equal("3", r.Stdout.Trim());
        }
        finally { await RemoveAsync("ex-stdin"); }
    }

    [Fact]
    public async Task Detached_exec_runs_in_the_background()
    {
        await RunningAsync("ex-detach");
        try
        {
            var r = await D.DockerAsync("exec", "-d", "ex-detach", "sh", "-c", "sleep 0.3; echo done > /tmp/marker");
            Assert.Equal(0, r.ExitCode);
            Assert.Equal("", r.Stdout);
            string marker = "";
            for (int i = 0; i < 50 && marker != "done\n"; i++)
            {
                await Task.Delay(100);
                marker = (await D.DockerAsync("exec", "ex-detach", "cat", "/tmp/marker")).Stdout;
            }
            Assert.Equal("done\n", marker);
        }
        finally { await RemoveAsync("ex-detach"); }
    }

    [Fact]
    public async Task Missing_commands_exit_127_and_126()
    {
        await RunningAsync("ex-missing");
        try
        {
            var r = await D.DockerAsync("exec", "ex-missing", "nosuchcommand");
            Assert.Equal(127, r.ExitCode);
            Assert.Contains("executable file not found in $PATH", r.Stdout + r.Stderr);
            var dir = await D.DockerAsync("exec", "ex-missing", "/etc");
            Assert.Equal(126, dir.ExitCode);
        }
        finally { await RemoveAsync("ex-missing"); }
    }

    [Fact]
    public async Task Exec_errors_use_dockers_messages()
    {
        var id = (await D.DockerAsync("create", "--name", "ex-stopped", "busybox", "true")).Stdout.Trim();
        try
        {
            var r = await D.DockerAsync("exec", "ex-stopped", "true");
            Assert.NotEqual(0, r.ExitCode);
            Assert.Contains($"container {id} is not running", r.Stderr);
            using var http = D.CreateHttpClient();
            var inspect = await http.GetAsync("/exec/0123456789abcdef/json");
            Assert.Equal(404, (int)inspect.StatusCode);
            Assert.Contains("No such exec instance: 0123456789abcdef", await inspect.Content.ReadAsStringAsync());
        }
        finally { await RemoveAsync("ex-stopped"); }
    }

    [Fact]
    public async Task Exec_events_are_reported()
    {
        await RunningAsync("ex-events");
        try
        {
            var since = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;
            Assert.Equal(0, (await D.DockerAsync("exec", "ex-events", "true")).ExitCode);
            var until = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1;
            var ev = await D.DockerAsync("events", "--since", since.ToString(), "--until", until.ToString(), "--filter", "container=ex-events", "--format", "{{.Action}} {{.Actor.Attributes.exitCode}}");
            Assert.Contains("exec_create: true ", ev.Stdout);
            Assert.Contains("exec_start: true ", ev.Stdout);
            Assert.Contains("exec_die 0", ev.Stdout);
        }
        finally { await RemoveAsync("ex-events"); }
    }

    [Fact]
    public async Task Interactive_exec_under_a_terminal()
    {
        await RunningAsync("ex-tty");
        try
        {
            var input = new MemoryStream("tty; echo inside-$((6*7))\nexit 7\n"u8.ToArray());
            var r = await ProcessRunner.RunAsync("script", ["-qec", "docker exec -it ex-tty sh", "/dev/null"], D.Env(), input, TimeSpan.FromSeconds(60));
            Assert.Contains("inside-42", r.Stdout);
            Assert.Contains("/dev/pts/", r.Stdout);
            Assert.Equal(7, r.ExitCode);
        }
        finally { await RemoveAsync("ex-tty"); }
    }
}
