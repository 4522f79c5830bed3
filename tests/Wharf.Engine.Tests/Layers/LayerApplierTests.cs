using System.Text;
using Wharf.Engine.Layers;
using Wharf.Engine.Native;

namespace Wharf.Engine.Tests.Layers;

public sealed class LayerApplierTests : IDisposable
{
    private readonly TempDir _tmp = new();

    public void Dispose() => _tmp.Dispose();

    private string Target => Path.Combine(_tmp.Path, "layer");

    private string P(string rel) => Path.Combine(Target, rel);

    private static MemoryStream Tar(params (LayerTarEntry Entry, string? Data)[] entries)
    {
        var ms = new MemoryStream();
        using (var w = new LayerTarWriter(ms, leaveOpen: true))
        {
            foreach (var (e, data) in entries)
            {
                if (data != null)
                {
                    e.Size = Encoding.UTF8.GetByteCount(data);
                }
                w.WriteEntry(e, data == null ? null : new MemoryStream(Encoding.UTF8.GetBytes(data)));
            }
            w.Finish();
        }
        ms.Position = 0;
        return ms;
    }

    private static (LayerTarEntry, string?) Dir(string name, int mode = 0x1ED, long mtime = 1_600_000_000, int nanos = 0)
        => (new LayerTarEntry { Name = name, Type = LayerTarEntryType.Directory, Mode = mode, ModificationTime = new(mtime, nanos) }, null);

    private static (LayerTarEntry, string?) File(string name, string data, int mode = 0x1A4, long uid = 0, long gid = 0)
        => (new LayerTarEntry { Name = name, Mode = mode, Uid = uid, Gid = gid, ModificationTime = new(1_600_000_000, 0) }, data);

    private static (LayerTarEntry, string?) Entry(string name, LayerTarEntryType type, string link = "", int mode = 0x1A4)
        => (new LayerTarEntry { Name = name, Type = type, LinkName = link, Mode = mode }, null);

    [Fact]
    public async Task AppliesEveryEntryType()
    {
        var tar = Tar(
            Dir("etc/"),
            File("etc/passwd", "root:x:0:0\n", uid: 0),
            File("usr/bin/tool", "#!/bin/sh\n", mode: 0x1ED, uid: 1234, gid: 5678),
            Entry("usr/bin/abs", LayerTarEntryType.SymbolicLink, "/usr/bin/tool"),
            Entry("usr/bin/rel", LayerTarEntryType.SymbolicLink, "../../../../outside"),
            Entry("usr/bin/hard", LayerTarEntryType.HardLink, "usr/bin/tool"),
            (new LayerTarEntry { Name = "dev/null", Type = LayerTarEntryType.CharacterDevice, DevMajor = 1, DevMinor = 3, Mode = 0x1B6 }, null),
            (new LayerTarEntry { Name = "dev/loop9", Type = LayerTarEntryType.BlockDevice, DevMajor = 7, DevMinor = 9, Mode = 0x1B0 }, null),
            Entry("run/fifo", LayerTarEntryType.Fifo, mode: 0x180));

        var result = await LayerApplier.ApplyAsync(tar, Target);

        Assert.Equal(11 + 10, result.Size);
        Assert.Equal(9, result.Entries);
        Assert.Equal("root:x:0:0\n", System.IO.File.ReadAllText(P("etc/passwd")));
        var tool = Fs.Lstat(P("usr/bin/tool"));
        Assert.True(tool.IsRegular);
        Assert.Equal((1234u, 5678u, 0x1EDu), (tool.Uid, tool.Gid, tool.Mode & 0xFFFu));
        Assert.Equal("/usr/bin/tool", Libc.Readlink(P("usr/bin/abs")));
        Assert.Equal("../../../../outside", Libc.Readlink(P("usr/bin/rel")));
        var hard = Fs.Lstat(P("usr/bin/hard"));
        Assert.Equal(tool.Ino, hard.Ino);
        Assert.Equal(2u, hard.NLink);
        var dev = Fs.Lstat(P("dev/null"));
        Assert.Equal(Libc.S_IFCHR, dev.FileType);
        Assert.Equal((1u, 3u, 0x1B6u), (dev.RDevMajor, dev.RDevMinor, dev.Mode & 0xFFFu));
        var blk = Fs.Lstat(P("dev/loop9"));
        Assert.Equal(Libc.S_IFBLK, blk.FileType);
        Assert.Equal((7u, 9u), (blk.RDevMajor, blk.RDevMinor));
        Assert.Equal(Libc.S_IFIFO, Fs.Lstat(P("run/fifo")).FileType);
        // implicit parents
        Assert.True(Fs.Lstat(P("usr/bin")).IsDirectory);
        Assert.Equal(0x1EDu, Fs.Perm(P("usr")));
    }

