using System.Runtime.InteropServices;
using System.Text;
using Wharf.Engine.Native;

namespace Wharf.Engine.Layers;

/// <summary>How <see cref="OverlayMount"/> hands the lower directories to the kernel.</summary>
public enum OverlayMountMethod
{
    /// <summary>The option string when it fits in a page, else lowerdir+, else short links.</summary>
    Auto,
    /// <summary>mount(2) with every path in one option string (at most one page: about 40 layer paths).</summary>
    OptionString,
    /// <summary>The new mount API with one `lowerdir+` parameter per layer (Linux 6.8 and later): any depth.</summary>
    LowerdirPlus,
    /// <summary>mount(2) with one-to-three-character symlinks, relative to their directory (older kernels).</summary>
    ShortLinks,
}

/// <summary>
/// Mounts an overlay of any depth. The classic option string is copied by the kernel into one page, so long
/// layer paths stop fitting at about 40 layers; beyond that the layers go in one at a time as `lowerdir+`
/// where the kernel has it, or as short symlinks named relative to a directory that only the mounting thread
/// sees as its working directory (unshare(CLONE_FS) gives a thread its own). The links are removed once
/// mounted: overlayfs resolves every lower directory when it mounts.
/// </summary>
internal static class OverlayMount
{
    private const ulong MsRdonly = 1;
    private const int Einval = 22;
    private const int Enosys = 38;

    // 0: not tried yet; 1: the kernel takes lowerdir+; -1: it does not.
    private static int s_lowerdirPlus;

    /// <summary>
    /// Mounts <paramref name="lowers"/> (topmost first) at <paramref name="target"/>, with <paramref name="upper"/>
    /// and <paramref name="work"/> when writable (both null: read-only). <paramref name="linkRoot"/> is where a
    /// short-link directory may be made for the moment of the mount (its tmp-* names are removed at start-up).
    /// </summary>
    public static void Mount(string target, IReadOnlyList<string> lowers, string? upper, string? work, string linkRoot,
        OverlayMountMethod method = OverlayMountMethod.Auto)
    {
        if (lowers.Count == 0) throw new ArgumentException("an overlay needs at least one lower directory", nameof(lowers));
        var tail = upper is null ? "" : $",upperdir={upper},workdir={work},redirect_dir=off,metacopy=off,index=off";
        if (method == OverlayMountMethod.Auto)
        {
            if (Fits("lowerdir=" + string.Join(':', lowers) + tail)) method = OverlayMountMethod.OptionString;
            else if (Volatile.Read(ref s_lowerdirPlus) >= 0 && TryLowerdirPlus(target, lowers, upper, work)) return;
            else method = OverlayMountMethod.ShortLinks;
        }
        switch (method)
        {
            case OverlayMountMethod.OptionString:
                MountOptionString(target, "lowerdir=" + string.Join(':', lowers) + tail, upper is null);
                break;
            case OverlayMountMethod.LowerdirPlus:
                if (!TryLowerdirPlus(target, lowers, upper, work))
                    throw new WharfException("mounting an overlay: this kernel has no lowerdir+ (Linux 6.8 and later)");
                break;
            default:
                MountShortLinks(target, lowers, tail, upper is null, linkRoot);
                break;
        }
    }

    /// <summary>Whether the kernel takes `lowerdir+` (asks it once, with a throwaway filesystem context).</summary>
    public static bool KernelHasLowerdirPlus()
    {
        var known = Volatile.Read(ref s_lowerdirPlus);
        if (known != 0) return known > 0;
        var fs = Libc.Fsopen("overlay", Libc.FSOPEN_CLOEXEC);
        if (fs < 0) return Remember(false);
        try
        {
            return Remember(Libc.Fsconfig(fs, Libc.FSCONFIG_SET_STRING, "lowerdir+", "/") == 0);
        }
        finally
        {
            Libc.Close(fs);
        }
    }

    private static bool Remember(bool has)
    {
        Volatile.Write(ref s_lowerdirPlus, has ? 1 : -1);
        return has;
    }

    private static bool Fits(string options) => Encoding.UTF8.GetByteCount(options) < Environment.SystemPageSize;

    private static void MountOptionString(string target, string options, bool readOnly)
    {
        if (!Fits(options))
            throw new WharfException($"mounting an overlay: its options are longer than a page ({Encoding.UTF8.GetByteCount(options)} bytes)");
        if (Libc.Mount("overlay", target, "overlay", readOnly ? MsRdonly : 0, options) != 0)
            throw new WharfException($"mounting an overlay on {target}: {Errno(Marshal.GetLastPInvokeError())}");
    }

