using System.Formats.Tar;
using System.Text;
using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>Bad archives and names: one clear error, Docker's status, and nothing left behind.</summary>
public sealed class BadInputTests(DaemonFixture fx) : IClassFixture<DaemonFixture>
{
    private WharfDaemon D => fx.Daemon;

    private (int Blobs, int Layers, int Ingests) Store() =>
        (Directory.GetFiles(Path.Combine(D.DataRoot, "content", "blobs", "sha256")).Length,
         Directory.GetDirectories(Path.Combine(D.DataRoot, "layers")).Length,
         Directory.GetFileSystemEntries(Path.Combine(D.DataRoot, "content", "ingest")).Length);

    private async Task<ProcessResult> LoadBytesAsync(byte[] archive) =>
        await D.DockerAsync(["load"], new MemoryStream(archive));

    private static byte[] Archive(string path)
    {
        return File.ReadAllBytes(path);
    }

    [Fact]
    public async Task Loading_garbage_fails_cleanly()
    {
        var before = Store();
        var r = await LoadBytesAsync(Encoding.ASCII.GetBytes(new string('x', 5000)));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("Error response from daemon", r.Stderr);
        Assert.Equal(before, Store());
    }

    [Fact]
    public async Task Loading_a_truncated_archive_fails_cleanly()
    {
        var path = Path.Combine(D.Root, "trunc-src.tar");
        var s = await D.DockerAsync("save", "-o", path, "busybox");
        Assert.Equal(0, s.ExitCode);
        var bytes = File.ReadAllBytes(path);
        var before = Store();
        var r = await LoadBytesAsync(bytes[..(bytes.Length / 2)]);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Equal(before, Store());
    }

    [Fact]
    public async Task Loading_a_corrupt_tar_header_fails_cleanly()
    {
        var path = Path.Combine(D.Root, "corrupt-src.tar");
        Assert.Equal(0, (await D.DockerAsync("save", "-o", path, "busybox")).ExitCode);
        var bytes = File.ReadAllBytes(path);
        // Damage the checksum field of the third header block's neighbourhood: the first entry after the dirs.
        for (int i = 1024 + 148; i < 1024 + 156; i++) bytes[i] = (byte)'9';
        var before = Store();
        var r = await LoadBytesAsync(bytes);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Equal(before, Store());
    }

    [Theory]
    [InlineData("dotdot")]
    [InlineData("symlink-escape")]
    [InlineData("hardlink-escape")]
    public async Task Layers_that_escape_are_refused_and_write_nothing_outside(string kind)
    {
        var marker = "wharf-escape-" + Guid.NewGuid().ToString("N")[..8];
        byte[] layer = kind switch
        {
            "dotdot" => ArchiveBuilder.Layer(("../../../../../../tmp/" + marker, TarEntryType.RegularFile, null, "x"u8.ToArray())),
            "symlink-escape" => ArchiveBuilder.Layer(("esc", TarEntryType.SymbolicLink, "/", null),
                ("esc/tmp/" + marker, TarEntryType.RegularFile, null, "x"u8.ToArray())),
            _ => ArchiveBuilder.Layer(("victim", TarEntryType.HardLink, "../../../../../../etc/passwd", null)),
        };
        var path = Path.Combine(D.Root, kind + ".tar");
        ArchiveBuilder.LegacyDockerArchive(path, $"evil/{kind}:1", layer);
        var before = Store();
        var r = await D.DockerAsync("load", "-i", path);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("Error response from daemon", r.Stderr);
        Assert.False(File.Exists("/tmp/" + marker), "a file was written outside the layer");
        Assert.Equal(before, Store());
        Assert.Equal("", (await D.DockerAsync("images", "-q", $"evil/{kind}")).Stdout.Trim());
    }

    [Fact]
    public async Task Importing_something_that_is_not_a_tar_is_a_400()
    {
        var before = Store();
        using var http = D.CreateHttpClient();
        var resp = await http.PostAsync("/v1.47/images/create?fromSrc=-&repo=junk/imp", new ByteArrayContent(Encoding.ASCII.GetBytes(new string('z', 2000))));
        Assert.Equal(400, (int)resp.StatusCode);
        Assert.Contains("\"message\"", await resp.Content.ReadAsStringAsync());
        Assert.Equal(before, Store());
    }

