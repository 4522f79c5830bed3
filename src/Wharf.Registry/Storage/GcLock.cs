using System.Runtime.InteropServices;

namespace Wharf.Registry.Storage;

/// <summary>
/// The flock(2) that makes garbage collection safe while a server runs on the same root, also from another
/// process: the server holds it shared while a push makes something visible (a blob committed or linked, a
/// manifest checked and stored), the collector holds it exclusive while it marks and sweeps. Pulls never wait.
/// </summary>
public sealed partial class GcLock : IDisposable
{
    const int LockSh = 1, LockEx = 2, LockNb = 4, LockUn = 8;
    const int ORdwr = 2, OCreat = 0x40, OCloexec = 0x80000;
    const int Ewouldblock = 11, Eintr = 4;

    int _fd;

    GcLock(int fd) => _fd = fd;

    public static string PathIn(string root) => System.IO.Path.Combine(root, ".gc.lock");

    /// <summary>Takes the lock shared (a push) or exclusive (the collector), waiting off the caller's thread when contended.</summary>
    public static async Task<GcLock> AcquireAsync(string root, bool exclusive, CancellationToken ct = default)
    {
        int fd = Open(PathIn(root));
        int op = exclusive ? LockEx : LockSh;
        try
        {
            if (flock(fd, op | LockNb) == 0) return new GcLock(fd);
            var errno = Marshal.GetLastPInvokeError();
            if (errno != Ewouldblock) throw new IOException($"locking {PathIn(root)}: errno {errno}");
            await Task.Run(() =>
            {
                while (flock(fd, op) != 0)
                {
                    var e = Marshal.GetLastPInvokeError();
                    if (e != Eintr) throw new IOException($"locking {PathIn(root)}: errno {e}");
                    ct.ThrowIfCancellationRequested();
                }
            }, ct).ConfigureAwait(false);
            return new GcLock(fd);
        }
        catch
        {
            close(fd);
            throw;
        }
    }

    static int Open(string path)
    {
        int fd = open(path, ORdwr | OCreat | OCloexec, 0x180);
        if (fd < 0) throw new IOException($"opening {path}: errno {Marshal.GetLastPInvokeError()}");
        return fd;
    }

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd < 0) return;
        flock(fd, LockUn);
        close(fd);
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags, int mode);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int flock(int fd, int operation);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
