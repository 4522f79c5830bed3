using System.Text;
using Wharf.Engine.Layers;

namespace Wharf.Engine.Tests.Layers;

public sealed class LayerTarWriterTests : IDisposable
{
    private readonly TempDir _tmp = new();

    public void Dispose() => _tmp.Dispose();

    private static LayerTarEntry[] SampleEntries() =>
    [
        new() { Name = "dir/", Type = LayerTarEntryType.Directory, Mode = 0x3FF /* 01777 */, ModificationTime = new(1_700_000_000, 0) },
        new()
        {
            Name = "dir/file", Type = LayerTarEntryType.RegularFile, Mode = 0x9ED /* 04755 */, Uid = 1000, Gid = 1000,
            Size = 11, ModificationTime = new(1_700_000_001, 123_456_789),
            Xattrs = new Dictionary<string, byte[]> { ["security.capability"] = Fs.Capability, ["user.note"] = "hi"u8.ToArray() },
        },
        new() { Name = "dir/" + new string('n', 150), Type = LayerTarEntryType.RegularFile, Mode = 0x1A4, ModificationTime = new(5, 0) },
        new() { Name = new string('a', 140) + "/" + new string('b', 90), Type = LayerTarEntryType.RegularFile, Mode = 0x1A4 },
        new() { Name = new string('z', 150) + "/" + new string('z', 150), Type = LayerTarEntryType.SymbolicLink, LinkName = "/" + new string('t', 200), Mode = 0x1FF },
        new() { Name = "hard", Type = LayerTarEntryType.HardLink, LinkName = "dir/file" },
        new() { Name = "bigid", Type = LayerTarEntryType.RegularFile, Uid = 4_000_000_000L, Gid = 3_000_000, Mode = 0x1A4 },
        new() { Name = "dev/tty", Type = LayerTarEntryType.CharacterDevice, DevMajor = 5, DevMinor = 0, Mode = 0x1B6 },
        new() { Name = "dev/loop0", Type = LayerTarEntryType.BlockDevice, DevMajor = 7, DevMinor = 0, Mode = 0x1B0 },
        new() { Name = "fifo", Type = LayerTarEntryType.Fifo, Mode = 0x1A4, ModificationTime = new(-3, 250_000_000) },
        new() { Name = "atime", Type = LayerTarEntryType.RegularFile, Mode = 0x1A4, ModificationTime = new(10, 0), AccessTime = new(20, 30) },
        new() { Name = "ünïcødé/файл", Type = LayerTarEntryType.RegularFile, Mode = 0x1A4 },
    ];

    private static byte[] WriteSample()
    {
        var ms = new MemoryStream();
        using (var writer = new LayerTarWriter(ms, leaveOpen: true))
        {
            foreach (var e in SampleEntries())
            {
                writer.WriteEntry(e, e.Size > 0 ? new MemoryStream(Encoding.ASCII.GetBytes("hello world")) : null);
            }
            writer.Finish();
        }
        return ms.ToArray();
    }

    [Fact]
    public async Task RoundTripsEveryFieldThroughTheReader()
    {
        byte[] bytes = WriteSample();
        Assert.Equal(0, bytes.Length % 512);
        Assert.All(bytes[^1024..], b => Assert.Equal(0, b));

        var read = await Fs.ReadAllAsync(new MemoryStream(bytes));
        var expected = SampleEntries();
        Assert.Equal(expected.Length, read.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            var (x, y) = (expected[i], read[i].Entry);
            Assert.Equal(x.Name, y.Name);
            Assert.Equal(x.Type, y.Type);
            Assert.Equal(x.LinkName, y.LinkName);
            Assert.Equal(x.Mode, y.Mode);
            Assert.Equal(x.Uid, y.Uid);
            Assert.Equal(x.Gid, y.Gid);
            Assert.Equal(x.Size, y.Size);
            Assert.Equal(x.ModificationTime, y.ModificationTime);
            Assert.Equal(x.AccessTime, y.AccessTime);
            Assert.Equal(x.DevMajor, y.DevMajor);
            Assert.Equal(x.DevMinor, y.DevMinor);
            Assert.Equal(x.Xattrs.Count, y.Xattrs.Count);
            foreach (var (k, v) in x.Xattrs)
            {
                Assert.Equal(v, y.Xattrs[k]);
            }
        }
        Assert.Equal("hello world", Encoding.ASCII.GetString(read[1].Data));
    }

    [Fact]
    public void WritesPlainUstarWhenNothingNeedsPax()
    {
        var ms = new MemoryStream();
        using (var w = new LayerTarWriter(ms, leaveOpen: true))
        {
            w.WriteEntry(new LayerTarEntry { Name = "etc/hostname", Mode = 0x1A4, Size = 3, ModificationTime = new(1, 0) }, new MemoryStream("abc"u8.ToArray()));
            w.Finish();
        }
        Assert.Equal(512 + 512 + 1024, ms.Length);
        Assert.Equal((byte)'0', ms.ToArray()[156]);
    }

    [Fact]
    public void ShortDataIsAnError()
    {
        using var w = new LayerTarWriter(new MemoryStream());
        var ex = Assert.Throws<IOException>(() => w.WriteEntry(new LayerTarEntry { Name = "f", Size = 10 }, new MemoryStream(new byte[4])));
        Assert.Contains("ended after 4 of 10 bytes", ex.Message);
    }

    [Fact]
    public void GnuTarListsOurOutput()
    {
        string file = Path.Combine(_tmp.Path, "ours.tar");
        File.WriteAllBytes(file, WriteSample());
        string listing = Fs.Run("tar", "--numeric-owner", "-tvf", file);
        foreach (var e in SampleEntries())
        {
            Assert.Contains(e.Name.TrimEnd('/'), listing);
        }
        Assert.Contains("4000000000/3000000", listing);
        Assert.Contains("-rwsr-xr-x", listing);
        Assert.Contains("drwxrwxrwt", listing);
        Assert.Contains("link to dir/file", listing);
        Assert.Contains("-> /" + new string('t', 200), listing);
    }

    [Fact]
    public void GnuTarExtractsOurXattrsByteExact()
    {
        string file = Path.Combine(_tmp.Path, "ours.tar");
        File.WriteAllBytes(file, WriteSample());
        string outDir = _tmp.Sub("out");
        Fs.Run("tar", "--xattrs", "--xattrs-include=*", "--numeric-owner", "-xpf", file, "-C", outDir);
        string f = Path.Combine(outDir, "dir/file");
        Assert.Equal(Fs.Capability, Fs.GetXattr(f, "security.capability"));
        Assert.Equal("hi"u8.ToArray(), Fs.GetXattr(f, "user.note"));
        Assert.Equal("hello world", File.ReadAllText(f));
        Assert.Equal(123_456_789u, Fs.Lstat(f).MTime.Nanoseconds);
    }
}
