using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>`system df` counts the build cache: its entries, and as its own only the bytes nothing else holds.</summary>
public sealed class DockerCliBuildCacheUsageTests(DaemonFixture fx) : IClassFixture<DaemonFixture>
{
    private WharfDaemon D => fx.Daemon;

    private Task<string> Docker(params string[] args) => D.DockerOkAsync(args);

    private async Task<string> CacheRow() =>
        (await Docker("system", "df", "--format", "{{.Type}}|{{.TotalCount}}|{{.Active}}|{{.Size}}|{{.Reclaimable}}"))
        .Split('\n').Single(l => l.StartsWith("Build Cache|", StringComparison.Ordinal));

    [Fact]
    public async Task System_df_shows_the_build_cache_and_what_pruning_it_would_free()
    {
        Assert.Equal("Build Cache|0|0|0B|0B", await CacheRow());
        var ctx = DockerCliBuildTests.Context(D, "FROM busybox\nRUN head -c 1048576 /dev/zero > /big\nLABEL step=two\n");
        var id = (await Docker("build", "-q", ctx)).Trim();

        // Untagged, the built images are the cache's alone: the RUN layer counts, and pruning would free it.
        var row = await CacheRow();
        Assert.Matches(@"^Build Cache\|2\|0\|1\.0\d+MB\|1\.0\d+MB$", row);
        var verbose = await Docker("system", "df", "-v");
        Assert.Contains(verbose.Split('\n'), l => l.Contains("regular", StringComparison.Ordinal) && l.Contains("1.0", StringComparison.Ordinal) && l.TrimEnd().EndsWith("false", StringComparison.Ordinal));
        var wharf = await D.WharfAsync("system", "df", "-v");
        Assert.Equal(0, wharf.ExitCode);
        Assert.Matches(@"Build cache usage: 1\.0\d+MB", wharf.Stdout);
        Assert.Equal(2, wharf.Stdout.Split('\n').Count(l => l.Contains(" regular ", StringComparison.Ordinal)));

        // Tagged, the image holds those layers: the entries stay, shared, and the cache owns nothing.
        await Docker("tag", id, "cache-usage:1");
        Assert.Equal("Build Cache|2|0|0B|0B", await CacheRow());

        await Docker("builder", "prune", "-a", "-f");
        Assert.Equal("Build Cache|0|0|0B|0B", await CacheRow());
        Assert.Equal("step=two", (await Docker("run", "--rm", "cache-usage:1", "sh", "-c", "test -s /big && echo step=two")).Trim());
    }
}
