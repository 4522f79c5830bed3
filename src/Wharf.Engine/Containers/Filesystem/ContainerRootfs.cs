using Wharf.Api.Models;
using Wharf.Engine.Native;
using Wharf.Engine.Runtime;

namespace Wharf.Engine.Containers.Filesystem;

/// <summary>
/// A container's root filesystem, opened once. Every lookup resolves like a chroot (openat2 RESOLVE_IN_ROOT):
/// ".." stops at the root and absolute symlinks are taken relative to it, atomically in the kernel, so a
/// symlink to /etc/passwd reaches the container's file even while the container swaps links around.
/// <see cref="FileMounts"/> are the files a running container sees bind-mounted over its root (/etc/hosts, ...).
/// </summary>
internal sealed class ContainerRootfs : IDisposable
{
    private const ulong Resolve = Libc.RESOLVE_IN_ROOT | Libc.RESOLVE_NO_MAGICLINKS;
    private readonly UnixFd _root;

    private ContainerRootfs(UnixFd root, string hostPath, IReadOnlyDictionary<string, string> fileMounts)
    {
        _root = root;
        HostPath = hostPath;
        FileMounts = fileMounts;
    }

    /// <summary>The root as the host names it (symlinks resolved).</summary>
    public string HostPath { get; }

    /// <summary>In-container path → host file shown there instead of the root's own file.</summary>
    public IReadOnlyDictionary<string, string> FileMounts { get; }

    public static ContainerRootfs Open(string hostPath, IReadOnlyDictionary<string, string>? fileMounts = null)
    {
        var root = UnixFd.Check(Libc.Open(hostPath, Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0), "open", hostPath);
        try
        {
            var real = Libc.Readlink(root.ProcPath);
            return new ContainerRootfs(root, real, fileMounts ?? new Dictionary<string, string>());
        }
        catch
        {
            root.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens a path inside the root (absolute or relative to it). A final symlink is opened itself unless
    /// <paramref name="followFinal"/>. Throws <see cref="FileNotFoundException"/> when a component is missing.
    /// </summary>
    public UnixFd Open(string containerPath, int flags, bool followFinal)
    {
        int f = flags | Libc.O_CLOEXEC | (followFinal ? 0 : Libc.O_NOFOLLOW);
        int fd = Libc.Openat2(_root.Value, containerPath.Length == 0 ? "/" : containerPath, f, 0, Resolve);
        if (fd < 0)
        {
            int errno = Libc.LastErrno;
            if (errno == Libc.ENOENT) throw new FileNotFoundException($"{containerPath}: no such file or directory", containerPath);
            throw Libc.Error("open", containerPath, errno);
        }
        return new UnixFd(fd);
    }

    /// <summary>An O_PATH handle on a path (for stat, readlink and reopening through /proc).</summary>
    public UnixFd OpenPath(string containerPath, bool followFinal) => Open(containerPath, Libc.O_PATH, followFinal);

    /// <summary>Where an open handle sits inside the root, as an absolute in-container path.</summary>
    public string ContainerPathOf(UnixFd fd)
    {
        var host = Libc.Readlink(fd.ProcPath);
        if (host == HostPath) return "/";
        if (host.StartsWith(HostPath + "/", StringComparison.Ordinal)) return host[HostPath.Length..];
        throw new IOException($"{host} is outside the container's root filesystem");
    }

    /// <summary>Docker's FollowSymlinkInScope: every symlink resolved inside the root, as far as the links exist.</summary>
    public string ResolveInScope(string containerPath)
    {
        var host = RootfsPath.Resolve(HostPath, containerPath);
        return host == HostPath ? "/" : host[HostPath.Length..];
    }

    /// <summary>
    /// The stat Docker reports for HEAD /containers/{id}/archive: lstat of the path (following the last
    /// element only for "/x/" and "/x/."), and for a symlink its target fully resolved inside the root.
    /// </summary>
    public ContainerPathStat Stat(string absolutePath)
    {
        using var fd = OpenPath(absolutePath, ContainerPath.FollowsFinal(absolutePath));
        var st = Libc.Fstat(fd.Value);
        var name = ContainerPath.Base(absolutePath);
        if (st.IsSymlink) return PathStatHeader.FromStat(name, st, ResolveInScope(absolutePath));
        if (!st.IsDirectory && FileMounts.TryGetValue(ContainerPathOf(fd), out var host) && Libc.TryLstat(host, out var hostSt))
            return PathStatHeader.FromStat(name, hostSt, "");
        return PathStatHeader.FromStat(name, st, "");
    }

    public void Dispose() => _root.Dispose();
}
