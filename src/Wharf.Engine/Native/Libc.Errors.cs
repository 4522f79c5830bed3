using System.Runtime.InteropServices;

namespace Wharf.Engine.Native;

internal static partial class Libc
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int EEXIST = 17;
    public const int ENOTDIR = 20;
    public const int EISDIR = 21;
    public const int EINVAL = 22;
    public const int ERANGE = 34;
    public const int ENOTEMPTY = 39;
    public const int ELOOP = 40;
    public const int ENODATA = 61;
    public const int EOPNOTSUPP = 95;

    /// <summary>Returns the errno of the last P/Invoke made with SetLastError = true.</summary>
    public static int LastErrno => Marshal.GetLastPInvokeError();

    /// <summary>Builds an <see cref="IOException"/> for a failed libc call; HResult carries errno.</summary>
    public static IOException Error(string operation, string path, int errno)
        => new($"{operation} \"{path}\": {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})", errno);

    /// <summary>Builds an <see cref="IOException"/> from the errno of the last call.</summary>
    public static IOException LastError(string operation, string path) => Error(operation, path, LastErrno);

    /// <summary>Throws for a negative return code from a libc call.</summary>
    public static void Check(int rc, string operation, string path)
    {
        if (rc < 0)
        {
            throw LastError(operation, path);
        }
    }
}