    [Fact]
    public async Task Import_with_a_bad_change_is_refused_before_reading()
    {
        var r = await D.DockerAsync("import", "-c", "RUN echo hi", TestImages.BusyboxRootfs, "junk/change:1");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("RUN is not a valid change command", r.Stderr);
    }

    [Fact]
    public async Task Legacy_docker_archive_as_docker_20_writes_it_loads()
    {
        var layer1 = ArchiveBuilder.Layer(("etc/", TarEntryType.Directory, null, null), ("etc/motd", TarEntryType.RegularFile, null, "hi\n"u8.ToArray()));
        var layer2 = ArchiveBuilder.Layer(("etc/", TarEntryType.Directory, null, null), ("etc/.wh.motd", TarEntryType.RegularFile, null, []),
            ("etc/issue", TarEntryType.RegularFile, null, "Wharf\n"u8.ToArray()));
        var path = Path.Combine(D.Root, "legacy.tar");
        ArchiveBuilder.LegacyDockerArchive(path, "legacy/app:20", layer1, layer2);
        var r = await D.DockerAsync("load", "-i", path);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("Loaded image: legacy/app:20", r.Stdout);
        var layers = await D.DockerAsync("image", "inspect", "--format", "{{len .RootFS.Layers}} {{.Created}}", "legacy/app:20");
        Assert.Equal("2 2024-01-02T03:04:05Z", layers.Stdout.Trim());
        var upper = (await D.DockerAsync("image", "inspect", "--format", "{{.GraphDriver.Data.UpperDir}}", "legacy/app:20")).Stdout.Trim();
        // The whiteout is in overlayfs form in the top layer: a 0:0 character device.
        var st = await ProcessRunner.RunAsync("stat", ["-c", "%F %t:%T", Path.Combine(upper, "etc", "motd")]);
        Assert.Equal("character special file 0:0", st.Stdout.Trim());
        var history = await D.DockerAsync("history", "--format", "{{.CreatedBy}}", "legacy/app:20");
        Assert.Contains("ADD file in /", history.Stdout);
    }

    [Fact]
    public async Task Api_versions_outside_the_supported_range_are_400()
    {
        using var http = D.CreateHttpClient();
        var tooNew = await http.GetAsync("/v1.99/version");
        Assert.Equal(400, (int)tooNew.StatusCode);
        Assert.Contains("client version 1.99 is too new. Maximum supported API version is 1.47", await tooNew.Content.ReadAsStringAsync());
        var tooOld = await http.GetAsync("/v1.12/version");
        Assert.Equal(400, (int)tooOld.StatusCode);
        Assert.Contains("too old", await tooOld.Content.ReadAsStringAsync());
        Assert.Equal(200, (int)(await http.GetAsync("/v1.24/version")).StatusCode);
        var ping = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/_ping"));
        Assert.Equal("1.47", ping.Headers.GetValues("Api-Version").Single());
        Assert.Equal("linux", ping.Headers.GetValues("Ostype").Single());
        Assert.StartsWith("Wharf/", ping.Headers.Server.ToString());
        var missing = await http.GetAsync("/v1.47/no/such/route");
        Assert.Equal(404, (int)missing.StatusCode);
        Assert.Equal("application/json", missing.Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task Filters_accept_both_shapes_clients_send()
    {
        Assert.Equal(0, (await D.DockerAsync("import", "-c", "LABEL shape=both", TestImages.BusyboxRootfs, "shape/x:1")).ExitCode);
        using var http = D.CreateHttpClient();
        var a = await http.GetStringAsync("/v1.47/images/json?filters=" + Uri.EscapeDataString("{\"label\":{\"shape=both\":true}}"));
        var b = await http.GetStringAsync("/v1.47/images/json?filters=" + Uri.EscapeDataString("{\"label\":[\"shape=both\"]}"));
        Assert.Contains("shape/x:1", a);
        Assert.Equal(a, b);
        var bad = await http.GetAsync("/v1.47/images/json?filters=" + Uri.EscapeDataString("{\"label\":"));
        Assert.Equal(400, (int)bad.StatusCode);
    }
}
