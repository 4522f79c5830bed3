using Wharf.Engine.Layers;
using Wharf.Engine.Native;

namespace Wharf.Engine.Tests.Layers;

public sealed class LayerDifferTests : IDisposable
{
    private readonly TempDir _tmp = new();

    public void Dispose() => _tmp.Dispose();

    /// <summary>Builds an upper directory as overlayfs would leave it.</summary>
    private string MakeUpper()
    {
        string u = _tmp.Sub("upper");
        string P(string rel) => Path.Combine(u, rel);
        Directory.CreateDirectory(P("etc"));
        File.WriteAllText(P("etc/hostname"), "box\n");
        Fs.Mknod(P("etc/removed"), Libc.S_IFCHR, 0, 0);            // whiteout
        Directory.CreateDirectory(P("var/cache"));
        Fs.SetXattr(P("var/cache"), "trusted.overlay.opaque", "y"u8.ToArray());
        Fs.SetXattr(P("var/cache"), "trusted.overlay.origin", [1, 2, 3]);
        File.WriteAllText(P("var/cache/new"), "n");
        Directory.CreateDirectory(P("usr/bin"));
        File.WriteAllText(P("usr/bin/ping"), "ELF");
        Fs.Chown(P("usr/bin/ping"), 1000, 1001);
        Fs.Chmod(P("usr/bin/ping"), 0x9ED);                       // 04755
        Fs.SetXattr(P("usr/bin/ping"), "security.capability", Fs.Capability);
        Fs.SetXattr(P("usr/bin/ping"), "user.raw", [0xC3, 0x28, 0x00, 0xFF]);
        Libc.Check(Libc.Link(P("usr/bin/ping"), P("usr/bin/ping6")), "link", "ping6");
        Libc.Check(Libc.Symlink("/usr/bin/ping", P("usr/bin/pong")), "symlink", "pong");
        Fs.Mknod(P("etc/fifo"), Libc.S_IFIFO | 0x180, 0, 0);
        Fs.Mknod(P("etc/tty"), Libc.S_IFCHR | 0x1B6, 5, 0);
        Fs.Mknod(P("etc/sdz"), Libc.S_IFBLK | 0x1B0, 8, 7);
        Directory.CreateDirectory(P("data/volume"));
        File.WriteAllText(P("data/volume/secret"), "s");
        File.WriteAllText(P("data/keep"), "k");
        Fs.SetMtime(P("etc/hostname"), 1_650_000_000, 123_456_789);
        Fs.SetMtime(P("etc"), 1_650_000_001, 999_999_999);
        return u;
    }

    private static async Task<byte[]> Diff(string upper, IReadOnlySet<string>? exclude = null)
    {
        var ms = new MemoryStream();
        await LayerDiffer.WriteDiffAsync(upper, ms, exclude);
        return ms.ToArray();
    }

    [Fact]
    public async Task WritesWhiteoutsOpaqueDirsHardlinksXattrsAndTimes()
    {
        string upper = MakeUpper();
        var entries = await Fs.ReadAllAsync(new MemoryStream(await Diff(upper)));
        var byName = entries.ToDictionary(e => e.Name, e => e.Entry);

        Assert.Equal(
        [
            "data/", "data/keep", "data/volume/", "data/volume/secret",
            "etc/", "etc/fifo", "etc/hostname", "etc/.wh.removed", "etc/sdz", "etc/tty",
            "usr/", "usr/bin/", "usr/bin/ping", "usr/bin/ping6", "usr/bin/pong",
            "var/", "var/cache/", "var/cache/.wh..wh..opq", "var/cache/new",
        ], entries.Select(e => e.Name));

        var wh = byName["etc/.wh.removed"];
        Assert.Equal((LayerTarEntryType.RegularFile, 0L), (wh.Type, wh.Size));
        Assert.Equal(LayerTarEntryType.RegularFile, byName["var/cache/.wh..wh..opq"].Type);
        Assert.Empty(byName["var/cache/"].Xattrs);

        var ping = byName["usr/bin/ping"];
        Assert.Equal((0x9ED, 1000L, 1001L, 3L), (ping.Mode, ping.Uid, ping.Gid, ping.Size));
        Assert.Equal(Fs.Capability, ping.Xattrs["security.capability"]);
        Assert.Equal(new byte[] { 0xC3, 0x28, 0x00, 0xFF }, ping.Xattrs["user.raw"]);
        Assert.Equal("", ping.UserName);
        Assert.Null(ping.AccessTime);
        Assert.Equal((LayerTarEntryType.HardLink, "usr/bin/ping"), (byName["usr/bin/ping6"].Type, byName["usr/bin/ping6"].LinkName));
        Assert.Equal("/usr/bin/pong".Replace("pong", "ping"), byName["usr/bin/pong"].LinkName);
        Assert.Equal(new UnixTimestamp(1_650_000_000, 123_456_789), byName["etc/hostname"].ModificationTime);
        Assert.Equal(new UnixTimestamp(1_650_000_001, 999_999_999), byName["etc/"].ModificationTime);
        Assert.Equal((LayerTarEntryType.BlockDevice, 8, 7), (byName["etc/sdz"].Type, byName["etc/sdz"].DevMajor, byName["etc/sdz"].DevMinor));
        Assert.Equal((LayerTarEntryType.CharacterDevice, 5, 0), (byName["etc/tty"].Type, byName["etc/tty"].DevMajor, byName["etc/tty"].DevMinor));
        Assert.Equal(LayerTarEntryType.Fifo, byName["etc/fifo"].Type);
    }

