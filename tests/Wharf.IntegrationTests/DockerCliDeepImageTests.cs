using System.Text;
using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>
/// Images deeper than one page of overlay options (about 40 layer paths): built, run, and built upon through
/// the docker CLI with the legacy builder.
/// </summary>
public sealed class DockerCliDeepImageTests(DaemonFixture fx) : IClassFixture<DaemonFixture>
{
    private const int Steps = 100;
    private WharfDaemon D => fx.Daemon;

    private Task<string> Ok(params string[] args) => D.DockerOkAsync(args);

    /// <summary>FROM busybox, then 100 layered steps: RUN and COPY in turn, each leaving one file.</summary>
    private async Task BuildDeepAsync(string tag)
    {
        var dockerfile = new StringBuilder("FROM busybox\n");
        var files = new List<(string, string)>();
        for (var i = 0; i < Steps; i += 2)
        {
            dockerfile.Append($"RUN echo run{i} > /run{i}\n");
            dockerfile.Append($"COPY f{i + 1} /copied/\n");
            files.Add(($"f{i + 1}", $"copy{i + 1}\n"));
        }
        var ctx = DockerCliBuildTests.Context(D, dockerfile.ToString(), [.. files]);
        var o = await D.DockerOkAsync(TimeSpan.FromMinutes(8), "build", "-t", tag, ctx);
        Assert.True(o.Contains($"Step {Steps + 1}/{Steps + 1} : COPY f{Steps - 1} /copied/", StringComparison.Ordinal), o);
        Assert.Contains("Successfully tagged " + tag, o);
    }

    [Fact]
    public async Task A_hundred_layer_image_builds_runs_and_is_built_upon()
    {
        await BuildDeepAsync("deep:1");
        var baseLayers = int.Parse((await Ok("image", "inspect", "--format", "{{len .RootFS.Layers}}", "busybox")).Trim());
        Assert.Equal(baseLayers + Steps, int.Parse((await Ok("image", "inspect", "--format", "{{len .RootFS.Layers}}", "deep:1")).Trim()));

        // The bottom and the top of the stack are both visible, and the last writer of a path wins.
        var seen = await Ok("run", "--rm", "deep:1", "cat", "/run0", "/copied/f1", $"/run{Steps - 2}", $"/copied/f{Steps - 1}");
        Assert.Equal($"run0\ncopy1\nrun{Steps - 2}\ncopy{Steps - 1}\n", seen);

        // A container keeps its changes across stop and start; inspect shows the layers as Docker does.
        var id = (await Ok("create", "--name", "deep-c", "deep:1", "sh", "-c", "echo more >> /run0; cat /run0")).Trim();
        await Ok("start", "-a", "deep-c");
        Assert.Equal("run0\nmore\nmore\n", await Ok("start", "-a", "deep-c"));
        var lower = (await Ok("inspect", "--format", "{{.GraphDriver.Data.LowerDir}}", id)).Trim();
        Assert.Equal(baseLayers + Steps, lower.Split(':').Length);
        Assert.True(lower.Length > Environment.SystemPageSize, $"LowerDir is only {lower.Length} characters");
        Assert.All(lower.Split(':'), p => Assert.True(Directory.Exists(p), p));

        // A build on top of it: RUN (a container) and COPY (a step root) both mount the deep stack.
        var ctx = DockerCliBuildTests.Context(D, "FROM deep:1\nRUN cat /run0 /copied/f1 > /both\nCOPY extra /copied/\n", ("extra", "x"));
        await Ok("build", "-t", "deep:2", ctx);
        Assert.Equal("run0\ncopy1\nx", await Ok("run", "--rm", "deep:2", "sh", "-c", "cat /both /copied/extra"));

        await Ok("rm", "deep-c");
        Assert.DoesNotContain(File.ReadLines("/proc/self/mountinfo"), l => l.Contains(D.Root, StringComparison.Ordinal) && l.Contains("overlay", StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(D.DataRoot, "layers"), "tmp-links-*"));
    }
}
