using System.Runtime.InteropServices;

namespace Wharf.Engine.Native;

/// <summary>
/// Descriptor-relative calls (openat2, mkdirat, unlinkat, ...): the way to work inside a directory tree that
/// someone else may change at the same time (a running container's root) without ever following a symlink
/// out of it. Every call takes the directory descriptor the name is relative to.
/// </summary>
internal static partial class Libc
{
    public const int O_PATH = 0x200000;
    public const int O_NONBLOCK = 0x800;
    public const int AT_EMPTY_PATH = 0x1000;

    public const ulong RESOLVE_NO_MAGICLINKS = 0x02;
    public const ulong RESOLVE_NO_SYMLINKS = 0x04;
    public const ulong RESOLVE_BENEATH = 0x08;
    public const ulong RESOLVE_IN_ROOT = 0x10;

    private const long SysOpenat2 = 437;

    /// <summary>struct open_how of openat2(2).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial long Openat2Native(long number, int dirfd, string path, OpenHow* how, nuint size);

    /// <summary>openat2(2): opens <paramref name="path"/> relative to <paramref name="dirfd"/> with RESOLVE_* rules; -1 with errno on failure.</summary>
    public static unsafe int Openat2(int dirfd, string path, int flags, uint mode, ulong resolve)
    {
        var how = new OpenHow { Flags = (ulong)(uint)flags, Mode = mode, Resolve = resolve };
        while (true)
        {
            long fd = Openat2Native(SysOpenat2, dirfd, path, &how, (nuint)sizeof(OpenHow));
            // EAGAIN: a rename raced the lookup (RESOLVE_IN_ROOT/BENEATH); the kernel asks for a retry.
            if (fd < 0 && (LastErrno == EINTR || LastErrno == 11))
            {
                continue;
            }
            return (int)fd;
        }
    }

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Openat(int dirfd, string path, int flags, uint mode);

    /// <summary>statx relative to a directory descriptor; flags as for fstatat (AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH).</summary>
    public static bool TryStatAt(int dirfd, string path, int flags, out StatX st)
        => StatXNative(dirfd, path, flags, STATX_BASIC_STATS, out st) == 0;

    /// <summary>fstat of a raw descriptor (also an O_PATH one).</summary>
    public static StatX Fstat(int fd)
    {
        if (!TryStatAt(fd, "", AT_EMPTY_PATH, out var st))
        {
            throw LastError("fstat", FdPath(fd));
        }
        return st;
    }

    [LibraryImport("libc", EntryPoint = "mkdirat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Mkdirat(int dirfd, string path, uint mode);

    [LibraryImport("libc", EntryPoint = "symlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Symlinkat(string target, int dirfd, string linkPath);

    [LibraryImport("libc", EntryPoint = "mknodat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Mknodat(int dirfd, string path, uint mode, ulong dev);

    /// <summary>linkat(2) without AT_SYMLINK_FOLLOW: a symlink is linked, never its target.</summary>
    [LibraryImport("libc", EntryPoint = "linkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Linkat(int olddirfd, string oldpath, int newdirfd, string newpath, int flags);

    [LibraryImport("libc", EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Unlinkat(int dirfd, string path, int flags);

    [LibraryImport("libc", EntryPoint = "fchownat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Fchownat(int dirfd, string path, uint uid, uint gid, int flags);

    [LibraryImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    public static partial int Fchmod(int fd, uint mode);

    [LibraryImport("libc", EntryPoint = "utimensat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int UtimensatAtNative(int dirfd, string path, Timespec* times, int flags);

    /// <summary>utimensat(2) relative to a directory descriptor, never following a final symlink.</summary>
    public static unsafe int UtimensAt(int dirfd, string path, long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec)
    {
        Timespec* times = stackalloc Timespec[2];
        times[0] = new Timespec { Seconds = atimeSec, Nanoseconds = atimeNsec };
        times[1] = new Timespec { Seconds = mtimeSec, Nanoseconds = mtimeNsec };
        return UtimensatAtNative(dirfd, path, times, AT_SYMLINK_NOFOLLOW);
    }

    [LibraryImport("libc", EntryPoint = "futimens", SetLastError = true)]
    private static unsafe partial int FutimensNative(int fd, Timespec* times);

    /// <summary>futimens(2): times of an open descriptor's inode.</summary>
    public static unsafe int Futimens(int fd, long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec)
    {
        Timespec* times = stackalloc Timespec[2];
        times[0] = new Timespec { Seconds = atimeSec, Nanoseconds = atimeNsec };
        times[1] = new Timespec { Seconds = mtimeSec, Nanoseconds = mtimeNsec };
        return FutimensNative(fd, times);
    }

    [LibraryImport("libc", EntryPoint = "readlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial nint ReadlinkatNative(int dirfd, string path, byte* buf, nuint size);

    /// <summary>readlinkat(2); with an O_PATH descriptor of the link itself and an empty path.</summary>
    public static unsafe string ReadlinkAt(int dirfd, string path)
    {
        int size = 256;
        while (true)
        {
            byte[] buf = new byte[size];
            nint n;
            fixed (byte* p = buf)
            {
                n = ReadlinkatNative(dirfd, path, p, (nuint)size);
            }
            if (n < 0)
            {
                throw LastError("readlinkat", path.Length == 0 ? FdPath(dirfd) : path);
            }
            if (n < size)
            {
                return System.Text.Encoding.UTF8.GetString(buf, 0, (int)n);
            }
            size *= 4;
        }
    }

    [LibraryImport("libc", EntryPoint = "fgetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial nint FGetXattrNative(int fd, string name, byte* value, nuint size);

    /// <summary>fgetxattr(2) of one attribute; null when it is not set or not supported.</summary>
    public static unsafe byte[]? FGetXattr(int fd, string name)
    {
        byte[] buf = new byte[256];
        while (true)
        {
            nint n;
            fixed (byte* p = buf)
            {
                n = FGetXattrNative(fd, name, p, (nuint)buf.Length);
            }
            if (n >= 0)
            {
                return buf.AsSpan(0, (int)n).ToArray();
            }
            if (LastErrno == ERANGE && buf.Length < 1 << 20)
            {
                buf = new byte[buf.Length * 16];
                continue;
            }
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "setxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int SetXattrNative(string path, string name, byte* value, nuint size, int flags);

    /// <summary>setxattr(2) (follows the path; used with /proc/self/fd paths of pinned inodes).</summary>
    public static unsafe int SetXattr(string path, string name, ReadOnlySpan<byte> value)
    {
        fixed (byte* p = value)
        {
            byte dummy = 0;
            return SetXattrNative(path, name, value.IsEmpty ? &dummy : p, (nuint)value.Length, 0);
        }
    }

    /// <summary>The /proc path that reopens exactly the inode a descriptor holds.</summary>
    public static string FdPath(int fd) => "/proc/self/fd/" + fd.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
