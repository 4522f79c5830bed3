using Wharf.Engine.Containers.Filesystem;
using Wharf.Engine.Layers;
using Wharf.Engine.Native;
using Wharf.Engine.Tests.Layers;

namespace Wharf.Engine.Tests.Containers;

/// <summary>`docker cp` in and out of a directory standing in for a container's root.</summary>
public sealed class ContainerArchiveTests : IDisposable
{
    private readonly TempDir _tmp = new();
    private readonly string _root;

    public ContainerArchiveTests()
    {
        _root = _tmp.Sub("rootfs");
        string P(string rel) => Path.Combine(_root, rel);
        Directory.CreateDirectory(P("etc"));
        Directory.CreateDirectory(P("bin"));
        Directory.CreateDirectory(P("tmp"));
        File.WriteAllText(P("etc/passwd"), "root:x:0:0:container:/root:/bin/sh\n");
        Libc.Check(Libc.Symlink("/etc/passwd", P("etc/link")), "symlink", "link");
        Libc.Check(Libc.Symlink("../../../../../../etc/hostname", P("escape")), "symlink", "escape");
        Libc.Check(Libc.Symlink("/", P("tmp/rootlink")), "symlink", "rootlink");
        File.WriteAllText(P("bin/a"), "binary");
        Libc.Check(Libc.Link(P("bin/a"), P("bin/b")), "link", "b");
        Fs.Chown(P("bin/a"), 1000, 1001);
        Fs.SetMtime(P("bin/a"), 1_700_000_000, 999_999_999);
    }

    public void Dispose() => _tmp.Dispose();

    private async Task<List<LayerTarEntryCopy>> Archive(string path)
    {
        using var rootfs = ContainerRootfs.Open(_root);
        var ms = new MemoryStream();
        await using (var tar = new LayerTarWriter(ms, leaveOpen: true))
        {
            await new ContainerArchiveWriter(rootfs, tar, showFileMounts: true).WritePathAsync(ContainerPath.Absolute(path), default);
            await tar.FinishAsync();
        }
        ms.Position = 0;
        return await Fs.ReadAllAsync(ms);
    }

    [Fact]
    public void A_symlinks_stat_names_its_target_resolved_inside_the_root()
    {
        using var rootfs = ContainerRootfs.Open(_root);
        var link = rootfs.Stat("/etc/link");
        Assert.Equal("link", link.Name);
        Assert.Equal(PathStatHeader.ModeSymlink | 0x1FF, link.Mode);
        Assert.Equal("/etc/passwd", link.LinkTarget);
        // A relative link climbing above the root stops at the root, as in a chroot.
        Assert.Equal("/etc/hostname", rootfs.Stat("/escape").LinkTarget);
        var dir = rootfs.Stat("/etc/");
        Assert.Equal("etc", dir.Name);
        Assert.Equal(PathStatHeader.ModeDir, dir.Mode & PathStatHeader.ModeDir);
        Assert.Throws<FileNotFoundException>(() => rootfs.Stat("/nonexistent"));
    }

    [Fact]
    public async Task A_directory_is_archived_under_its_name_with_hard_links_and_whole_second_times()
    {
        var entries = await Archive("/bin");
        Assert.Equal(["bin/", "bin/a", "bin/b"], entries.Select(e => e.Name));
        Assert.Equal(LayerTarEntryType.HardLink, entries[2].Entry.Type);
        Assert.Equal("bin/a", entries[2].Entry.LinkName);
        Assert.Equal("binary", System.Text.Encoding.UTF8.GetString(entries[1].Data));
        Assert.Equal((1000L, 1001L), (entries[1].Entry.Uid, entries[1].Entry.Gid));
        Assert.Equal(new UnixTimestamp(1_700_000_000, 0), entries[1].Entry.ModificationTime);
    }

    [Theory]
    [InlineData("/etc/.", new[] { "./", "./link", "./passwd" })]
    [InlineData("/etc/link", new[] { "link" })]
    [InlineData("/tmp/rootlink/etc/", new[] { "etc/", "etc/link", "etc/passwd" })]
    public async Task Names_follow_dockers_rebasing(string path, string[] names) =>
        Assert.Equal(names, (await Archive(path)).Select(e => e.Name));

    [Fact]
    public async Task The_root_is_archived_with_leading_slashes()
    {
        var names = (await Archive("/")).Select(e => e.Name).ToList();
        Assert.Equal("/", names[0]);
        Assert.Contains("/etc/passwd", names);
    }

    [Fact]
    public async Task A_path_through_an_absolute_symlink_reads_the_containers_file_not_the_hosts()
    {
        var entries = await Archive("/tmp/rootlink/etc/passwd");
        Assert.Equal("root:x:0:0:container:/root:/bin/sh\n", System.Text.Encoding.UTF8.GetString(entries.Single().Data));
    }

    [Fact]
    public async Task A_file_mount_replaces_the_roots_file()
    {
        var hosts = Path.Combine(_tmp.Path, "hosts");
        File.WriteAllText(hosts, "127.0.0.1 localhost\n");
        File.WriteAllText(Path.Combine(_root, "etc/hosts"), "");
        using var rootfs = ContainerRootfs.Open(_root, new Dictionary<string, string> { ["/etc/hosts"] = hosts });
        Assert.Equal(20, rootfs.Stat("/etc/hosts").Size);
        var ms = new MemoryStream();
        await using (var tar = new LayerTarWriter(ms, leaveOpen: true))
            await new ContainerArchiveWriter(rootfs, tar, showFileMounts: true).WritePathAsync("/etc/hosts", default);
        ms.Position = 0;
        Assert.Equal("127.0.0.1 localhost\n", System.Text.Encoding.UTF8.GetString((await Fs.ReadAllAsync(ms)).Single().Data));
    }

