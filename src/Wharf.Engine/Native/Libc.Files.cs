using System.Runtime.InteropServices;

namespace Wharf.Engine.Native;

/// <summary>
/// Thin libc imports for file operations that .NET does not expose faithfully
/// (lstat of device nodes, ownership, device creation, nanosecond timestamps, links).
/// Linux only; all path arguments are UTF-8.
/// </summary>
internal static partial class Libc
{
    public const int AT_FDCWD = -100;
    public const int AT_SYMLINK_NOFOLLOW = 0x100;
    public const int AT_REMOVEDIR = 0x200;
    public const int AT_STATX_SYNC_AS_STAT = 0;

    public const int O_RDONLY = 0x0;
    public const int O_WRONLY = 0x1;
    public const int O_RDWR = 0x2;
    public const int O_CREAT = 0x40;
    public const int O_EXCL = 0x80;
    public const int O_TRUNC = 0x200;
    public const int O_DIRECTORY = 0x10000;
    public const int O_NOFOLLOW = 0x20000;
    public const int O_CLOEXEC = 0x80000;

    public const uint S_IFMT = 0xF000;
    public const uint S_IFSOCK = 0xC000;
    public const uint S_IFLNK = 0xA000;
    public const uint S_IFREG = 0x8000;
    public const uint S_IFBLK = 0x6000;
    public const uint S_IFDIR = 0x4000;
    public const uint S_IFCHR = 0x2000;
    public const uint S_IFIFO = 0x1000;

    public const uint STATX_BASIC_STATS = 0x7FF;

    /// <summary>Timestamp inside <see cref="StatX"/>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct StatXTimestamp
    {
        public long Seconds;
        public uint Nanoseconds;
        private readonly int _reserved;
    }

    /// <summary>struct statx (architecture independent layout, 256 bytes).</summary>
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    public struct StatX
    {
        public uint Mask;
        public uint BlockSize;
        public ulong Attributes;
        public uint NLink;
        public uint Uid;
        public uint Gid;
        public ushort Mode;
        private readonly ushort _spare0;
        public ulong Ino;
        public ulong Size;
        public ulong Blocks;
        public ulong AttributesMask;
        public StatXTimestamp ATime;
        public StatXTimestamp BTime;
        public StatXTimestamp CTime;
        public StatXTimestamp MTime;
        public uint RDevMajor;
        public uint RDevMinor;
        public uint DevMajor;
        public uint DevMinor;

        public readonly uint FileType => Mode & S_IFMT;
        public readonly bool IsDirectory => FileType == S_IFDIR;
        public readonly bool IsSymlink => FileType == S_IFLNK;
        public readonly bool IsRegular => FileType == S_IFREG;
    }

    /// <summary>struct timespec on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatXNative(int dirfd, string path, int flags, uint mask, out StatX buf);

    /// <summary>lstat semantics (never follows a final symlink). Returns false with errno set on failure.</summary>
    public static bool TryLstat(string path, out StatX st)
        => StatXNative(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, out st) == 0;

    /// <summary>fstat of an open descriptor (statx with AT_EMPTY_PATH); false on failure.</summary>
    public static bool TryFstat(Microsoft.Win32.SafeHandles.SafeFileHandle handle, out StatX st)
    {
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return StatXNative((int)handle.DangerousGetHandle(), "", 0x1000 /* AT_EMPTY_PATH */, STATX_BASIC_STATS, out st) == 0;
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    /// <summary>lstat that throws on failure.</summary>
    public static StatX Lstat(string path)
    {
        if (!TryLstat(path, out var st))
        {
            throw LastError("lstat", path);
        }
        return st;
    }

    [LibraryImport("libc", EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Lchown(string path, uint uid, uint gid);

    [LibraryImport("libc", EntryPoint = "chmod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Chmod(string path, uint mode);

    [LibraryImport("libc", EntryPoint = "mkdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Mkdir(string path, uint mode);

    [LibraryImport("libc", EntryPoint = "mknod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Mknod(string path, uint mode, ulong dev);

    [LibraryImport("libc", EntryPoint = "symlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Symlink(string target, string linkPath);

    /// <summary>link(2): never dereferences <paramref name="existing"/> when it is a symlink.</summary>
    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Link(string existing, string newPath);

    [LibraryImport("libc", EntryPoint = "unlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Unlink(string path);

    [LibraryImport("libc", EntryPoint = "rmdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Rmdir(string path);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "utimensat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int UtimensatNative(int dirfd, string path, Timespec* times, int flags);

    /// <summary>Sets atime and mtime with nanosecond precision without following a final symlink.</summary>
    public static unsafe int LUtimens(string path, long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec)
    {
        Timespec* times = stackalloc Timespec[2];
        times[0] = new Timespec { Seconds = atimeSec, Nanoseconds = atimeNsec };
        times[1] = new Timespec { Seconds = mtimeSec, Nanoseconds = mtimeNsec };
        return UtimensatNative(AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW);
    }

    [LibraryImport("libc", EntryPoint = "readlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial nint ReadlinkNative(string path, byte* buf, nuint size);

    /// <summary>Reads a symlink target verbatim (decoded as UTF-8).</summary>
    public static unsafe string Readlink(string path)
    {
        int size = 256;
        while (true)
        {
            byte[] buf = new byte[size];
            nint n;
            fixed (byte* p = buf)
            {
                n = ReadlinkNative(path, p, (nuint)size);
            }
            if (n < 0)
            {
                throw LastError("readlink", path);
            }
            if (n < size)
            {
                return System.Text.Encoding.UTF8.GetString(buf, 0, (int)n);
            }
            size *= 4;
        }
    }

    /// <summary>Linux makedev(3).</summary>
    public static ulong MakeDev(uint major, uint minor)
        => ((ulong)(major & 0xFFFFF000u) << 32) | ((ulong)(major & 0xFFFu) << 8)
         | ((ulong)(minor & 0xFFFFFF00u) << 12) | (minor & 0xFFu);
}
