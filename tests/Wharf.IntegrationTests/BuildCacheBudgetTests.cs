using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>daemon.json builder.gc.defaultKeepStorage: after a build the least recently used cache goes until the cache fits.</summary>
public sealed class BuildCacheBudgetTests
{
    [Fact]
    public async Task The_oldest_cache_is_collected_when_a_build_passes_the_budget()
    {
        await using var d = await WharfDaemon.StartNewAsync();
        await d.StopAsync();
        File.WriteAllText(d.ConfigFile, """{"builder":{"gc":{"enabled":true,"defaultKeepStorage":"3MB"}}}""");
        await d.StartAsync();

        // Two untagged builds of 2 MiB each: only the cache holds them, and both do not fit in 3 MB.
        var first = (await d.DockerOkAsync("build", "-q", DockerCliBuildTests.Context(d, "FROM busybox\nRUN head -c 2097152 /dev/urandom > /one\n"))).Trim();
        Assert.Equal(0, (await d.DockerAsync("image", "inspect", first)).ExitCode);
        var second = (await d.DockerOkAsync("build", "-q", DockerCliBuildTests.Context(d, "FROM busybox\nRUN head -c 2097152 /dev/urandom > /two\n"))).Trim();

        // Collection runs after the answer: give it a moment.
        for (var i = 0; i < 50 && (await d.DockerAsync("image", "inspect", first)).ExitCode == 0; i++) await Task.Delay(100);
        Assert.NotEqual(0, (await d.DockerAsync("image", "inspect", first)).ExitCode);
        Assert.Equal(0, (await d.DockerAsync("image", "inspect", second)).ExitCode);
        var row = (await d.DockerOkAsync("system", "df", "--format", "{{.Type}}|{{.TotalCount}}|{{.Size}}"))
            .Split('\n').Single(l => l.StartsWith("Build Cache|", StringComparison.Ordinal));
        Assert.Matches(@"^Build Cache\|1\|2\.\d+MB$", row);
    }

    [Fact]
    public async Task The_budget_counts_only_what_the_cache_alone_holds()
    {
        await using var d = await WharfDaemon.StartNewAsync();
        var tagged = DockerCliBuildTests.Context(d, "FROM busybox\nRUN head -c 2097152 /dev/urandom > /kept\n");
        await d.DockerOkAsync("build", "-t", "budget:kept", tagged);
        var loose = (await d.DockerOkAsync("build", "-q", DockerCliBuildTests.Context(d, "FROM busybox\nRUN head -c 2097152 /dev/urandom > /loose\n"))).Trim();

        var r = await d.WharfAsync("builder", "prune", "-f", "--keep-storage", "1MB");
        Assert.True(r.ExitCode == 0, r.ToString());

        // The untagged build's image was the cache's alone: it goes. The tagged one's entry stays: dropping it would free nothing.
        Assert.NotEqual(0, (await d.DockerAsync("image", "inspect", loose)).ExitCode);
        var o = await d.DockerOkAsync("build", "-t", "budget:kept", tagged);
        Assert.Contains(" ---> Using cache", o);
        Assert.DoesNotContain("Running in", o);
    }
}
