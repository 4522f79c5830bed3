using Wharf.Engine.Layers;

namespace Wharf.Engine.Tests.Layers;

public sealed class LayerApplierSecurityTests : IDisposable
{
    private readonly TempDir _tmp = new();
    private readonly string _outsideName = "wharf-escape-" + Guid.NewGuid().ToString("N");

    public LayerApplierSecurityTests()
    {
        Target = _tmp.Sub("deep/er/layer");
    }

    private string Target { get; }

    public void Dispose()
    {
        foreach (string p in new[] { "/" + _outsideName, "/tmp/" + _outsideName, Path.Combine(_tmp.Path, _outsideName) })
        {
            if (File.Exists(p))
            {
                File.Delete(p);
            }
        }
        _tmp.Dispose();
    }

    private async Task<InvalidDataException> Refused(RawTar tar)
    {
        return await Assert.ThrowsAsync<InvalidDataException>(() => LayerApplier.ApplyAsync(tar.End().ToStream(), Target));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("a/../../x")]
    [InlineData("./../x")]
    [InlineData("a/b/../../../x")]
    public async Task RefusesNamesThatClimbOutOfTheLayer(string name)
    {
        var ex = await Refused(new RawTar().File(name.Replace("x", _outsideName), "evil"u8.ToArray()));
        Assert.Equal($"refusing tar entry \"{name.Replace("x", _outsideName)}\": path escapes the layer", ex.Message);
        Assert.False(Fs.Exists(Path.Combine(Path.GetDirectoryName(Target)!, _outsideName)));
        Assert.False(Fs.Exists(Path.Combine(_tmp.Path, "deep", _outsideName)));
    }

    [Fact]
    public async Task RefusesWritingThroughAnAbsoluteSymlink()
    {
        var ex = await Refused(new RawTar()
            .Header("a", '2', linkName: "/")
            .File("a/tmp/" + _outsideName, "evil"u8.ToArray()));
        Assert.Equal($"refusing tar entry \"a/tmp/{_outsideName}\": path escapes the layer through symlink \"a\"", ex.Message);
        Assert.False(Fs.Exists("/tmp/" + _outsideName));
    }

    [Fact]
    public async Task RefusesWritingThroughASymlinkToEtc()
    {
        var ex = await Refused(new RawTar()
            .Header("a", '2', linkName: "/etc")
            .File("a/passwd", "evil"u8.ToArray()));
        Assert.Equal("refusing tar entry \"a/passwd\": path escapes the layer through symlink \"a\"", ex.Message);
    }

    [Fact]
    public async Task RefusesWritingThroughARelativeSymlink()
    {
        var ex = await Refused(new RawTar()
            .Header("x/a", '2', linkName: "../../..")
            .File("x/a/" + _outsideName, "evil"u8.ToArray()));
        Assert.Contains("through symlink \"x/a\"", ex.Message);
        Assert.False(Fs.Exists(Path.Combine(_tmp.Path, _outsideName)));
    }

    [Fact]
    public async Task RefusesDirectoriesDevicesAndWhiteoutsThroughSymlinks()
    {
        foreach (var tar in new[]
        {
            new RawTar().Header("a", '2', linkName: _tmp.Path).Header("a/" + _outsideName + "/", '5'),
            new RawTar().Header("a", '2', linkName: _tmp.Path).Header("a/" + _outsideName, '6'),
            new RawTar().Header("a", '2', linkName: _tmp.Path).Header("a/.wh." + _outsideName),
            new RawTar().Header("a", '2', linkName: _tmp.Path).Header("a/.wh..wh..opq"),
        })
        {
            await Refused(tar);
            Assert.False(Fs.Exists(Path.Combine(_tmp.Path, _outsideName)));
            Assert.Null(Fs.GetXattr(_tmp.Path, LayerApplier.OpaqueXattr));
            Directory.Delete(Target, true);
        }
    }

    [Fact]
    public async Task ReplacingASymlinkNeverWritesToItsTarget()
    {
        string victim = Path.Combine(_tmp.Path, "victim");
        File.WriteAllText(victim, "original");
        await LayerApplier.ApplyAsync(new RawTar()
            .Header("a", '2', linkName: victim)
            .File("a", "new content"u8.ToArray())
            .End().ToStream(), Target);
        Assert.Equal("original", File.ReadAllText(victim));
        Assert.Equal("new content", File.ReadAllText(Path.Combine(Target, "a")));
    }

