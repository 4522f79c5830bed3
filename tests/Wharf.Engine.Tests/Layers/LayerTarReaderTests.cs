using System.Text;
using Wharf.Engine.Layers;

namespace Wharf.Engine.Tests.Layers;

public sealed class LayerTarReaderTests
{
    [Fact]
    public async Task ReadsUstarEntriesOfEveryType()
    {
        var tar = new RawTar()
            .Header("dir/", '5', mode: 0x1ED, uid: 1000, gid: 100)
            .File("dir/file", "hello"u8.ToArray(), mode: 0xDED /* 06755 */, uid: 7, gid: 8)
            .Header("dir/link", '2', linkName: "/abs/target", mode: 0x1FF)
            .Header("dir/hard", '1', linkName: "dir/file")
            .Header("dev/null", '3', mode: 0x1B6, devMajor: 1, devMinor: 3)
            .Header("dev/sda", '4', mode: 0x1B0, devMajor: 8, devMinor: 0)
            .Header("pipe", '6')
            .Header("legacy-dir/", '\0')
            .End();

        var entries = await Fs.ReadAllAsync(tar.ToStream());

        Assert.Equal(["dir/", "dir/file", "dir/link", "dir/hard", "dev/null", "dev/sda", "pipe", "legacy-dir/"],
            entries.Select(e => e.Name));
        Assert.Equal(LayerTarEntryType.Directory, entries[0].Entry.Type);
        Assert.Equal(1000, entries[0].Entry.Uid);
        Assert.Equal(100, entries[0].Entry.Gid);
        Assert.Equal("root", entries[0].Entry.UserName);
        var file = entries[1].Entry;
        Assert.Equal(LayerTarEntryType.RegularFile, file.Type);
        Assert.Equal(0xDED, file.Mode);
        Assert.Equal(5, file.Size);
        Assert.Equal("hello", Encoding.UTF8.GetString(entries[1].Data));
        Assert.Equal(new UnixTimestamp(1_700_000_000, 0), file.ModificationTime);
        Assert.Equal(LayerTarEntryType.SymbolicLink, entries[2].Entry.Type);
        Assert.Equal("/abs/target", entries[2].Entry.LinkName);
        Assert.Equal(LayerTarEntryType.HardLink, entries[3].Entry.Type);
        Assert.Equal("dir/file", entries[3].Entry.LinkName);
        Assert.Equal((LayerTarEntryType.CharacterDevice, 1, 3), (entries[4].Entry.Type, entries[4].Entry.DevMajor, entries[4].Entry.DevMinor));
        Assert.Equal((LayerTarEntryType.BlockDevice, 8, 0), (entries[5].Entry.Type, entries[5].Entry.DevMajor, entries[5].Entry.DevMinor));
        Assert.Equal(LayerTarEntryType.Fifo, entries[6].Entry.Type);
        Assert.Equal(LayerTarEntryType.Directory, entries[7].Entry.Type);
    }

    [Fact]
    public async Task ReadsUstarPrefixField()
    {
        string dir = new string('d', 120);
        var tar = new RawTar().Header("file.txt", prefix: dir).End();
        var entries = await Fs.ReadAllAsync(tar.ToStream());
        Assert.Equal(dir + "/file.txt", Assert.Single(entries).Name);
    }

    [Fact]
    public async Task ReadsGnuLongNameAndLongLink()
    {
        string longName = string.Join('/', Enumerable.Repeat("component-of-a-long-path", 8)) + "/file";
        string longLink = string.Join('/', Enumerable.Repeat("target-of-a-long-link", 8));
        Assert.True(longName.Length > 100 && longLink.Length > 100);
        var tar = new RawTar()
            .Special('L', Encoding.UTF8.GetBytes(longName + "\0"))
            .Header(longName[..100], '0', 3, gnuMagic: true).Data("abc"u8.ToArray())
            .Special('L', Encoding.UTF8.GetBytes("short-name-from-L\0"))
            .Special('K', Encoding.UTF8.GetBytes(longLink + "\0"))
            .Header("ignored", '2', linkName: longLink[..100], gnuMagic: true)
            .End();

        var entries = await Fs.ReadAllAsync(tar.ToStream());

        Assert.Equal(2, entries.Count);
        Assert.Equal(longName, entries[0].Name);
        Assert.Equal("abc", Encoding.ASCII.GetString(entries[0].Data));
        Assert.Equal("short-name-from-L", entries[1].Name);
        Assert.Equal(longLink, entries[1].Entry.LinkName);
        Assert.Equal(0, entries[1].Entry.HeaderOffset % 512);
    }