    [Fact]
    public async Task KeepsSetuidSetgidStickyAfterChown()
    {
        var tar = Tar(
            File("bin/su", "x", mode: 0x9ED /* 04755 */, uid: 1000, gid: 1000),
            File("bin/wall", "y", mode: 0x5ED /* 02755 */, uid: 1000, gid: 5),
            Dir("tmp/", mode: 0x3FF /* 01777 */),
            Dir("shared/", mode: 0x7FD /* 03775 */));
        await LayerApplier.ApplyAsync(tar, Target);
        Assert.Equal(0x9EDu, Fs.Perm(P("bin/su")));
        Assert.Equal(1000u, Fs.Lstat(P("bin/su")).Uid);
        Assert.Equal(0x5EDu, Fs.Perm(P("bin/wall")));
        Assert.Equal(0x3FFu, Fs.Perm(P("tmp")));
        Assert.Equal(0x7FDu, Fs.Perm(P("shared")));
    }

    [Fact]
    public async Task RestoresBinaryCapabilityXattrByteExact()
    {
        var e = new LayerTarEntry
        {
            Name = "usr/bin/ping", Mode = 0x1ED, Uid = 1000, Gid = 1000, Size = 4,
            Xattrs = new Dictionary<string, byte[]>
            {
                ["security.capability"] = Fs.Capability,
                ["user.bin"] = [0x00, 0xff, 0x80, 0x7f],
                ["trusted.overlay.redirect"] = "/evil"u8.ToArray(),
            },
        };
        var tar = Tar((e, "ping"));
        await LayerApplier.ApplyAsync(tar, Target);
        Assert.Equal(Fs.Capability, Fs.GetXattr(P("usr/bin/ping"), "security.capability"));
        Assert.Equal(new byte[] { 0x00, 0xff, 0x80, 0x7f }, Fs.GetXattr(P("usr/bin/ping"), "user.bin"));
        Assert.Null(Fs.GetXattr(P("usr/bin/ping"), "trusted.overlay.redirect"));
    }

    [Fact]
    public async Task RestoresNanosecondTimesIncludingDirectoriesAndSymlinks()
    {
        var tar = Tar(
            Dir("d/", mtime: 1_500_000_000, nanos: 987_654_321),
            (new LayerTarEntry { Name = "d/f", Mode = 0x1A4, ModificationTime = new(1_400_000_000, 1), AccessTime = new(1_400_000_500, 2) }, "x"),
            (new LayerTarEntry { Name = "d/l", Type = LayerTarEntryType.SymbolicLink, LinkName = "f", ModificationTime = new(1_300_000_000, 42) }, null),
            (new LayerTarEntry { Name = "d/sub/g", Mode = 0x1A4, ModificationTime = new(1, 0) }, "y"));
        await LayerApplier.ApplyAsync(tar, Target);

        var d = Fs.Lstat(P("d"));
        Assert.Equal((1_500_000_000L, 987_654_321u), (d.MTime.Seconds, d.MTime.Nanoseconds));
        var f = Fs.Lstat(P("d/f"));
        Assert.Equal((1_400_000_000L, 1u), (f.MTime.Seconds, f.MTime.Nanoseconds));
        Assert.Equal((1_400_000_500L, 2u), (f.ATime.Seconds, f.ATime.Nanoseconds));
        var l = Fs.Lstat(P("d/l"));
        Assert.Equal((1_300_000_000L, 42u), (l.MTime.Seconds, l.MTime.Nanoseconds));
    }

    [Fact]
    public async Task ConvertsWhiteoutsToOverlayFormat()
    {
        var tar = Tar(
            Dir("etc/"),
            File("etc/.wh.removed", ""),
            File(".wh.toplevel", ""),
            Dir("var/cache/"),
            File("var/cache/.wh..wh..opq", ""),
            File("var/cache/kept", "k"),
            File("opaque-implicit/.wh..wh..opq", ""),
            File("x/.wh..wh.plnk", ""),
            File("x/.wh..wh.aufs", ""));
        var result = await LayerApplier.ApplyAsync(tar, Target);

        foreach (string w in new[] { "etc/removed", "toplevel" })
        {
            var st = Fs.Lstat(P(w));
            Assert.Equal(Libc.S_IFCHR, st.FileType);
            Assert.Equal((0u, 0u), (st.RDevMajor, st.RDevMinor));
        }
        Assert.False(Fs.Exists(P("etc/.wh.removed")));
        Assert.Equal("y"u8.ToArray(), Fs.GetXattr(P("var/cache"), LayerApplier.OpaqueXattr));
        Assert.Equal("y"u8.ToArray(), Fs.GetXattr(P("opaque-implicit"), LayerApplier.OpaqueXattr));
        Assert.False(Fs.Exists(P("var/cache/.wh..wh..opq")));
        Assert.True(Fs.Exists(P("var/cache/kept")));
        Assert.False(Fs.Exists(P("x")));
        Assert.Null(Fs.GetXattr(P("etc"), LayerApplier.OpaqueXattr));
        Assert.Equal(1, result.Size);
    }