    [Fact]
    public async Task RefusesHardlinkOutOfTheLayer()
    {
        var ex = await Refused(new RawTar().Header("x", '1', linkName: "../../etc/passwd"));
        Assert.Equal("refusing tar entry \"x\": hardlink target \"../../etc/passwd\" escapes the layer", ex.Message);
        Assert.False(Fs.Exists(Path.Combine(Target, "x")));
    }

    [Fact]
    public async Task AbsoluteHardlinkTargetIsResolvedInsideTheLayer()
    {
        var ex = await Refused(new RawTar().Header("x", '1', linkName: "/etc/passwd"));
        Assert.Contains("is not in the layer", ex.Message);
        Assert.False(Fs.Exists(Path.Combine(Target, "x")));

        await LayerApplier.ApplyAsync(new RawTar()
            .File("etc/passwd", "p"u8.ToArray())
            .Header("x", '1', linkName: "/etc/passwd").End().ToStream(), Target);
        Assert.Equal(Fs.Lstat(Path.Combine(Target, "etc/passwd")).Ino, Fs.Lstat(Path.Combine(Target, "x")).Ino);
    }

    [Fact]
    public async Task RefusesHardlinkThroughASymlink()
    {
        var ex = await Refused(new RawTar()
            .Header("l", '2', linkName: "/etc")
            .Header("x", '1', linkName: "l/passwd"));
        Assert.Equal("refusing tar entry \"x\": hardlink target \"l/passwd\" escapes the layer through symlink \"l\"", ex.Message);
        Assert.False(Fs.Exists(Path.Combine(Target, "x")));
    }

    [Fact]
    public async Task HardlinkToASymlinkLinksTheSymlinkItself()
    {
        await LayerApplier.ApplyAsync(new RawTar()
            .Header("l", '2', linkName: "/etc/passwd")
            .Header("x", '1', linkName: "l").End().ToStream(), Target);
        var st = Fs.Lstat(Path.Combine(Target, "x"));
        Assert.True(st.IsSymlink);
        Assert.Equal(Fs.Lstat(Path.Combine(Target, "l")).Ino, st.Ino);
    }

    [Fact]
    public async Task RefusesHardlinkToADirectoryOrMissingEntry()
    {
        var ex = await Refused(new RawTar().Header("d/", '5').Header("x", '1', linkName: "d"));
        Assert.Contains("is a directory", ex.Message);
        Directory.Delete(Target, true);
        ex = await Refused(new RawTar().Header("x", '1', linkName: "nope"));
        Assert.Contains("is not in the layer", ex.Message);
    }

    [Fact]
    public async Task RefusesAFileUsedAsParentDirectory()
    {
        var ex = await Refused(new RawTar().File("f", "x"u8.ToArray()).File("f/g", "y"u8.ToArray()));
        Assert.Equal("refusing tar entry \"f/g\": parent \"f\" is not a directory", ex.Message);
    }

    [Fact]
    public async Task DirectoryReplacedBySymlinkIsNotTraversedLater()
    {
        var ex = await Refused(new RawTar()
            .Header("d/", '5')
            .File("d/ok", "x"u8.ToArray())
            .Header("d", '2', linkName: _tmp.Path)
            .File("d/" + _outsideName, "evil"u8.ToArray()));
        Assert.Contains("through symlink \"d\"", ex.Message);
        Assert.False(Fs.Exists(Path.Combine(_tmp.Path, _outsideName)));
    }

    [Fact]
    public async Task RefusesNamesWithNulBytes()
    {
        var ex = await Refused(new RawTar().Pax('x', ("path", "a\0/../../x"u8.ToArray())).Header("placeholder"));
        Assert.Contains("NUL byte", ex.Message);
        Directory.Delete(Target, true);
        ex = await Refused(new RawTar().Pax('x', ("linkpath", "/etc\0x"u8.ToArray())).Header("l", '2'));
        Assert.Contains("NUL byte", ex.Message);
    }

    [Fact]
    public async Task OverlayXattrsFromTheArchiveAreNotApplied()
    {
        await LayerApplier.ApplyAsync(new RawTar()
            .Pax('x', ("SCHILY.xattr.trusted.overlay.opaque", "y"u8.ToArray()), ("SCHILY.xattr.user.overlay.opaque", "y"u8.ToArray()))
            .Header("d/", '5')
            .End().ToStream(), Target);
        Assert.Null(Fs.GetXattr(Path.Combine(Target, "d"), "trusted.overlay.opaque"));
        Assert.Null(Fs.GetXattr(Path.Combine(Target, "d"), "user.overlay.opaque"));
    }
}