    [Fact]
    public async Task ReadsPaxRecordsWithBinaryXattrsAndNanoseconds()
    {
        string longName = new string('p', 300);
        var tar = new RawTar()
            .Pax('x',
                ("path", Encoding.UTF8.GetBytes(longName)),
                ("mtime", "1700000000.123456789"u8.ToArray()),
                ("atime", "1600000000.5"u8.ToArray()),
                ("uid", "3000000000"u8.ToArray()),
                ("gid", "4000000"u8.ToArray()),
                ("uname", "someone"u8.ToArray()),
                ("SCHILY.xattr.security.capability", Fs.Capability),
                ("SCHILY.xattr.user.text", "v=1\nx"u8.ToArray()),
                ("SCHILY.xattr.user.empty", []))
            .File("short", "data"u8.ToArray())
            .Pax('x', ("mtime", "-1.25"u8.ToArray()))
            .Header("old")
            .End();

        var entries = await Fs.ReadAllAsync(new NonSeekableStream(tar.ToStream(), 7));

        var e = entries[0].Entry;
        Assert.Equal(longName, e.Name);
        Assert.Equal(new UnixTimestamp(1_700_000_000, 123_456_789), e.ModificationTime);
        Assert.Equal(new UnixTimestamp(1_600_000_000, 500_000_000), e.AccessTime);
        Assert.Equal(3_000_000_000L, e.Uid);
        Assert.Equal(4_000_000L, e.Gid);
        Assert.Equal("someone", e.UserName);
        Assert.Equal(Fs.Capability, e.Xattrs["security.capability"]);
        Assert.Equal("v=1\nx"u8.ToArray(), e.Xattrs["user.text"]);
        Assert.Empty(e.Xattrs["user.empty"]);
        Assert.Equal("data", Encoding.ASCII.GetString(entries[0].Data));
        Assert.Equal(0, e.HeaderOffset);
        Assert.Equal(new UnixTimestamp(-2, 750_000_000), entries[1].Entry.ModificationTime);
        Assert.Empty(entries[1].Entry.Xattrs);
    }

    [Fact]
    public async Task GlobalPaxHeaderAppliesToFollowingEntries()
    {
        var tar = new RawTar()
            .Pax('g', ("uname", "global"u8.ToArray()), ("path", "not-a-name"u8.ToArray()))
            .Header("a")
            .Pax('x', ("uname", "local"u8.ToArray()))
            .Header("b")
            .End();
        var entries = await Fs.ReadAllAsync(tar.ToStream());
        Assert.Equal(["a", "b"], entries.Select(e => e.Name));
        Assert.Equal("global", entries[0].Entry.UserName);
        Assert.Equal("local", entries[1].Entry.UserName);
    }

    [Fact]
    public async Task ReadsBase256Uid()
    {
        var tar = new RawTar().Header("big", uid: 5_000_000_000L, base256Uid: true).End();
        var entries = await Fs.ReadAllAsync(tar.ToStream());
        Assert.Equal(5_000_000_000L, Assert.Single(entries).Entry.Uid);
    }

