using System.Runtime.ExceptionServices;
using Wharf.Engine.Native;
using Wharf.Engine.Networking.Netlink;

namespace Wharf.Engine.Networking;

/// <summary>
/// Named network namespaces: a file under the daemon's netns directory with the namespace bind-mounted
/// on it, so the namespace outlives every process in it (the runtime joins it by path) and wharfd finds
/// it again after a restart.
///
/// unshare(2) and setns(2) move only the calling thread. .NET pool threads are shared by everything, so
/// both happen on a thread made for the purpose that ends right after: it is never handed back to a
/// pool in a foreign namespace. A netlink socket opened on that thread stays bound to the namespace
/// for its life, so everything inside (lo, eth0, routes) is then configured from the calling thread.
/// </summary>
internal static class NetworkNamespaces
{
    private const string ThreadNamespace = "/proc/thread-self/ns/net";

    /// <summary>Creates a namespace at <paramref name="path"/>; returns a route client inside it.</summary>
    public static RouteClient Create(string path) => OnOwnThread(() =>
    {
        var fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_CREAT | Libc.O_EXCL | Libc.O_CLOEXEC, 0x124);
        if (fd < 0) throw Libc.LastError("creating network namespace file", path);
        Libc.Close(fd);
        try
        {
            Libc.Check(Libc.Unshare(Libc.CLONE_NEWNET), "creating network namespace", path);
            Libc.Check(Libc.Mount(ThreadNamespace, path, "none", Libc.MS_BIND, null), "bind-mounting network namespace", path);
            return new RouteClient(NetlinkSocket.Open());
        }
        catch
        {
            Libc.Umount2(path, Libc.MNT_DETACH);
            Libc.Unlink(path);
            throw;
        }
    });

    /// <summary>A route client inside the namespace at <paramref name="path"/> (setns on a thread of its own).</summary>
    public static RouteClient Enter(string path) => Run(path, () => new RouteClient(NetlinkSocket.Open()));

    /// <summary>Runs <paramref name="work"/> on a thread of its own inside the namespace at <paramref name="path"/>:
    /// sockets it makes belong to that namespace, and processes it starts run in it.</summary>
    public static T Run<T>(string path, Func<T> work) => OnOwnThread(() =>
    {
        using (var fd = UnixFd.Check(Libc.Open(path, Libc.O_RDONLY | Libc.O_CLOEXEC, 0), "opening network namespace", path))
            Libc.Check(Libc.Setns(fd.Value, Libc.CLONE_NEWNET), "entering network namespace", path);
        return work();
    });

    /// <summary>Unmounts and removes a namespace file; the namespace ends when nothing else holds it.</summary>
    public static void Delete(string path)
    {
        Libc.Umount2(path, Libc.MNT_DETACH);
        if (Libc.Unlink(path) != 0 && Libc.LastErrno != Libc.ENOENT) throw Libc.LastError("removing network namespace file", path);
    }

    /// <summary>True when <paramref name="path"/> has a namespace mounted on it.</summary>
    public static bool IsMounted(string path) =>
        File.ReadLines("/proc/self/mountinfo").Any(l => l.Split(' ')[4] == path);

    private static T OnOwnThread<T>(Func<T> work)
    {
        T? result = default;
        ExceptionDispatchInfo? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception e)
            {
                error = ExceptionDispatchInfo.Capture(e);
            }
        }, 256 * 1024) { IsBackground = true, Name = "wharf-netns" };
        thread.Start();
        thread.Join();
        error?.Throw();
        return result!;
    }
}