    [Fact]
    public async Task LaterDuplicateEntriesReplaceEarlierOnes()
    {
        var tar = Tar(
            File("a", "first"),
            File("a", "second"),
            File("b", "file"),
            Dir("b/", mode: 0x1C0),
            File("b/inner", "i"),
            Dir("c/", mode: 0x1ED),
            File("c/keep", "k"),
            Dir("c/", mode: 0x1C0, mtime: 1_234_567_890),
            Dir("d/"),
            File("d/gone", "g"),
            File("d", "now a file"),
            Entry("e", LayerTarEntryType.SymbolicLink, "/etc"),
            File("e", "replaced link"),
            File("f", "target"),
            Entry("f", LayerTarEntryType.SymbolicLink, "a"));
        await LayerApplier.ApplyAsync(tar, Target);

        Assert.Equal("second", System.IO.File.ReadAllText(P("a")));
        Assert.True(Fs.Lstat(P("b")).IsDirectory);
        Assert.Equal("i", System.IO.File.ReadAllText(P("b/inner")));
        Assert.Equal(0x1C0u, Fs.Perm(P("c")));
        Assert.Equal("k", System.IO.File.ReadAllText(P("c/keep")));
        Assert.Equal(1_234_567_890L, Fs.Lstat(P("c")).MTime.Seconds);
        Assert.True(Fs.Lstat(P("d")).IsRegular);
        Assert.Equal("now a file", System.IO.File.ReadAllText(P("d")));
        Assert.True(Fs.Lstat(P("e")).IsRegular);
        Assert.Equal("a", Libc.Readlink(P("f")));
    }

    [Fact]
    public async Task AbsoluteAndDottedNamesStayInsideTheLayer()
    {
        var tar = Tar(
            File("/etc/abs-" + Guid.NewGuid().ToString("N"), "abs"),
            File("./dot/./x", "dot"),
            File("a/../y", "y"),
            Dir("./"));
        await LayerApplier.ApplyAsync(tar, Target);
        Assert.Single(Directory.GetFiles(P("etc")));
        Assert.Equal("dot", System.IO.File.ReadAllText(P("dot/x")));
        Assert.Equal("y", System.IO.File.ReadAllText(P("y")));
        Assert.Equal(0x1EDu, Fs.Perm(Target));
    }

    [Fact]
    public async Task ReadsGnuLongNamesPaxNamesAndBase256Ids()
    {
        string gnuName = "gnu/" + new string('g', 150);
        string paxName = "pax/" + new string('p', 200) + "/" + new string('q', 120);
        var tar = new RawTar()
            .Special('L', Encoding.UTF8.GetBytes(gnuName + "\0"))
            .Header("trunc", '0', 3, gnuMagic: true).Data("gnu"u8.ToArray())
            .Pax('x', ("path", Encoding.UTF8.GetBytes(paxName)))
            .Header("trunc2", '0', 3).Data("pax"u8.ToArray())
            .Header("bigowner", '0', 0, uid: 3_000_000_000L, base256Uid: true)
            .End();
        await LayerApplier.ApplyAsync(tar.ToStream(), Target);
        Assert.Equal("gnu", System.IO.File.ReadAllText(P(gnuName)));
        Assert.Equal("pax", System.IO.File.ReadAllText(P(paxName)));
        Assert.Equal(3_000_000_000u, Fs.Lstat(P("bigowner")).Uid);
    }

    [Fact]
    public async Task DrainsTheInputPastTheEndMarker()
    {
        var tar = Tar(File("a", "x"));
        var bytes = tar.ToArray().Concat(new byte[10240]).ToArray();
        var input = new MemoryStream(bytes);
        await LayerApplier.ApplyAsync(new NonSeekableStream(input), Target);
        Assert.Equal(bytes.Length, input.Position);
    }

    [Fact]
    public async Task LargeFilesAreCopiedIntact()
    {
        var data = new byte[3 * 1024 * 1024 + 17];
        new Random(42).NextBytes(data);
        var ms = new MemoryStream();
        using (var w = new LayerTarWriter(ms, leaveOpen: true))
        {
            w.WriteEntry(new LayerTarEntry { Name = "big.bin", Mode = 0x1A4, Size = data.Length }, new MemoryStream(data));
            w.Finish();
        }
        ms.Position = 0;
        var result = await LayerApplier.ApplyAsync(new NonSeekableStream(ms, 60_000), Target);
        Assert.Equal(data.Length, result.Size);
        Assert.Equal(data, System.IO.File.ReadAllBytes(P("big.bin")));
    }

    [Fact]
    public async Task TruncatedLayerFailsNamingTheEntry()
    {
        var tar = Tar(File("bin/sh", new string('s', 4000))).ToArray()[..2048];
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => LayerApplier.ApplyAsync(new MemoryStream(tar), Target));
        Assert.Equal("unexpected end of archive in entry \"bin/sh\"", ex.Message);
    }
}
