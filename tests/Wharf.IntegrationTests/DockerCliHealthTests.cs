using System.Text.Json;
using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>Healthchecks through the real docker CLI: flags, image HEALTHCHECK, status, log, events, ps.</summary>
public sealed class DockerCliHealthTests(DaemonFixture fx) : IClassFixture<DaemonFixture>
{
    private WharfDaemon D => fx.Daemon;

    private async Task<string> InspectAsync(string name, string format) =>
        (await D.DockerAsync("inspect", "-f", format, name)).Stdout.Trim();

    private async Task WaitForHealthAsync(string name, string status)
    {
        var seen = "";
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            seen = await InspectAsync(name, "{{.State.Health.Status}}");
            if (seen == status) return;
        }
        Assert.Fail($"{name} never became {status}; last status {seen}");
    }

    /// <summary>A running container whose probe always passes, once it has been found healthy.</summary>
    private async Task RunHealthyAsync(string name)
    {
        var r = await D.DockerAsync("run", "-d", "--name", name, "--health-cmd", "true", "--health-interval", "100ms", "busybox", "sleep", "1000");
        Assert.True(r.ExitCode == 0, r.ToString());
        await WaitForHealthAsync(name, "healthy");
    }

    private async Task<string> PsStatusAsync(string name) =>
        (await D.DockerAsync("ps", "-a", "--filter", "name=" + name, "--format", "{{.Status}}")).Stdout.Trim();

    private async Task<string> NamesWithHealthAsync(string health) =>
        (await D.DockerAsync("ps", "-a", "--filter", "health=" + health, "--format", "{{.Names}}")).Stdout;

    [Fact]
    public async Task Health_follows_the_probe_through_start_period_healthy_and_unhealthy()
    {
        var since = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;
        // Failures inside the start period do not count: the container stays "starting".
        var run = await D.DockerAsync("run", "-d", "--name", "hc-flags", "--health-cmd", "test -f /tmp/ok",
            "--health-interval", "200ms", "--health-retries", "2", "--health-start-period", "60s",
            "--health-start-interval", "100ms", "--health-timeout", "5s", "busybox", "sleep", "1000");
        Assert.True(run.ExitCode == 0, run.ToString());
        try
        {
            var config = JsonDocument.Parse(await InspectAsync("hc-flags", "{{json .Config.Healthcheck}}")).RootElement;
            Assert.Equal("""["CMD-SHELL","test -f /tmp/ok"]""", config.GetProperty("Test").GetRawText());
            Assert.Equal(200_000_000, config.GetProperty("Interval").GetInt64());
            Assert.Equal(60_000_000_000, config.GetProperty("StartPeriod").GetInt64());
            Assert.Equal(2, config.GetProperty("Retries").GetInt32());

            for (var i = 0; i < 100 && await InspectAsync("hc-flags", "{{len .State.Health.Log}}") is "0" or ""; i++) await Task.Delay(100);
            var health = JsonDocument.Parse(await InspectAsync("hc-flags", "{{json .State.Health}}")).RootElement;
            Assert.Equal("starting", health.GetProperty("Status").GetString());
            Assert.Equal(0, health.GetProperty("FailingStreak").GetInt32());
            var first = health.GetProperty("Log")[0];
            Assert.Equal(1, first.GetProperty("ExitCode").GetInt32());
            Assert.True(DateTimeOffset.Parse(first.GetProperty("End").GetString()!) >= DateTimeOffset.Parse(first.GetProperty("Start").GetString()!));
            Assert.Matches(@"^Up .* \(health: starting\)$", await PsStatusAsync("hc-flags"));
            Assert.Contains("hc-flags", await NamesWithHealthAsync("starting"));

            Assert.Equal(0, (await D.DockerAsync("exec", "hc-flags", "touch", "/tmp/ok")).ExitCode);
            await WaitForHealthAsync("hc-flags", "healthy");
            Assert.Matches(@"^Up .* \(healthy\)$", await PsStatusAsync("hc-flags"));
            Assert.Contains("hc-flags", await NamesWithHealthAsync("healthy"));
            Assert.DoesNotContain("hc-flags", await NamesWithHealthAsync("starting"));

            // Once healthy, failures count even inside the start period: two in a row make it unhealthy.
            Assert.Equal(0, (await D.DockerAsync("exec", "hc-flags", "rm", "/tmp/ok")).ExitCode);
            await WaitForHealthAsync("hc-flags", "unhealthy");
            Assert.Matches(@"^Up .* \(unhealthy\)$", await PsStatusAsync("hc-flags"));
            Assert.Contains("hc-flags", await NamesWithHealthAsync("unhealthy"));
            health = JsonDocument.Parse(await InspectAsync("hc-flags", "{{json .State.Health}}")).RootElement;
            Assert.True(health.GetProperty("FailingStreak").GetInt32() >= 2);
            // At least: the failure while starting, the success, two failures; at most the last five.
            var log = health.GetProperty("Log").EnumerateArray().Select(r => r.GetProperty("ExitCode").GetInt32()).ToList();
            Assert.InRange(log.Count, 4, 5);
            Assert.Equal([1, 1], log[^2..]);

            var until = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1;
            var events = (await D.DockerAsync("events", "--since", since.ToString(), "--until", until.ToString(),
                "--filter", "container=hc-flags", "--format", "{{.Action}}")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(new[] { "health_status: healthy", "health_status: unhealthy" }, events.Where(e => e.StartsWith("health_status", StringComparison.Ordinal)));
            // Probes run through exec, with Docker's events for them.
            Assert.Contains("exec_create: /bin/sh -c test -f /tmp/ok", events);
            Assert.Contains("exec_start: /bin/sh -c test -f /tmp/ok", events);
            Assert.Contains("exec_die", events);
        }
        finally { await D.DockerAsync("rm", "-f", "hc-flags"); }
    }

    [Fact]
    public async Task Stop_leaves_unhealthy_and_a_new_start_begins_with_starting()
    {
        await RunHealthyAsync("hc-stop");
        try
        {
            Assert.Equal(0, (await D.DockerAsync("stop", "-t", "0", "hc-stop")).ExitCode);
            // Docker marks the health of a stopped container unhealthy and keeps its log.
            Assert.Equal("false unhealthy", await InspectAsync("hc-stop", "{{.State.Running}} {{.State.Health.Status}}"));
            Assert.NotEqual("0", await InspectAsync("hc-stop", "{{len .State.Health.Log}}"));
            Assert.Matches(@"^Exited \(137\)", await PsStatusAsync("hc-stop"));

            // The start period keeps a new run "starting" long enough to see it, with a zero streak.
            Assert.Equal(0, (await D.DockerAsync("start", "hc-stop")).ExitCode);
            var state = await InspectAsync("hc-stop", "{{.State.Health.Status}} {{.State.Health.FailingStreak}}");
            Assert.True(state is "starting 0" or "healthy 0", state);
            await WaitForHealthAsync("hc-stop", "healthy");

            // Paused: the monitor stops and Docker shows unhealthy; unpaused, probes resume.
            Assert.Equal(0, (await D.DockerAsync("pause", "hc-stop")).ExitCode);
            Assert.Equal("unhealthy", await InspectAsync("hc-stop", "{{.State.Health.Status}}"));
            Assert.Equal(0, (await D.DockerAsync("unpause", "hc-stop")).ExitCode);
            await WaitForHealthAsync("hc-stop", "healthy");
        }
        finally { await D.DockerAsync("rm", "-f", "hc-stop"); }
    }

    [Fact]
    public async Task A_probe_past_its_timeout_is_killed_and_output_is_capped()
    {
        Assert.Equal(0, (await D.DockerAsync("run", "-d", "--name", "hc-slow", "--health-cmd", "echo probing; sleep 30",
            "--health-timeout", "300ms", "--health-interval", "100ms", "--health-retries", "1", "busybox", "sleep", "1000")).ExitCode);
        Assert.Equal(0, (await D.DockerAsync("run", "-d", "--name", "hc-loud", "--health-cmd", "head -c 5000 /dev/zero | tr '\\0' a; exit 3",
            "--health-interval", "100ms", "busybox", "sleep", "1000")).ExitCode);
        try
        {
            await WaitForHealthAsync("hc-slow", "unhealthy");
            var result = JsonDocument.Parse(await InspectAsync("hc-slow", "{{json (index .State.Health.Log 0)}}")).RootElement;
            Assert.Equal(-1, result.GetProperty("ExitCode").GetInt32());
            Assert.Equal("Health check exceeded timeout (300ms): probing\n", result.GetProperty("Output").GetString());
            var started = DateTimeOffset.Parse(result.GetProperty("Start").GetString()!);
            var ended = DateTimeOffset.Parse(result.GetProperty("End").GetString()!);
            Assert.True(ended - started < TimeSpan.FromSeconds(10), $"the probe ran {ended - started}");
            // The killed shell does not pile up: at most the probe in flight remains.
            var top = (await D.DockerAsync("top", "hc-slow")).Stdout;
            Assert.True(top.Split('\n').Count(l => l.Contains("echo probing", StringComparison.Ordinal)) <= 1, top);

            await WaitForHealthAsync("hc-loud", "unhealthy");
            result = JsonDocument.Parse(await InspectAsync("hc-loud", "{{json (index .State.Health.Log 0)}}")).RootElement;
            Assert.Equal(3, result.GetProperty("ExitCode").GetInt32());
            Assert.Equal(new string('a', 4096) + "...", result.GetProperty("Output").GetString());
        }
        finally { await D.DockerAsync("rm", "-f", "hc-slow", "hc-loud"); }
    }

    [Fact]
    public async Task Image_healthcheck_is_inherited_and_no_healthcheck_turns_it_off()
    {
        Assert.Equal(0, (await D.DockerAsync("import", "-c", "CMD [\"sleep\", \"1000\"]", "-c", "HEALTHCHECK --interval=100ms --retries=1 CMD [\"cat\", \"/etc/hostname\"]",
            TestImages.BusyboxRootfs, "hc/image:1")).ExitCode);
        Assert.Equal(0, (await D.DockerAsync("run", "-d", "--name", "hc-image", "hc/image:1")).ExitCode);
        Assert.Equal(0, (await D.DockerAsync("run", "-d", "--name", "hc-off", "--no-healthcheck", "hc/image:1")).ExitCode);
        // A flag overrides the image's command and keeps its other values.
        Assert.Equal(0, (await D.DockerAsync("run", "-d", "--name", "hc-over", "--health-cmd", "exit 1", "hc/image:1")).ExitCode);
        try
        {
            await WaitForHealthAsync("hc-image", "healthy");
            var output = await InspectAsync("hc-image", "{{(index .State.Health.Log 0).Output}}");
            Assert.Equal(await InspectAsync("hc-image", "{{.Config.Hostname}}"), output);

            // As in Docker, NONE only replaces the test; the image's other values are merged in and unused.
            Assert.Equal("""["NONE"]""", await InspectAsync("hc-off", "{{json .Config.Healthcheck.Test}}"));
            Assert.Equal("null", await InspectAsync("hc-off", "{{json .State.Health}}"));
            Assert.Matches(@"^Up [^(]*$", await PsStatusAsync("hc-off"));
            Assert.Contains("hc-off", await NamesWithHealthAsync("none"));
            Assert.DoesNotContain("hc-image", await NamesWithHealthAsync("none"));

            await WaitForHealthAsync("hc-over", "unhealthy");
            Assert.Equal("""{"Test":["CMD-SHELL","exit 1"],"Interval":100000000,"Retries":1}""", await InspectAsync("hc-over", "{{json .Config.Healthcheck}}"));
        }
        finally { await D.DockerAsync("rm", "-f", "hc-image", "hc-off", "hc-over"); }
    }

    [Fact]
    public async Task Health_monitors_resume_when_the_daemon_restarts()
    {
        await RunHealthyAsync("hc-live");
        try
        {
            await D.StopAsync();
            var since = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;
            await D.StartAsync();
            await WaitForHealthAsync("hc-live", "healthy");
            Assert.Equal("true", await InspectAsync("hc-live", "{{.State.Running}}"));
            // The reconnected container starts over at "starting", so it becomes healthy again.
            var events = await D.DockerAsync("events", "--since", since.ToString(), "--until", (DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1).ToString(),
                "--filter", "container=hc-live", "--filter", "event=health_status", "--format", "{{.Action}}");
            Assert.Equal("health_status: healthy", events.Stdout.Trim());
        }
        finally { await D.DockerAsync("rm", "-f", "hc-live"); }
    }

    [Fact]
    public async Task Bad_healthcheck_values_and_filters_are_refused()
    {
        var before = (await D.DockerAsync("ps", "-aq")).Stdout;
        var interval = await D.DockerAsync("run", "-d", "--health-cmd", "true", "--health-interval", "500us", "busybox", "true");
        Assert.Equal(125, interval.ExitCode);
        Assert.Contains("Interval in Healthcheck cannot be less than 1ms", interval.Stderr);
        var start = await D.DockerAsync("create", "--health-cmd", "true", "--health-start-period", "10us", "busybox", "true");
        Assert.NotEqual(0, start.ExitCode);
        Assert.Contains("StartPeriod in Healthcheck cannot be less than 1ms", start.Stderr);
        Assert.Equal(before, (await D.DockerAsync("ps", "-aq")).Stdout);

        using var http = D.CreateHttpClient();
        var body = """{"Image":"busybox","Cmd":["true"],"Healthcheck":{"Test":["CMD","true"],"Retries":-1}}""";
        var created = await http.PostAsync("/containers/create", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(400, (int)created.StatusCode);
        Assert.Contains("Retries in Healthcheck cannot be negative", await created.Content.ReadAsStringAsync());

        var filter = await D.DockerAsync("ps", "--filter", "health=sick");
        Assert.NotEqual(0, filter.ExitCode);
        Assert.Contains("invalid filter 'health=sick': invalid value for health (sick): must be one of none, starting, healthy, unhealthy", filter.Stderr);
    }
}
