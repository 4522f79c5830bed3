using System.Text.Json;
using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>The image commands through the real docker CLI, as a user types them.</summary>
public sealed class DockerCliImageTests(DaemonFixture fx) : IClassFixture<DaemonFixture>
{
    private WharfDaemon D => fx.Daemon;

    private async Task<string> Ok(params string[] args)
    {
        var r = await D.DockerAsync(args);
        Assert.True(r.ExitCode == 0, $"docker {string.Join(' ', args)} failed: {r}\n{D.Log}");
        return r.Stdout;
    }

    [Fact]
    public async Task Version_shows_the_server_and_negotiated_api()
    {
        var o = await Ok("version", "--format", "{{.Server.Version}} {{.Server.APIVersion}} {{.Server.MinAPIVersion}} {{.Server.Os}}");
        Assert.Equal("0.1.0 1.47 1.24 linux", o.Trim());
    }

    [Fact]
    public async Task Info_reports_real_figures()
    {
        var o = await Ok("info", "--format", "{{json .}}");
        using var doc = JsonDocument.Parse(o);
        var info = doc.RootElement;
        Assert.Equal(D.DataRoot, info.GetProperty("DockerRootDir").GetString());
        Assert.Equal(Environment.ProcessorCount, info.GetProperty("NCPU").GetInt32());
        Assert.True(info.GetProperty("MemTotal").GetInt64() > 100_000_000);
        Assert.True(info.GetProperty("Images").GetInt32() >= 1);
        Assert.Equal("inactive", info.GetProperty("Swarm").GetProperty("LocalNodeState").GetString());
        Assert.Equal("cgroupfs", info.GetProperty("CgroupDriver").GetString());
        Assert.Equal(File.Exists("/sys/fs/cgroup/cgroup.controllers") ? "2" : "1", info.GetProperty("CgroupVersion").GetString());
        Assert.Equal(File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), info.GetProperty("KernelVersion").GetString());
        Assert.Equal("runc", info.GetProperty("DefaultRuntime").GetString());
        Assert.True(info.GetProperty("LiveRestoreEnabled").GetBoolean());
    }

    [Fact]
    public async Task Import_applies_changes_and_message()
    {
        var id = (await Ok("import", "-m", "hello import", "-c", "ENV A=b", "-c", "WORKDIR /srv", "-c", "EXPOSE 8080",
            "-c", "LABEL team=core", "-c", "ENTRYPOINT [\"/bin/sh\", \"-c\"]", TestImages.BusyboxRootfs, "imp/changes:1")).Trim();
        Assert.StartsWith("sha256:", id);
        var cfg = await Ok("image", "inspect", "imp/changes:1", "--format", "{{json .Config}}");
        using var doc = JsonDocument.Parse(cfg);
        Assert.Contains("A=b", doc.RootElement.GetProperty("Env").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("/srv", doc.RootElement.GetProperty("WorkingDir").GetString());
        Assert.True(doc.RootElement.GetProperty("ExposedPorts").TryGetProperty("8080/tcp", out _));
        Assert.Equal("core", doc.RootElement.GetProperty("Labels").GetProperty("team").GetString());
        Assert.Equal(["/bin/sh", "-c"], doc.RootElement.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()!).ToArray());
        var history = await Ok("history", "--format", "{{.Comment}}", "imp/changes:1");
        Assert.Equal("hello import", history.Trim());
    }

    [Fact]
    public async Task Import_from_stdin_gzip_compressed()
    {
        var gz = Path.Combine(D.Root, "rootfs.tar.gz");
        await using (var src = File.OpenRead(TestImages.BusyboxRootfs))
        await using (var dst = new System.IO.Compression.GZipStream(File.Create(gz), System.IO.Compression.CompressionLevel.Fastest))
            await src.CopyToAsync(dst);
        await using var input = File.OpenRead(gz);
        var r = await D.DockerAsync(["import", "-", "imp/stdin:gz"], input);
        Assert.True(r.ExitCode == 0, r.ToString());
        var size = await Ok("images", "--format", "{{.Size}}", "imp/stdin:gz");
        Assert.Equal("1.98MB", size.Trim());
    }

    [Fact]
    public async Task Save_then_load_round_trips_several_images()
    {
        await Ok("tag", "busybox", "round/one:1");
        await Ok("import", TestImages.BusyboxRootfs, "round/two:2");
        var archive = Path.Combine(D.Root, "two.tar");
        await Ok("save", "-o", archive, "round/one:1", "round/two:2");
        var idOne = (await Ok("images", "-q", "--no-trunc", "round/one:1")).Trim();
        await Ok("rmi", "round/one:1", "round/two:2");
        Assert.Equal("", (await Ok("images", "-q", "round/two")).Trim());
        var load = await Ok("load", "-i", archive);
        Assert.Contains("Loaded image: round/one:1", load);
        Assert.Contains("Loaded image: round/two:2", load);
        Assert.Equal(idOne, (await Ok("images", "-q", "--no-trunc", "round/one:1")).Trim());
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("bzip2")]
    [InlineData("xz")]
    [InlineData("zstd")]
    public async Task Load_reads_compressed_archives(string compressor)
    {
        await Ok("tag", "busybox", $"comp/{compressor}:1");
        var archive = Path.Combine(D.Root, $"c-{compressor}.tar");
        await Ok("save", "-o", archive, $"comp/{compressor}:1");
        await Ok("rmi", $"comp/{compressor}:1");
        var z = await ProcessRunner.RunAsync(compressor, ["-f", archive]);
        Assert.True(z.ExitCode == 0, z.ToString());
        var compressed = archive + compressor switch { "gzip" => ".gz", "bzip2" => ".bz2", "xz" => ".xz", _ => ".zst" };
        await using var input = File.OpenRead(compressed);
        var r = await D.DockerAsync(["load"], input);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains($"Loaded image: comp/{compressor}:1", r.Stdout);
    }

    [Fact]
    public async Task Saved_archive_is_readable_by_skopeo_and_its_oci_archive_loads()
    {
        await Ok("tag", "busybox", "sko/peo:1");
        var archive = Path.Combine(D.Root, "sko.tar");
        await Ok("save", "-o", archive, "sko/peo:1");
        var inspect = await ProcessRunner.RunAsync("skopeo", ["inspect", "--raw", "docker-archive:" + archive]);
        Assert.True(inspect.ExitCode == 0, inspect.ToString());
        var oci = Path.Combine(D.Root, "sko-oci.tar");
        var copy = await ProcessRunner.RunAsync("skopeo", ["copy", "docker-archive:" + archive, "oci-archive:" + oci + ":sko/oci:2"]);
        Assert.True(copy.ExitCode == 0, copy.ToString());
        var load = await Ok("load", "-i", oci);
        Assert.Contains("Loaded image: sko/oci:2", load);
        Assert.Equal("/bin/sh\n", (await ProcessRunner.RunAsync("tar", ["-tf", archive])).Stdout.Contains("manifest.json") ? "/bin/sh\n" : "");
    }

    [Fact]
    public async Task Tag_and_rmi_untag_before_delete()
    {
        var id = (await Ok("import", TestImages.BusyboxRootfs, "tagged/a:1")).Trim();
        await Ok("tag", "tagged/a:1", "tagged/b:2");
        var untag = await Ok("rmi", "tagged/a:1");
        Assert.Equal("Untagged: tagged/a:1", untag.Trim());
        Assert.Equal(id, (await Ok("images", "-q", "--no-trunc", "tagged/b:2")).Trim());
        var del = await Ok("rmi", "tagged/b:2");
        Assert.Contains("Untagged: tagged/b:2", del);
        Assert.Contains("Deleted: " + id, del);
        var gone = await D.DockerAsync("image", "inspect", id);
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains("No such image", gone.Stderr);
    }

    [Fact]
    public async Task Rmi_by_id_of_an_image_in_two_repositories_needs_force()
    {
        var id = (await Ok("import", TestImages.BusyboxRootfs, "multi/a:1")).Trim();
        await Ok("tag", "multi/a:1", "multi/b:1");
        var r = await D.DockerAsync("rmi", id[7..19]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("image is referenced in multiple repositories", r.Stderr);
        var forced = await Ok("rmi", "-f", id[7..19]);
        Assert.Contains("Deleted: " + id, forced);
    }

    [Fact]
    public async Task Images_filters_and_format()
    {
        await Ok("import", "-c", "LABEL tier=web", TestImages.BusyboxRootfs, "filt/web:1");
        await Ok("import", "-c", "LABEL tier=db", TestImages.BusyboxRootfs, "filt/db:1");
        var web = await Ok("images", "--filter", "label=tier=web", "--format", "{{.Repository}}:{{.Tag}}");
        Assert.Equal("filt/web:1", web.Trim());
        var refs = await Ok("images", "--filter", "reference=filt/*", "--format", "{{.Repository}}");
        Assert.Equal(["filt/db", "filt/web"], refs.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order().ToArray());
        var table = await Ok("images", "filt/web");
        Assert.StartsWith("REPOSITORY", table);
        Assert.Contains("filt/web", table);
    }

    [Fact]
    public async Task Dangling_images_and_prune()
    {
        var id1 = (await Ok("import", TestImages.BusyboxRootfs, "dang/x:1")).Trim();
        await Ok("import", "-c", "ENV X=2", TestImages.BusyboxRootfs, "dang/x:1");
        var dangling = await Ok("images", "--filter", "dangling=true", "-q", "--no-trunc");
        Assert.Contains(id1, dangling);
        var prune = await Ok("image", "prune", "-f");
        Assert.Contains("deleted: " + id1, prune);
        Assert.Contains("Total reclaimed space", prune);
        Assert.DoesNotContain(id1, await Ok("images", "-a", "-q", "--no-trunc"));
    }

    [Fact]
    public async Task System_df_counts_images()
    {
        var o = await Ok("system", "df", "--format", "{{.Type}} {{.TotalCount}}");
        Assert.Contains("Images ", o);
        var images = int.Parse(o.Split('\n').First(l => l.StartsWith("Images ")).Split(' ')[1]);
        Assert.True(images >= 1);
        await Ok("tag", "busybox", "df/shared:1");
        var verbose = await Ok("system", "df", "-v");
        var rows = verbose.Split('\n').SkipWhile(l => !l.StartsWith("REPOSITORY")).Skip(1).TakeWhile(l => l.Length > 0).ToList();
        var shortId = (await Ok("images", "-q", "busybox")).Trim();
        var row = Assert.Single(rows, l => l.Contains(" " + shortId + " "));
        // The image's layer is shared with the other images made from the same rootfs: SHARED SIZE and CONTAINERS are figures.
        Assert.Matches(@"\s1\.98MB\s+[\d.]+[kMG]?B\s+[\d.]+[kMG]?B\s+0$", row);
        Assert.DoesNotContain("N/A", row);
    }

    [Fact]
    public async Task Unknown_image_is_404_and_malformed_reference_400()
    {
        var r = await D.DockerAsync("image", "inspect", "no/such:image");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("No such image: no/such:image", r.Stderr);
        var bad = await D.DockerAsync("tag", "busybox", "Bad/UPPER");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("invalid reference format", bad.Stderr);
        using var http = D.CreateHttpClient();
        var resp = await http.PostAsync("/v1.47/images/busybox/tag?repo=Bad/UPPER", null);
        Assert.Equal(400, (int)resp.StatusCode);
        Assert.Equal("application/json", resp.Content.Headers.ContentType!.ToString());
        Assert.Contains("must be lowercase", await resp.Content.ReadAsStringAsync());
        var missing = await http.GetAsync("/v1.47/images/no-such/json");
        Assert.Equal(404, (int)missing.StatusCode);
    }

    [Fact]
    public async Task Rmi_by_ambiguous_id_prefix_is_refused()
    {
        // Import variants until two image ids share their first hex digit.
        var ids = new List<string>();
        for (int i = 0; i < 40; i++)
        {
            ids.Add((await Ok("import", "-c", $"ENV N={i}", TestImages.BusyboxRootfs, $"amb/x:{i}")).Trim()[7..]);
            var clash = ids.GroupBy(id => id[0]).FirstOrDefault(g => g.Count() > 1);
            if (clash is null) continue;
            var r = await D.DockerAsync("rmi", clash.Key.ToString());
            Assert.NotEqual(0, r.ExitCode);
            Assert.Contains("No such image", r.Stderr);
            foreach (var id in clash) Assert.Contains(id[..12], await Ok("images", "-q"));
            return;
        }
        Assert.Fail("no two ids shared a first hex digit in 40 imports");
    }
}
