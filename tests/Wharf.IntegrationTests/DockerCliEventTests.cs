using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>The container events Docker emits for everyday verbs, in Docker's order, read with `docker events`.</summary>
public sealed class DockerCliEventTests(DaemonFixture fx) : IClassFixture<DaemonFixture>
{
    private WharfDaemon D => fx.Daemon;

    /// <summary>Events of one container since <paramref name="since"/> (unix seconds), one formatted line each.</summary>
    private async Task<string[]> EventsAsync(long since, string container, string format = "{{.Action}}")
    {
        var until = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1;
        var r = await D.DockerAsync("events", "--since", since.ToString(), "--until", until.ToString(), "--filter", "container=" + container, "--format", format);
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;

    [Fact]
    public async Task Run_exec_kill_stop_rm_emit_dockers_sequence()
    {
        var since = Now;
        var id = (await D.DockerAsync("run", "-d", "--name", "ev-seq", "--label", "team=core", "busybox", "sleep", "1000")).Stdout.Trim();
        Assert.Equal(0, (await D.DockerAsync("exec", "ev-seq", "true")).ExitCode);
        // sleep is PID 1: without a handler it ignores USR1 and TERM, so stop needs its SIGKILL.
        Assert.Equal(0, (await D.DockerAsync("kill", "-s", "USR1", "ev-seq")).ExitCode);
        Assert.Equal(0, (await D.DockerAsync("stop", "-t", "1", "ev-seq")).ExitCode);
        Assert.Equal(0, (await D.DockerAsync("rm", "ev-seq")).ExitCode);
        Assert.Equal(
            ["create", "start", "exec_create: true ", "exec_start: true ", "exec_die", "kill", "kill", "kill", "die", "stop", "destroy"],
            await EventsAsync(since, id));
        var attributes = await EventsAsync(since, id, "{{.Action}} {{index .Actor.Attributes \"signal\"}}{{index .Actor.Attributes \"exitCode\"}} {{.Actor.Attributes.name}} {{.Actor.Attributes.team}}");
        Assert.Contains("kill 10 ev-seq core", attributes);
        Assert.Contains("kill 15 ev-seq core", attributes);
        Assert.Contains("kill 9 ev-seq core", attributes);
        Assert.Contains("exec_die 0 ev-seq core", attributes);
        Assert.Contains("die 137 ev-seq core", attributes);
        Assert.Matches(@"^\d+$", (await EventsAsync(since, id, "{{.Action}} {{.Actor.Attributes.execDuration}}")).Single(l => l.StartsWith("die ", StringComparison.Ordinal))[4..]);
    }

    [Fact]
    public async Task Attached_run_pause_rename_restart_top_and_forced_rm()
    {
        var since = Now;
        Assert.Equal(0, (await D.DockerAsync("run", "--rm", "--name", "ev-attached", "busybox", "true")).ExitCode);
        Assert.Equal(["create", "attach", "start", "die", "destroy"], await EventsAsync(since, "ev-attached"));

        since = Now;
        var id = (await D.DockerAsync("run", "-d", "--name", "ev-life", "busybox", "sleep", "1000")).Stdout.Trim();
        Assert.Equal(0, (await D.DockerAsync("pause", "ev-life")).ExitCode);
        Assert.Equal(0, (await D.DockerAsync("unpause", "ev-life")).ExitCode);
        Assert.Equal(0, (await D.DockerAsync("rename", "ev-life", "ev-life2")).ExitCode);
        Assert.Equal(0, (await D.DockerAsync("top", "ev-life2")).ExitCode);
        Assert.Equal(0, (await D.DockerAsync("restart", "-t", "0", "ev-life2")).ExitCode);
        Assert.Equal(0, (await D.DockerAsync("rm", "-f", "ev-life2")).ExitCode);
        Assert.Equal(
            ["create", "start", "pause", "unpause", "rename", "top", "kill", "kill", "die", "stop", "start", "restart", "kill", "die", "destroy"],
            await EventsAsync(since, id));
        Assert.Contains("rename /ev-life", await EventsAsync(since, id, "{{.Action}} {{.Actor.Attributes.oldName}}"));
    }

    [Fact]
    public async Task A_policy_restart_reports_start_but_not_restart()
    {
        var since = Now;
        var id = (await D.DockerAsync("run", "-d", "--name", "ev-policy", "--restart", "on-failure:1", "busybox", "sh", "-c", "sleep 0.2; exit 3")).Stdout.Trim();
        var events = await EventsAsync(since, id);
        for (var i = 0; i < 50 && events.Count(e => e == "die") < 2; i++)
        {
            await Task.Delay(200);
            events = await EventsAsync(since, id);
        }
        Assert.Equal(["create", "start", "die", "start", "die"], events);
        Assert.Equal("exited 1", (await D.DockerAsync("inspect", "-f", "{{.State.Status}} {{.RestartCount}}", id)).Stdout.Trim());
        Assert.Equal(0, (await D.DockerAsync("rm", id)).ExitCode);
    }

    [Fact]
    public async Task Memory_limit_ends_in_an_oom_kill()
    {
        var since = Now;
        var r = await D.DockerAsync(["run", "--name", "ev-oom", "--memory", "64m", "--memory-swap", "64m", "busybox", "sh", "-c", "x=a; while :; do x=$x$x; done"],
            null, TimeSpan.FromMinutes(2));
        try
        {
            Assert.Equal(137, r.ExitCode);
            Assert.Equal("true 137", (await D.DockerAsync("inspect", "-f", "{{.State.OOMKilled}} {{.State.ExitCode}}", "ev-oom")).Stdout.Trim());
            Assert.Equal(["create", "attach", "start", "oom", "die"], await EventsAsync(since, "ev-oom"));
        }
        finally { await D.DockerAsync("rm", "-f", "ev-oom"); }
    }
}