    [Fact]
    public async Task Export_names_are_relative_without_a_root_entry()
    {
        using var rootfs = ContainerRootfs.Open(_root);
        var ms = new MemoryStream();
        await using (var tar = new LayerTarWriter(ms, leaveOpen: true))
            await new ContainerArchiveWriter(rootfs, tar, showFileMounts: false).WriteRootAsync(default);
        ms.Position = 0;
        var names = (await Fs.ReadAllAsync(ms)).Select(e => e.Name).ToList();
        Assert.Equal("bin/", names[0]);
        Assert.Contains("etc/passwd", names);
        Assert.DoesNotContain(names, n => n.StartsWith('/') || n.StartsWith("./", StringComparison.Ordinal));
    }

    private async Task Extract(string destination, RawTar tar, bool noOverwriteDirNonDir = false, (uint, uint)? owner = null)
    {
        using var rootfs = ContainerRootfs.Open(_root);
        using var extractor = new ContainerArchiveExtractor(rootfs, destination, noOverwriteDirNonDir, owner);
        await extractor.ExtractAsync(new MemoryStream(tar.End().ToArray()), default);
    }

    [Fact]
    public async Task Extraction_creates_files_links_and_missing_parents_and_merges_directories()
    {
        File.WriteAllText(Path.Combine(_root, "tmp/old"), "old");
        var tar = new RawTar()
            .Header("new/", type: '5', mode: 0x1C0)
            .File("new/deep/file", "data"u8.ToArray(), mode: 0x1ED, uid: 7, gid: 8)
            .Header("new/sym", type: '2', linkName: "/etc/passwd")
            .Header("new/hard", type: '1', linkName: "new/deep/file")
            .File("old", "replaced"u8.ToArray());
        await Extract("/tmp", tar);
        string T(string rel) => Path.Combine(_root, "tmp", rel);
        Assert.Equal("data", File.ReadAllText(T("new/deep/file")));
        Assert.Equal(0x1EDu, Fs.Perm(T("new/deep/file")));
        Assert.Equal((7u, 8u), (Fs.Lstat(T("new/deep/file")).Uid, Fs.Lstat(T("new/deep/file")).Gid));
        Assert.Equal(0x1C0u, Fs.Perm(T("new")));
        Assert.Equal(0x1EDu, Fs.Perm(T("new/deep")));
        Assert.Equal("/etc/passwd", Libc.Readlink(T("new/sym")));
        Assert.Equal(Fs.Lstat(T("new/deep/file")).Ino, Fs.Lstat(T("new/hard")).Ino);
        Assert.Equal("replaced", File.ReadAllText(T("old")));
    }

    [Fact]
    public async Task Copy_uid_gid_owns_everything_by_the_given_user()
    {
        await Extract("/tmp", new RawTar().File("mine", "x"u8.ToArray(), uid: 5, gid: 5), owner: (65534, 65534));
        Assert.Equal(65534u, Fs.Lstat(Path.Combine(_root, "tmp/mine")).Uid);
    }

    [Fact]
    public async Task A_parent_symlink_out_of_the_destination_is_refused_and_writes_nothing_there()
    {
        var tar = new RawTar().Header("l", type: '2', linkName: "/etc").File("l/evil", "pwned"u8.ToArray());
        var e = await Assert.ThrowsAsync<BadRequestException>(() => Extract("/tmp", tar));
        Assert.Contains("refusing tar entry \"l/evil\"", e.Message);
        Assert.False(File.Exists(Path.Combine(_root, "etc/evil")));
        Assert.False(File.Exists("/etc/evil"));
    }

    [Theory]
    [InlineData("../evil")]
    [InlineData("a/../../evil")]
    public async Task Names_climbing_out_are_refused(string name)
    {
        var e = await Assert.ThrowsAsync<BadRequestException>(() => Extract("/tmp", new RawTar().File(name, "x"u8.ToArray())));
        Assert.Contains("leaves the destination directory", e.Message);
        Assert.False(File.Exists(Path.Combine(_root, "evil")));
    }

    [Fact]
    public async Task A_hard_link_to_a_file_outside_the_destination_is_refused() =>
        await Assert.ThrowsAsync<BadRequestException>(() => Extract("/tmp", new RawTar().Header("h", type: '1', linkName: "../etc/passwd")));

    [Fact]
    public async Task No_overwrite_dir_non_dir_refuses_either_replacement()
    {
        Directory.CreateDirectory(Path.Combine(_root, "tmp/d/sub"));
        File.WriteAllText(Path.Combine(_root, "tmp/d/sub/inner"), "i");
        File.WriteAllText(Path.Combine(_root, "tmp/f"), "f");
        var e1 = await Assert.ThrowsAsync<BadRequestException>(() => Extract("/tmp", new RawTar().File("d", "x"u8.ToArray()), noOverwriteDirNonDir: true));
        Assert.Equal("cannot overwrite directory \"d\" with non-directory \"/tmp\"", e1.Message);
        var e2 = await Assert.ThrowsAsync<BadRequestException>(() => Extract("/tmp", new RawTar().Header("f/", type: '5', mode: 0x1ED), noOverwriteDirNonDir: true));
        Assert.Equal("cannot overwrite non-directory \"f\" with directory \"/tmp\"", e2.Message);
        // Without the flag the directory goes and the file takes its place, as in Docker.
        await Extract("/tmp", new RawTar().Header("keep/", type: '5', mode: 0x1ED).File("d", "now a file"u8.ToArray()).File("keep/x", "x"u8.ToArray()));
        Assert.Equal("now a file", File.ReadAllText(Path.Combine(_root, "tmp/d")));
        Assert.Equal("x", File.ReadAllText(Path.Combine(_root, "tmp/keep/x")));
    }
}
