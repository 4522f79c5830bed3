using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>ONBUILD through `docker build`: triggers are stored in the parent and run in the child build, which keeps none.</summary>
public sealed class DockerCliBuildTriggerTests(DaemonFixture fx) : IClassFixture<DaemonFixture>
{
    private WharfDaemon D => fx.Daemon;

    private Task<string> Docker(params string[] args) => D.DockerOkAsync(args);

    [Fact]
    public async Task Onbuild_triggers_run_in_the_child_build_with_the_childs_context()
    {
        var parent = DockerCliBuildTests.Context(D, "FROM busybox\nONBUILD COPY app.txt /app/\nONBUILD RUN echo triggered > /app/ran\n");
        var o = await Docker("build", "-t", "trig:parent", parent);
        Assert.Contains("Step 3/3 : ONBUILD RUN echo triggered > /app/ran", o);
        Assert.Equal("[\"COPY app.txt /app/\",\"RUN echo triggered > /app/ran\"]",
            (await Docker("image", "inspect", "--format", "{{json .Config.OnBuild}}", "trig:parent")).Trim());
        Assert.Equal(1, (await D.DockerAsync("run", "--rm", "trig:parent", "test", "-e", "/app/ran")).ExitCode);

        var child = DockerCliBuildTests.Context(D, "FROM trig:parent\nCMD [\"cat\", \"/app/app.txt\", \"/app/ran\"]\n", ("app.txt", "from the child\n"));
        o = await Docker("build", "-t", "trig:child", child);
        Assert.Contains("# Executing 2 build triggers", o);
        Assert.Equal("from the child\ntriggered\n", await Docker("run", "--rm", "trig:child"));
        Assert.Equal("null", (await Docker("image", "inspect", "--format", "{{json .Config.OnBuild}}", "trig:child")).Trim());
    }

    [Fact]
    public async Task A_failing_trigger_fails_the_child_build_and_leaves_no_container()
    {
        await Docker("build", "-t", "trig:failing", DockerCliBuildTests.Context(D, "FROM busybox\nONBUILD RUN false\n"));
        var r = await D.DockerAsync("build", "-t", "trig:never", DockerCliBuildTests.Context(D, "FROM trig:failing\n"));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("The command '/bin/sh -c false' returned a non-zero code: 1", r.Stderr);
        Assert.Equal("", (await Docker("ps", "-aq")).Trim());
        Assert.NotEqual(0, (await D.DockerAsync("image", "inspect", "trig:never")).ExitCode);
    }
}
