using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>`docker build --cache-from` with an image that was saved and loaded back: no parents, only its history and layers.</summary>
public sealed class DockerCliBuildCacheFromTests(DaemonFixture fx) : IClassFixture<DaemonFixture>
{
    private WharfDaemon D => fx.Daemon;

    private const string Dockerfile = "FROM busybox\nRUN echo built > /b\nENV X=1\nWORKDIR /w\nRUN echo more > /c\n";

    [Fact]
    public async Task A_loaded_image_serves_as_cache_for_every_step_it_matches()
    {
        var ctx = DockerCliBuildTests.Context(D, Dockerfile);
        await D.DockerOkAsync("build", "-t", "cf:1", ctx);
        var original = (await D.DockerOkAsync("image", "inspect", "--format", "{{.Id}}", "cf:1")).Trim();
        var saved = Path.Combine(D.Root, "cf-" + Guid.NewGuid().ToString("N")[..6] + ".tar");
        await D.DockerOkAsync("save", "-o", saved, "cf:1");
        await D.DockerOkAsync("rmi", "cf:1");
        await D.DockerOkAsync("builder", "prune", "-a", "-f");
        await D.DockerOkAsync("load", "-i", saved);

        // Without --cache-from nothing is cached any more; with it every step after FROM is.
        var o = await D.DockerOkAsync("build", "--cache-from", "cf:1", "-t", "cf:2", ctx);
        Assert.Equal(4, o.Split('\n').Count(l => l == " ---> Using cache"));
        Assert.DoesNotContain("Running in", o);
        Assert.Equal(original, (await D.DockerOkAsync("image", "inspect", "--format", "{{.Id}}", "cf:2")).Trim());
        Assert.Equal("built\nmore\n/w\n", await D.DockerOkAsync("run", "--rm", "cf:2", "sh", "-c", "cat /b /c; pwd"));

        // A changed step and the ones after it run again; the ones before still come from the loaded image.
        var changed = DockerCliBuildTests.Context(D, Dockerfile.Replace("ENV X=1", "ENV X=2", StringComparison.Ordinal));
        o = await D.DockerOkAsync("build", "--cache-from", "cf:1", "-t", "cf:3", changed);
        Assert.Equal(1, o.Split('\n').Count(l => l == " ---> Using cache"));
        Assert.Contains("Running in", o);
        Assert.Equal("2 more\n", await D.DockerOkAsync("run", "--rm", "cf:3", "sh", "-c", "echo $X $(cat /c)"));
    }
}
