using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>What `wharf build` shows: the live per-stage view on a terminal, and with -q only the id, or the error line.</summary>
public sealed class WharfCliBuildViewTests(DaemonFixture fx) : IClassFixture<DaemonFixture>
{
    private WharfDaemon D => fx.Daemon;

    [Fact]
    public async Task Progress_tty_under_a_terminal_shows_a_live_line_per_stage()
    {
        var ctx = DockerCliBuildTests.Context(D, """
            FROM busybox AS one
            RUN sleep 0.5; echo one > /one
            FROM busybox AS two
            RUN sleep 0.5; echo two > /two
            FROM busybox
            COPY --from=one /one /one
            COPY --from=two /two /two
            CMD ["cat", "/one", "/two"]
            """);
        var r = await ProcessRunner.RunAsync("script", ["-qec", $"{Repo.Wharf} build --progress tty -t live:1 {ctx}", "/dev/null"], D.Env(), null, TimeSpan.FromMinutes(2));

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("\x1b[2m=> [one] Step ", r.Stdout);
        Assert.Contains("\x1b[2m=> [two] Step ", r.Stdout);
        Assert.Contains("\x1b[1m[one] Step 2/8 : RUN sleep 0.5; echo one > /one\x1b[0m", r.Stdout);
        // The block is erased before each new part of the log and at the end.
        Assert.Contains("F\x1b[J", r.Stdout);
        Assert.EndsWith("F\x1b[J", r.Stdout.TrimEnd('\r', '\n'));
        Assert.Equal("one\ntwo\n", await D.DockerOkAsync("run", "--rm", "live:1"));
    }

    [Fact]
    public async Task Quiet_build_prints_only_the_error_line_when_a_step_fails()
    {
        var ctx = DockerCliBuildTests.Context(D, "FROM busybox\nRUN echo noisy-output && false\n");
        var r = await D.WharfAsync("build", "-q", "-t", "quiet:fail", ctx);

        Assert.Equal(1, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Equal("The command '/bin/sh -c echo noisy-output && false' returned a non-zero code: 1",
            r.Stderr.Trim().Split('\n')[^1].Replace("Error response from daemon: ", "", StringComparison.Ordinal));
        Assert.DoesNotContain("noisy-output\n", r.Stderr);
        Assert.NotEqual(0, (await D.WharfAsync("image", "inspect", "quiet:fail")).ExitCode);
    }
}
