using Wharf.Engine.Layers;
using Wharf.Engine.Native;

namespace Wharf.Engine.Tests.Layers;

/// <summary>Overlays deeper than one page of options: 100 layers with long paths, through each way of mounting.</summary>
public sealed class OverlayMountTests : IDisposable
{
    private const int Depth = 100;
    private readonly TempDir _tmp = new();
    private readonly List<string> _mounted = [];

    public void Dispose()
    {
        foreach (var m in _mounted) Libc.Umount2(m, Libc.MNT_DETACH);
        _tmp.Dispose();
    }

    /// <summary>Layers bottom first under long names (about 90 characters each); each adds a file and rewrites "top".</summary>
    private List<string> MakeLayers(int count)
    {
        var bottomFirst = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var diff = _tmp.Sub(Path.Combine("layers", $"{i:D4}{new string('a', 60)}", "diff"));
            File.WriteAllText(Path.Combine(diff, $"f{i}"), $"layer {i}");
            File.WriteAllText(Path.Combine(diff, "top"), $"{i}");
            bottomFirst.Add(diff);
        }
        bottomFirst.Reverse();
        return bottomFirst;
    }

    private (string Merged, string Upper, string Work) Dirs()
    {
        var merged = _tmp.Sub("merged");
        _mounted.Add(merged);
        return (merged, _tmp.Sub("upper"), _tmp.Sub("work"));
    }

    private void AssertStack(string merged, int count)
    {
        Assert.Equal($"{count - 1}", File.ReadAllText(Path.Combine(merged, "top")));
        for (var i = 0; i < count; i++) Assert.Equal($"layer {i}", File.ReadAllText(Path.Combine(merged, $"f{i}")));
    }

    [Theory]
    [InlineData(OverlayMountMethod.Auto)]
    [InlineData(OverlayMountMethod.LowerdirPlus)]
    [InlineData(OverlayMountMethod.ShortLinks)]
    public void Mounts_a_hundred_long_layer_paths_writable(OverlayMountMethod method)
    {
        if (method == OverlayMountMethod.LowerdirPlus && !OverlayMount.KernelHasLowerdirPlus()) return;
        var lowers = MakeLayers(Depth);
        Assert.True(string.Join(':', lowers).Length > Environment.SystemPageSize);
        var (merged, upper, work) = Dirs();

        OverlayMount.Mount(merged, lowers, upper, work, _tmp.Path, method);

        AssertStack(merged, Depth);
        File.WriteAllText(Path.Combine(merged, "new"), "written");
        Assert.Equal("written", File.ReadAllText(Path.Combine(upper, "new")));
        Assert.Empty(Directory.EnumerateDirectories(_tmp.Path, "tmp-links-*"));
    }

    [Theory]
    [InlineData(OverlayMountMethod.Auto)]
    [InlineData(OverlayMountMethod.ShortLinks)]
    public void Mounts_a_hundred_layers_read_only(OverlayMountMethod method)
    {
        var lowers = MakeLayers(Depth);
        var (merged, _, _) = Dirs();

        OverlayMount.Mount(merged, lowers, null, null, _tmp.Path, method);

        AssertStack(merged, Depth);
        var e = Assert.ThrowsAny<IOException>(() => File.WriteAllText(Path.Combine(merged, "new"), "x"));
        Assert.Contains("read-only", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_few_layers_mount_through_the_option_string()
    {
        var lowers = MakeLayers(3);
        var (merged, upper, work) = Dirs();

        OverlayMount.Mount(merged, lowers, upper, work, _tmp.Path, OverlayMountMethod.OptionString);

        AssertStack(merged, 3);
        Assert.Contains(File.ReadLines("/proc/self/mountinfo"), l => l.Split(' ')[4] == merged && l.Contains($"lowerdir={lowers[0]}"));
    }

    [Fact]
    public void The_option_string_refuses_what_does_not_fit_in_a_page()
    {
        var lowers = MakeLayers(Depth);
        var (merged, upper, work) = Dirs();

        var e = Assert.Throws<WharfException>(() => OverlayMount.Mount(merged, lowers, upper, work, _tmp.Path, OverlayMountMethod.OptionString));

        Assert.Contains("longer than a page", e.Message);
        Assert.DoesNotContain(File.ReadLines("/proc/self/mountinfo"), l => l.Split(' ')[4] == merged);
    }

    [Fact]
    public void A_missing_layer_directory_is_named_in_the_error()
    {
        var lowers = MakeLayers(Depth);
        lowers[50] = Path.Combine(_tmp.Path, "gone");
        var (merged, upper, work) = Dirs();

        var e = Assert.Throws<WharfException>(() => OverlayMount.Mount(merged, lowers, upper, work, _tmp.Path));

        Assert.Contains("mounting an overlay on " + merged, e.Message);
        Assert.DoesNotContain(File.ReadLines("/proc/self/mountinfo"), l => l.Split(' ')[4] == merged);
        Assert.Empty(Directory.EnumerateDirectories(_tmp.Path, "tmp-links-*"));
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(35, "z")]
    [InlineData(36, "10")]
    [InlineData(499, "dv")]
    public void Short_names_are_base_36(int index, string name) => Assert.Equal(name, OverlayMount.ShortName(index));
}
