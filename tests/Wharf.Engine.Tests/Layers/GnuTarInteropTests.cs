using Wharf.Engine.Layers;
using Wharf.Engine.Native;

namespace Wharf.Engine.Tests.Layers;

/// <summary>Archives made by GNU tar are applied correctly.</summary>
public sealed class GnuTarInteropTests : IDisposable
{
    private readonly TempDir _tmp = new();

    public void Dispose() => _tmp.Dispose();

    private string MakeSource()
    {
        Assert.True(File.Exists("/usr/bin/tar") || File.Exists("/bin/tar"), "GNU tar is required");
        string src = _tmp.Sub("src");
        string P(string rel) => Path.Combine(src, rel);
        Directory.CreateDirectory(P("bin"));
        File.WriteAllText(P("bin/ping"), "ping binary");
        Fs.Chown(P("bin/ping"), 0, 0);
        Fs.Chmod(P("bin/ping"), 0x9ED);
        Fs.SetXattr(P("bin/ping"), "security.capability", Fs.Capability);
        Libc.Check(Libc.Link(P("bin/ping"), P("bin/ping-hard")), "link", "hard");
        Libc.Check(Libc.Symlink("../etc/target", P("bin/sym")), "symlink", "sym");
        string deep = P(string.Join('/', Enumerable.Repeat("very-long-directory-name", 6)));
        Directory.CreateDirectory(deep);
        File.WriteAllText(Path.Combine(deep, new string('f', 120)), "deep");
        Fs.Chown(Path.Combine(deep, new string('f', 120)), 4242, 4343);
        Fs.SetMtime(P("bin/ping"), 1_650_000_000, 250_000_000);
        return src;
    }

    [Theory]
    [InlineData("posix")]
    [InlineData("gnu")]
    public async Task AppliesArchiveMadeByGnuTar(string format)
    {
        string src = MakeSource();
        string file = Path.Combine(_tmp.Path, format + ".tar");
        if (format == "posix")
        {
            Fs.Run("tar", "--xattrs", "--xattrs-include=*", "--format=posix", "-cf", file, "-C", src, ".");
        }
        else
        {
            Fs.Run("tar", "--format=gnu", "-cf", file, "-C", src, "."); // GNU format has no xattrs
        }
        Assert.True(File.Exists(file));

        string dst = Path.Combine(_tmp.Path, "dst");
        await using (var input = File.OpenRead(file))
        {
            await LayerApplier.ApplyAsync(input, dst);
        }

        string ping = Path.Combine(dst, "bin/ping");
        Assert.Equal("ping binary", File.ReadAllText(ping));
        Assert.Equal(0x9EDu, Fs.Perm(ping));
        Assert.Equal(Fs.Lstat(ping).Ino, Fs.Lstat(Path.Combine(dst, "bin/ping-hard")).Ino);
        Assert.Equal("../etc/target", Libc.Readlink(Path.Combine(dst, "bin/sym")));
        string deepFile = Path.Combine(dst, string.Join('/', Enumerable.Repeat("very-long-directory-name", 6)), new string('f', 120));
        Assert.Equal("deep", File.ReadAllText(deepFile));
        Assert.Equal((4242u, 4343u), (Fs.Lstat(deepFile).Uid, Fs.Lstat(deepFile).Gid));
        if (format == "posix")
        {
            Assert.Equal(Fs.Capability, Fs.GetXattr(ping, "security.capability"));
            Assert.Equal(250_000_000u, Fs.Lstat(ping).MTime.Nanoseconds);
        }
        Assert.Equal(1_650_000_000L, Fs.Lstat(ping).MTime.Seconds);
    }
}
