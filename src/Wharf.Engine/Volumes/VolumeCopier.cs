using Wharf.Engine.Native;

namespace Wharf.Engine.Volumes;

/// <summary>
/// Copy-up: fills a new, empty volume with what the image has at the mount point — files, directories,
/// symlinks, devices and fifos with their owners, modes, times and extended attributes — and gives the
/// volume's root the owner and mode of the image's directory. Links are copied as links, never followed.
/// </summary>
public static class VolumeCopier
{
    /// <summary>Copies when <paramref name="source"/> is a directory and <paramref name="volume"/> is empty; true if it did.</summary>
    public static bool CopyIfEmpty(string source, string volume)
    {
        if (!Libc.TryLstat(source, out var st) || !st.IsDirectory) return false;
        if (Directory.EnumerateFileSystemEntries(volume).Any()) return false;
        CopyChildren(source, volume);
        CopyAttributes(source, volume, st);
        return true;
    }

    private static void CopyChildren(string from, string to)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(from))
        {
            var name = Path.GetFileName(entry);
            var target = Path.Combine(to, name);
            var st = Libc.Lstat(entry);
            switch (st.FileType)
            {
                case Libc.S_IFDIR:
                    Check(Libc.Mkdir(target, 0x1C0), "mkdir", target);
                    CopyChildren(entry, target);
                    break;
                case Libc.S_IFREG:
                    File.Copy(entry, target);
                    break;
                case Libc.S_IFLNK:
                    Check(Libc.Symlink(Libc.Readlink(entry), target), "symlink", target);
                    break;
                default:
                    // Devices, fifos and sockets: the same node (0:0 char devices are overlay whiteouts, never seen here).
                    Check(Libc.Mknod(target, st.Mode, Libc.MakeDev(st.RDevMajor, st.RDevMinor)), "mknod", target);
                    break;
            }
            CopyAttributes(entry, target, st);
        }
    }

    private static void CopyAttributes(string from, string to, in Libc.StatX st)
    {
        Check(Libc.Lchown(to, st.Uid, st.Gid), "lchown", to);
        foreach (var name in Libc.LListXattr(from))
        {
            if (name.StartsWith("trusted.overlay.", StringComparison.Ordinal)) continue;
            if (Libc.LGetXattr(from, name) is { } value) Libc.LSetXattr(to, name, value);
        }
        if (st.IsSymlink) return;
        // After chown, which clears setuid/setgid bits.
        Check(Libc.Chmod(to, (uint)(st.Mode & 0xFFF)), "chmod", to);
        Libc.LUtimens(to, st.ATime.Seconds, st.ATime.Nanoseconds, st.MTime.Seconds, st.MTime.Nanoseconds);
    }

    private static void Check(int result, string op, string path)
    {
        if (result != 0) throw Libc.LastError(op, path);
    }
}
