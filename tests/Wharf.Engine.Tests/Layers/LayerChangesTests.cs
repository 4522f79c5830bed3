using Wharf.Engine.Layers;
using Wharf.Engine.Native;

namespace Wharf.Engine.Tests.Layers;

public sealed class LayerChangesTests : IDisposable
{
    private readonly TempDir _tmp = new();
    private readonly string _lower;
    private readonly string _upper;

    public LayerChangesTests()
    {
        _lower = _tmp.Sub("lower");
        _upper = _tmp.Sub("upper");
        foreach (var d in new[] { "etc", "var/www", "var/cache/apt", "home", "tmp", "proc" }) Directory.CreateDirectory(L(d));
        File.WriteAllText(L("etc/passwd"), "root\n");
        File.WriteAllText(L("etc/group"), "root\n");
        File.WriteAllText(L("var/cache/apt/a"), "a");
        File.WriteAllText(L("var/cache/apt/b"), "b");
    }

    public void Dispose() => _tmp.Dispose();

    private string L(string rel) => Path.Combine(_lower, rel);

    private string U(string rel) => Path.Combine(_upper, rel);

    /// <summary>A directory copied up by overlayfs: same owner and mode as below, a newer time.</summary>
    private void CopyUp(string rel)
    {
        Directory.CreateDirectory(U(rel));
        Fs.Chmod(U(rel), Fs.Perm(L(rel)));
        Fs.SetMtime(U(rel), 1_800_000_000, 0);
    }

    private List<string> Changes() =>
        LayerChanges.Compute(_upper, [_lower]).Select(c => "CAD"[(int)c.Kind] + " " + c.Path).ToList();

    [Fact]
    public void Lists_added_modified_and_deleted_paths_with_their_directories()
    {
        CopyUp("etc");
        File.WriteAllText(U("etc/passwd"), "root\nme\n");
        Fs.Mknod(U("etc/group"), Libc.S_IFCHR, 0, 0);
        CopyUp("tmp");
        Directory.CreateDirectory(U("tmp/new/deeper"));
        File.WriteAllText(U("tmp/new/deeper/f"), "f");
        CopyUp("var");
        Fs.Mknod(U("var/www"), Libc.S_IFCHR, 0, 0);
        Assert.Equal(
        [
            "C /etc", "D /etc/group", "C /etc/passwd",
            "C /tmp", "A /tmp/new", "A /tmp/new/deeper", "A /tmp/new/deeper/f",
            "C /var", "D /var/www",
        ], Changes());
    }

    [Fact]
    public void An_opaque_directory_deletes_what_the_image_had_in_it()
    {
        CopyUp("var");
        CopyUp("var/cache");
        Directory.CreateDirectory(U("var/cache/apt"));
        Fs.SetXattr(U("var/cache/apt"), "trusted.overlay.opaque", "y"u8.ToArray());
        File.WriteAllText(U("var/cache/apt/b"), "new b");
        File.WriteAllText(U("var/cache/apt/c"), "c");
        Assert.Equal(["C /var", "C /var/cache", "C /var/cache/apt", "D /var/cache/apt/a", "C /var/cache/apt/b", "A /var/cache/apt/c"], Changes());
    }

    [Fact]
    public void A_directory_with_a_new_mode_is_modified_even_without_changes_inside()
    {
        CopyUp("home");
        Fs.Chmod(U("home"), 0x1C0);
        Assert.Equal(["C /home"], Changes());
    }

    [Fact]
    public void Mount_points_the_runtime_made_are_left_out_but_real_files_there_are_not()
    {
        CopyUp("etc");
        File.WriteAllText(U("etc/hosts"), "");
        File.WriteAllText(U("etc/resolv.conf"), "");
        Directory.CreateDirectory(U("dev/pts"));
        Directory.CreateDirectory(U("sys"));
        Assert.Empty(Changes());
        Assert.Equal(["/dev", "/dev/pts", "/etc/hosts", "/etc/resolv.conf", "/sys"], LayerChanges.FindMountStubs(_upper, [_lower]).Order(StringComparer.Ordinal));

        File.WriteAllText(U("etc/hosts"), "10.0.0.1 db\n");
        File.WriteAllText(U("dev/pts/x"), "x");
        Assert.Equal(["C /etc", "A /etc/hosts", "A /dev", "A /dev/pts", "A /dev/pts/x"], Changes().OrderBy(c => c.Contains("/etc") ? 0 : 1).ToList());
    }

    [Fact]
    public void A_mount_point_the_image_has_counts_as_a_change()
    {
        CopyUp("proc");
        File.WriteAllText(U("proc/x"), "");
        Assert.Equal(["C /proc", "A /proc/x"], Changes());
    }
}