    [Fact]
    public async Task DiffThenApplyReproducesTheUpperDirectory()
    {
        string upper = MakeUpper();
        string lower = Path.Combine(_tmp.Path, "lower");
        await LayerApplier.ApplyAsync(new MemoryStream(await Diff(upper)), lower);

        string[] all = Directory.EnumerateFileSystemEntries(upper, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(upper, p)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(all, Directory.EnumerateFileSystemEntries(lower, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(lower, p)).Order(StringComparer.Ordinal).ToArray());
        foreach (string rel in all)
        {
            var a = Fs.Lstat(Path.Combine(upper, rel));
            var b = Fs.Lstat(Path.Combine(lower, rel));
            Assert.Equal((a.Mode, a.Uid, a.Gid, a.RDevMajor, a.RDevMinor), (b.Mode, b.Uid, b.Gid, b.RDevMajor, b.RDevMinor));
            if (!a.IsSymlink)
            {
                Assert.Equal((a.MTime.Seconds, a.MTime.Nanoseconds), (b.MTime.Seconds, b.MTime.Nanoseconds));
            }
            if (a.IsRegular)
            {
                Assert.Equal(File.ReadAllBytes(Path.Combine(upper, rel)), File.ReadAllBytes(Path.Combine(lower, rel)));
            }
        }
        Assert.Equal("y"u8.ToArray(), Fs.GetXattr(Path.Combine(lower, "var/cache"), "trusted.overlay.opaque"));
        Assert.Null(Fs.GetXattr(Path.Combine(lower, "var/cache"), "trusted.overlay.origin"));
        Assert.Equal(Fs.Capability, Fs.GetXattr(Path.Combine(lower, "usr/bin/ping"), "security.capability"));
        Assert.Equal(Fs.Lstat(Path.Combine(lower, "usr/bin/ping")).Ino, Fs.Lstat(Path.Combine(lower, "usr/bin/ping6")).Ino);
        Assert.Equal("/usr/bin/ping", Libc.Readlink(Path.Combine(lower, "usr/bin/pong")));
    }

    [Fact]
    public async Task OutputIsDeterministic()
    {
        string upper = MakeUpper();
        Assert.Equal(await Diff(upper), await Diff(upper));
    }

    [Fact]
    public async Task ExcludedPathsAndTheirContentsAreLeftOut()
    {
        string upper = MakeUpper();
        var entries = await Fs.ReadAllAsync(new MemoryStream(await Diff(upper, new HashSet<string> { "/data/volume", "etc/tty" })));
        var names = entries.Select(e => e.Name).ToList();
        Assert.Contains("data/keep", names);
        Assert.DoesNotContain("data/volume/", names);
        Assert.DoesNotContain("data/volume/secret", names);
        Assert.DoesNotContain("etc/tty", names);
    }

    [Fact]
    public async Task RefusesRedirectedDirectories()
    {
        string upper = _tmp.Sub("upper2");
        Directory.CreateDirectory(Path.Combine(upper, "moved"));
        Fs.SetXattr(Path.Combine(upper, "moved"), "trusted.overlay.redirect", "/orig"u8.ToArray());
        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => Diff(upper));
        Assert.Contains("redirect_dir=off", ex.Message);
    }

    [Fact]
    public async Task GnuTarReadsTheDiff()
    {
        string upper = MakeUpper();
        string file = Path.Combine(_tmp.Path, "diff.tar");
        await File.WriteAllBytesAsync(file, await Diff(upper));
        string listing = Fs.Run("tar", "--numeric-owner", "-tvf", file);
        Assert.Contains("usr/bin/ping6 link to usr/bin/ping", listing);
        Assert.Contains("etc/.wh.removed", listing);
        Assert.Contains("-rwsr-xr-x 1000/1001", listing);
    }
}
