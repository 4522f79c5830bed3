using System.Runtime.InteropServices;

namespace Wharf.Engine.Native;

/// <summary>Extended attribute calls that never follow a final symlink; values are raw bytes.</summary>
internal static partial class Libc
{
    [LibraryImport("libc", EntryPoint = "lsetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int LSetXattrNative(string path, string name, byte* value, nuint size, int flags);

    [LibraryImport("libc", EntryPoint = "lgetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial nint LGetXattrNative(string path, string name, byte* value, nuint size);

    [LibraryImport("libc", EntryPoint = "llistxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial nint LListXattrNative(string path, byte* list, nuint size);

    /// <summary>lsetxattr(2); returns 0 or -1 with errno set.</summary>
    public static unsafe int LSetXattr(string path, string name, ReadOnlySpan<byte> value)
    {
        fixed (byte* p = value)
        {
            // A non-null pointer is needed even for an empty value.
            byte dummy = 0;
            return LSetXattrNative(path, name, value.IsEmpty ? &dummy : p, (nuint)value.Length, 0);
        }
    }

    /// <summary>Reads one attribute value; returns null when the attribute does not exist.</summary>
    public static unsafe byte[]? LGetXattr(string path, string name)
    {
        while (true)
        {
            nint size = LGetXattrNative(path, name, null, 0);
            if (size < 0)
            {
                int errno = LastErrno;
                if (errno == ENODATA || errno == EOPNOTSUPP)
                {
                    return null;
                }
                throw Error("lgetxattr " + name, path, errno);
            }
            byte[] value = new byte[size];
            nint n;
            fixed (byte* p = value)
            {
                n = LGetXattrNative(path, name, size == 0 ? null : p, (nuint)size);
            }
            if (n >= 0)
            {
                return n == size ? value : value.AsSpan(0, (int)n).ToArray();
            }
            int err = LastErrno;
            if (err == ERANGE)
            {
                continue; // grew in between
            }
            if (err == ENODATA)
            {
                return null;
            }
            throw Error("lgetxattr " + name, path, err);
        }
    }

    /// <summary>Lists attribute names of a path (not following symlinks). Empty when none or unsupported.</summary>
    public static unsafe List<string> LListXattr(string path)
    {
        var names = new List<string>();
        while (true)
        {
            nint size = LListXattrNative(path, null, 0);
            if (size < 0)
            {
                int errno = LastErrno;
                if (errno == EOPNOTSUPP)
                {
                    return names;
                }
                throw Error("llistxattr", path, errno);
            }
            if (size == 0)
            {
                return names;
            }
            byte[] buf = new byte[size];
            nint n;
            fixed (byte* p = buf)
            {
                n = LListXattrNative(path, p, (nuint)size);
            }
            if (n < 0)
            {
                if (LastErrno == ERANGE)
                {
                    continue;
                }
                throw LastError("llistxattr", path);
            }
            int start = 0;
            for (int i = 0; i < n; i++)
            {
                if (buf[i] == 0)
                {
                    if (i > start)
                    {
                        names.Add(System.Text.Encoding.UTF8.GetString(buf, start, i - start));
                    }
                    start = i + 1;
                }
            }
            return names;
        }
    }
}