    [Fact]
    public void ParsesNegativeBase256()
    {
        byte[] field = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE];
        Assert.Equal(-2, LayerTarReader.ParseNumeric(field, 0, "x"));
    }

    [Fact]
    public async Task SkipsUnreadDataAndInvalidatesOldStreams()
    {
        var tar = new RawTar()
            .File("a", new byte[1500])
            .File("b", "bee"u8.ToArray())
            .End();
        using var reader = new LayerTarReader(new NonSeekableStream(tar.ToStream()));
        var a = reader.GetNextEntry()!;
        Assert.Equal(10, a.DataStream.Read(new byte[10]));
        var b = reader.GetNextEntry()!;
        Assert.Equal("b", b.Name);
        Assert.Throws<InvalidOperationException>(() => a.DataStream.ReadByte());
        var buf = new byte[10];
        Assert.Equal(3, b.DataStream.Read(buf));
        Assert.Equal(0, b.DataStream.Read(buf));
        Assert.Null(reader.GetNextEntry());
        Assert.Null(reader.GetNextEntry());
    }

    [Fact]
    public async Task ArchiveWithoutEndMarkerEndsCleanlyAtBlockBoundary()
    {
        var tar = new RawTar().File("a", "x"u8.ToArray());
        var entries = await Fs.ReadAllAsync(tar.ToStream());
        Assert.Single(entries);
    }

    [Fact]
    public async Task BadChecksumIsRejectedWithOffset()
    {
        var tar = new RawTar()
            .File("a", "0123456789"u8.ToArray())
            .Header("b")
            .Header("c");
        byte[] bytes = tar.End().ToArray();
        bytes[1536 + 1] ^= 0x20; // corrupt header of "c" at offset 1536
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => Fs.ReadAllAsync(new MemoryStream(bytes)));
        Assert.Equal("invalid tar header at offset 1536: checksum mismatch", ex.Message);
    }

    [Fact]
    public async Task TruncatedHeaderIsRejected()
    {
        byte[] bytes = new RawTar().File("a", "x"u8.ToArray()).Header("b").ToArray()[..(1024 + 100)];
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => Fs.ReadAllAsync(new MemoryStream(bytes)));
        Assert.Equal("unexpected end of archive in tar header at offset 1024", ex.Message);
    }

    [Fact]
    public async Task TruncatedDataIsRejectedNamingTheEntry()
    {
        byte[] bytes = new RawTar().File("bin/sh", new byte[5000]).ToArray()[..3000];
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => Fs.ReadAllAsync(new MemoryStream(bytes)));
        Assert.Equal("unexpected end of archive in entry \"bin/sh\"", ex.Message);

        // Also when the data is skipped instead of read.
        using var reader = new LayerTarReader(new MemoryStream(bytes));
        Assert.NotNull(reader.GetNextEntry());
        var ex2 = Assert.Throws<InvalidDataException>(() => reader.GetNextEntry());
        Assert.Equal("unexpected end of archive in entry \"bin/sh\"", ex2.Message);
    }

    [Fact]
    public async Task TruncatedAfterExtendedHeaderIsRejected()
    {
        byte[] bytes = new RawTar().Pax('x', ("path", "x"u8.ToArray())).ToArray();
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => Fs.ReadAllAsync(new MemoryStream(bytes)));
        Assert.Contains("unexpected end of archive", ex.Message);
    }

    [Fact]
    public async Task MalformedPaxAndSparseAndUnknownTypesAreRejected()
    {
        var badPax = new RawTar().Special('x', "99 path=x\n"u8.ToArray()).Header("a").End();
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => Fs.ReadAllAsync(badPax.ToStream()));
        Assert.Contains("invalid PAX header at offset 0", ex.Message);

        var sparse = new RawTar().Header("s", 'S', gnuMagic: true).End();
        ex = await Assert.ThrowsAsync<InvalidDataException>(() => Fs.ReadAllAsync(sparse.ToStream()));
        Assert.Contains("sparse", ex.Message);

        var paxSparse = new RawTar().Pax('x', ("GNU.sparse.major", "1"u8.ToArray())).Header("s").End();
        ex = await Assert.ThrowsAsync<InvalidDataException>(() => Fs.ReadAllAsync(paxSparse.ToStream()));
        Assert.Contains("sparse", ex.Message);

        var unknown = new RawTar().Header("q", 'Q').End();
        ex = await Assert.ThrowsAsync<InvalidDataException>(() => Fs.ReadAllAsync(unknown.ToStream()));
        Assert.Contains("unsupported tar entry type 'Q'", ex.Message);
    }

    [Fact]
    public async Task OversizedLongNameIsRejected()
    {
        var tar = new RawTar().Header("././@LongLink", 'L', size: 10L << 20, gnuMagic: true).End();
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => Fs.ReadAllAsync(tar.ToStream()));
        Assert.Contains("exceeds the limit", ex.Message);
    }
}
