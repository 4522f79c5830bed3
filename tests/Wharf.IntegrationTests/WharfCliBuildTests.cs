using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>`wharf build` and `wharf builder prune`: client-side .dockerignore, -f outside the context, stdin, parallel stages, a cache that survives restarts.</summary>
public sealed class WharfCliBuildTests(DaemonFixture fx) : IClassFixture<DaemonFixture>
{
    private WharfDaemon D => fx.Daemon;

    private async Task<string> Wharf(params string[] args)
    {
        var r = await D.WharfAsync(args);
        Assert.True(r.ExitCode == 0, $"wharf {string.Join(' ', args)} failed: {r}\n{D.Log}");
        return r.Stdout;
    }

    private string Context(string dockerfile, params (string, string)[] files) => DockerCliBuildTests.Context(D, dockerfile, files);

    [Fact]
    public async Task Build_quiet_prints_the_id_and_writes_the_iidfile()
    {
        var ctx = Context("FROM busybox\nLABEL quiet=yes\n");
        var iid = Path.Combine(D.Root, "iid-" + Guid.NewGuid().ToString("N")[..6]);
        var o = (await Wharf("build", "-q", "--iidfile", iid, "-t", "w/quiet", ctx)).Trim();
        Assert.Matches("^sha256:[0-9a-f]{64}$", o);
        Assert.Equal(o, File.ReadAllText(iid));
        Assert.Equal(o, (await Wharf("image", "inspect", "--format", "{{.Id}}", "w/quiet")).Trim());
    }

    [Fact]
    public async Task Dockerfile_outside_the_context_and_labels_and_target()
    {
        var ctx = Context("this file is not used\n", ("data.txt", "data\n"));
        var outside = Path.Combine(D.Root, "outside-" + Guid.NewGuid().ToString("N")[..6] + ".Dockerfile");
        File.WriteAllText(outside, "FROM busybox AS base\nCOPY data.txt /data.txt\nFROM base AS final\nRUN false\n");
        var o = await Wharf("build", "-f", outside, "--target", "base", "--label", "team=core", "-t", "w/outside", ctx);
        Assert.Contains("Step 3/3 : LABEL", o);
        Assert.Equal("data", (await D.DockerAsync("run", "--rm", "w/outside", "cat", "/data.txt")).Stdout.Trim());
        Assert.Equal("core", (await Wharf("image", "inspect", "--format", "{{index .Config.Labels \"team\"}}", "w/outside")).Trim());
    }

    [Fact]
    public async Task Dockerfile_from_stdin()
    {
        using var input = new MemoryStream("FROM busybox\nENV FROM_STDIN=1\n"u8.ToArray());
        var r = await D.WharfAsync(["build", "-t", "w/stdin", "-"], input);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("FROM_STDIN=1", (await Wharf("image", "inspect", "--format", "{{.Config.Env}}", "w/stdin")));
    }

    [Fact]
    public async Task Dockerignore_exception_patterns_apply_client_side()
    {
        var ctx = Context("FROM busybox\nCOPY . /c\n", (".dockerignore", "*.tmp\n**/cache\n!keep.tmp\n"),
            ("a.tmp", "x"), ("keep.tmp", "k"), ("src/cache/big", "x"), ("src/main.c", "int main;"));
        await Wharf("build", "-t", "w/ignore", ctx);
        var files = (await D.DockerAsync("run", "--rm", "w/ignore", "find", "/c", "-type", "f")).Stdout;
        Assert.Contains("/c/keep.tmp", files);
        Assert.Contains("/c/src/main.c", files);
        Assert.DoesNotContain("a.tmp", files);
        Assert.DoesNotContain("cache", files);
    }

    [Fact]
    public async Task Independent_stages_build_in_parallel_with_prefixed_output()
    {
        var ctx = Context("""
            FROM busybox AS one
            RUN sleep 1 && echo one > /one
            FROM busybox AS two
            RUN sleep 1 && echo two > /two
            FROM busybox
            COPY --from=one /one /one
            COPY --from=two /two /two
            CMD ["cat", "/one", "/two"]
            """);
        var started = DateTime.UtcNow;
        var o = await Wharf("build", "--progress", "plain", "-t", "w/parallel", ctx);
        Assert.Contains("[one] Step 2/8 : RUN sleep 1", o);
        Assert.Contains("[two] Step 4/8 : RUN sleep 1", o);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30));
        Assert.Equal("one\ntwo", (await D.DockerAsync("run", "--rm", "w/parallel")).Stdout.Trim());
    }

    [Fact]
    public async Task Failing_run_exits_with_its_code()
    {
        var ctx = Context("FROM busybox\nRUN exit 4\n");
        var r = await D.WharfAsync("build", ctx);
        Assert.Equal(4, r.ExitCode);
        Assert.Contains("The command '/bin/sh -c exit 4' returned a non-zero code: 4", r.Stderr);
    }

    [Fact]
    public async Task Cache_survives_a_restart_and_builder_prune_empties_it()
    {
        await using var d = await WharfDaemon.StartNewAsync();
        var ctx = DockerCliBuildTests.Context(d, "FROM busybox\nRUN echo cached > /c\nENV X=1\n");
        var first = await d.WharfAsync("build", ctx);
        Assert.True(first.ExitCode == 0, first.ToString());
        await d.StopAsync();
        await d.StartAsync();
        var second = await d.WharfAsync("build", ctx);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(2, second.Stdout.Split(" ---> Using cache").Length - 1);

        var prune = await d.WharfAsync("builder", "prune", "-f", "-a");
        Assert.True(prune.ExitCode == 0, prune.ToString());
        Assert.Contains("Deleted build cache objects:", prune.Stdout);
        var third = await d.WharfAsync("build", ctx);
        Assert.DoesNotContain("Using cache", third.Stdout);
        // The docker CLI's builder prune reaches the same API.
        var dockerPrune = await d.DockerAsync("builder", "prune", "-f");
        Assert.True(dockerPrune.ExitCode == 0, dockerPrune.ToString());
    }
}