    /// <summary>False when the kernel has no lowerdir+ (nothing mounted); throws on any other failure.</summary>
    private static bool TryLowerdirPlus(string target, IReadOnlyList<string> lowers, string? upper, string? work)
    {
        var fs = Libc.Fsopen("overlay", Libc.FSOPEN_CLOEXEC);
        if (fs < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == Enosys) return Remember(false);
            throw new WharfException($"mounting an overlay on {target}: fsopen: {Errno(errno)}");
        }
        try
        {
            for (var i = 0; i < lowers.Count; i++)
            {
                if (Libc.Fsconfig(fs, Libc.FSCONFIG_SET_STRING, "lowerdir+", lowers[i]) == 0) continue;
                var errno = Marshal.GetLastPInvokeError();
                if (i == 0 && errno == Einval && Volatile.Read(ref s_lowerdirPlus) == 0 && !KernelHasLowerdirPlus()) return false;
                throw Failure(fs, target, $"lower directory {lowers[i]}", errno);
            }
            Remember(true);
            if (upper is not null)
            {
                Set(fs, target, "upperdir", upper);
                Set(fs, target, "workdir", work!);
                Set(fs, target, "redirect_dir", "off");
                Set(fs, target, "metacopy", "off");
                Set(fs, target, "index", "off");
            }
            if (Libc.Fsconfig(fs, Libc.FSCONFIG_CMD_CREATE, null, null) != 0)
                throw Failure(fs, target, "creating it", Marshal.GetLastPInvokeError());
            var mnt = Libc.Fsmount(fs, Libc.FSMOUNT_CLOEXEC, upper is null ? Libc.MOUNT_ATTR_RDONLY : 0);
            if (mnt < 0) throw Failure(fs, target, "fsmount", Marshal.GetLastPInvokeError());
            try
            {
                if (Libc.MoveMountTo(mnt, target) != 0)
                    throw new WharfException($"mounting an overlay on {target}: move_mount: {Errno(Marshal.GetLastPInvokeError())}");
            }
            finally
            {
                Libc.Close(mnt);
            }
            return true;
        }
        finally
        {
            Libc.Close(fs);
        }
    }

    private static void Set(int fs, string target, string key, string value)
    {
        if (Libc.Fsconfig(fs, Libc.FSCONFIG_SET_STRING, key, value) != 0)
            throw Failure(fs, target, $"{key}={value}", Marshal.GetLastPInvokeError());
    }

    /// <summary>The error, with the kernel's own message from the filesystem context's log when it left one.</summary>
    private static unsafe WharfException Failure(int fs, string target, string what, int errno)
    {
        var buffer = stackalloc byte[512];
        var n = Libc.Read(fs, buffer, 511);
        var detail = n > 2 ? ": " + Encoding.UTF8.GetString(buffer + 2, (int)n - 2).TrimEnd('\n') : "";
        return new WharfException($"mounting an overlay on {target}: {what}: {Errno(errno)}{detail}");
    }

    private static void MountShortLinks(string target, IReadOnlyList<string> lowers, string tail, bool readOnly, string linkRoot)
    {
        var dir = Path.Combine(linkRoot, "tmp-links-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        try
        {
            var names = new string[lowers.Count];
            for (var i = 0; i < lowers.Count; i++)
            {
                names[i] = ShortName(i);
                File.CreateSymbolicLink(Path.Combine(dir, names[i]), lowers[i]);
            }
            var options = "lowerdir=" + string.Join(':', names) + tail;
            if (!Fits(options))
                throw new WharfException($"mounting an overlay on {target}: {lowers.Count} layers do not fit in one mount even as short links");
            Exception? error = null;
            // The working directory is per process in .NET; a thread of our own unshares it and changes only its own.
            var thread = new Thread(() =>
            {
                try
                {
                    if (Libc.Unshare(Libc.CLONE_FS) != 0)
                        throw new WharfException($"mounting an overlay on {target}: unshare: {Errno(Marshal.GetLastPInvokeError())}");
                    if (Libc.Chdir(dir) != 0)
                        throw new WharfException($"mounting an overlay on {target}: chdir {dir}: {Errno(Marshal.GetLastPInvokeError())}");
                    MountOptionString(target, options, readOnly);
                }
                catch (Exception e)
                {
                    error = e;
                }
            }, 256 * 1024) { Name = "overlay-mount", IsBackground = true };
            thread.Start();
            thread.Join();
            if (error is not null) throw error;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Errno(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";

    /// <summary>0..9, a..z, then two and three characters: the shortest names that keep order irrelevant.</summary>
    internal static string ShortName(int index)
    {
        const string digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        var sb = new StringBuilder();
        do
        {
            sb.Insert(0, digits[index % 36]);
            index /= 36;
        } while (index > 0);
        return sb.ToString();
    }
}
