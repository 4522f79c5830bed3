using System.Collections.Concurrent;
using Wharf.Api.Models;
using Wharf.Engine.Archive;
using Wharf.Engine.Containers.Filesystem;
using Wharf.Engine.Layers;
using Wharf.Engine.Runtime;

namespace Wharf.Engine.Containers;

public sealed partial class ContainerService
{
    /// <summary>How many filesystem operations use a container's root, and whether one of them mounted it.</summary>
    private sealed class RootfsUse
    {
        public int Count;
        public bool MountedHere;
        // Operations that see the container's volumes and binds (cp), and the mounts made for them.
        public int MountsCount;
        public List<string> Bound = [];
    }

    private readonly ConcurrentDictionary<string, RootfsUse> _rootfsUses = new();

    /// <summary>
    /// Makes the container's merged root available for the duration of a filesystem operation: a running
    /// container's is mounted already; a created or exited one is mounted now and unmounted when the last
    /// operation on it ends (unless the container was started meanwhile).
    /// </summary>
    /// <remarks><paramref name="withMounts"/>: the volumes and binds are mounted at their places too (cp sees into them; export and diff do not).</remarks>
    private async Task<IAsyncDisposable> UseRootfsAsync(Container c, CancellationToken ct, bool withMounts = true)
    {
        RootfsUse use;
        await c.Lock.WaitAsync(ct);
        try
        {
            // Looked up and dropped under the container's lock only, so there is one count per container.
            use = _rootfsUses.GetOrAdd(c.Id, _ => new RootfsUse());
            var rootfs = Path.Combine(Dir(c.Id), "rootfs");
            if (use.Count == 0 && !IsMounted(rootfs))
            {
                MountRootfs(c, rootfs);
                use.MountedHere = true;
            }
            use.Count++;
            if (withMounts && use.MountsCount++ == 0) use.Bound = BindMountsIntoRootfs(c, rootfs);
        }
        finally { c.Lock.Release(); }
        return new RootfsRelease(this, c, use, withMounts);
    }

    private sealed class RootfsRelease(ContainerService service, Container c, RootfsUse use, bool withMounts) : IAsyncDisposable
    {
        private int _released;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 1) return;
            // Under the container's lock: a start in progress must not lose its root under it.
            await c.Lock.WaitAsync();
            try
            {
                if (withMounts && --use.MountsCount == 0)
                {
                    UnmountAll(use.Bound);
                    use.Bound = [];
                }
                if (--use.Count > 0) return;
                service._rootfsUses.TryRemove(c.Id, out _);
                if (use.MountedHere && !c.State.Running) service.Unmount(c);
            }
            finally { c.Lock.Release(); }
        }
    }

    /// <summary>The root with the files a running container has bind-mounted over it.</summary>
    private ContainerRootfs OpenRootfs(Container c)
    {
        var mounts = new Dictionary<string, string>(StringComparer.Ordinal);
        if (c.State.Running)
        {
            mounts["/etc/hosts"] = c.Doc.HostsPath;
            mounts["/etc/hostname"] = c.Doc.HostnamePath;
            mounts["/etc/resolv.conf"] = c.Doc.ResolvConfPath;
        }
        return ContainerRootfs.Open(Path.Combine(Dir(c.Id), "rootfs"), mounts);
    }

    /// <summary>HEAD /containers/{id}/archive: the stat of a path in the container.</summary>
    public async Task<ContainerPathStat> StatPathAsync(string idOrName, string path, CancellationToken ct)
    {
        var c = Get(idOrName);
        RequirePath(path);
        await using var use = await UseRootfsAsync(c, ct);
        using var rootfs = OpenRootfs(c);
        return FileErrors(idOrName, path, () => rootfs.Stat(ContainerPath.Absolute(path)));
    }

    /// <summary>
    /// GET /containers/{id}/archive: the stat of the path, checked before anything is sent, and the writer of
    /// its tar. The root stays mounted until the writer finishes (or is dropped: dispose the result).
    /// </summary>
    public async Task<PathArchive> ArchivePathAsync(string idOrName, string path, CancellationToken ct)
    {
        var c = Get(idOrName);
        RequirePath(path);
        var use = await UseRootfsAsync(c, ct);
        ContainerRootfs? rootfs = null;
        try
        {
            rootfs = OpenRootfs(c);
            var absolute = ContainerPath.Absolute(path);
            var stat = FileErrors(idOrName, path, () => rootfs.Stat(absolute));
            var opened = rootfs;
            rootfs = null;
            return new PathArchive(stat, async (output, token) =>
            {
                await using var tar = new LayerTarWriter(output, leaveOpen: true);
                await new ContainerArchiveWriter(opened, tar, showFileMounts: true).WritePathAsync(absolute, token);
                await tar.FinishAsync(token);
                Publish(c, "archive-path");
            }, async () =>
            {
                opened.Dispose();
                await use.DisposeAsync();
            });
        }
        catch
        {
            rootfs?.Dispose();
            await use.DisposeAsync();
            throw;
        }
    }

    /// <summary>PUT /containers/{id}/archive: extracts a tar (any compression) into a directory of the container.</summary>
    public async Task ExtractToDirAsync(string idOrName, string path, bool noOverwriteDirNonDir, bool copyUidGid, Stream body, CancellationToken ct)
    {
        var c = Get(idOrName);
        RequirePath(path);
        var (tar, _) = await Decompression.OpenAsync(body, ct);
        await using var use = await UseRootfsAsync(c, ct);
        using var rootfs = OpenRootfs(c);
        var absolute = ContainerPath.Absolute(path);
        string destination = FileErrors(idOrName, path, () =>
        {
            using var dir = rootfs.OpenPath(absolute, followFinal: true);
            if (!Native.Libc.Fstat(dir.Value).IsDirectory) throw new BadRequestException("extraction point is not a directory");
            return rootfs.ContainerPathOf(dir);
        });
        if (MountHolding(c, destination) is { } mount)
        {
            if (!mount.RW) throw new BadRequestException("mounted volume is marked read-only");
        }
        else if (c.Doc.HostConfig?.ReadonlyRootfs == true) throw new BadRequestException("container rootfs is marked read-only");
        (uint, uint)? owner = null;
        if (copyUidGid && c.Doc.Config?.User is { Length: > 0 } user)
        {
            var resolved = new UserResolver(rootfs.HostPath).Resolve(user);
            owner = (resolved.Uid, resolved.Gid);
        }
        using (var extractor = new ContainerArchiveExtractor(rootfs, destination, noOverwriteDirNonDir, owner))
        {
            try
            {
                await extractor.ExtractAsync(tar, ct);
            }
            catch (InvalidDataException e)
            {
                throw new BadRequestException($"extracting the archive into {destination}: {e.Message}", e);
            }
        }
        if (MountHolding(c, destination) is { Type: "volume", Name: { } volume }) Engine.Volumes.MeasureLater([volume]);
        Publish(c, "extract-to-dir");
    }

    /// <summary>GET /containers/{id}/changes: what the container changed in its image, from its upper directory.</summary>
    public List<FilesystemChange> Changes(string idOrName)
    {
        var c = Get(idOrName);
        var (upper, lowers) = LayerDirs(c);
        return LayerChanges.Compute(upper, lowers, MountDestinations(c)).Select(x => new FilesystemChange { Path = x.Path, Kind = (byte)x.Kind }).ToList();
    }

    /// <summary>GET /containers/{id}/export: the writer of a tar of the whole root filesystem (without mounts).</summary>
    public async Task<PathArchive> ExportAsync(string idOrName, CancellationToken ct)
    {
        var c = Get(idOrName);
        var use = await UseRootfsAsync(c, ct, withMounts: false);
        ContainerRootfs rootfs;
        try
        {
            rootfs = ContainerRootfs.Open(Path.Combine(Dir(c.Id), "rootfs"));
        }
        catch
        {
            await use.DisposeAsync();
            throw;
        }
        return new PathArchive(null, async (output, token) =>
        {
            await using var tar = new LayerTarWriter(output, leaveOpen: true);
            await new ContainerArchiveWriter(rootfs, tar, showFileMounts: false).WriteRootAsync(token);
            await tar.FinishAsync(token);
            Publish(c, "export");
        }, async () =>
        {
            rootfs.Dispose();
            await use.DisposeAsync();
        });
    }

    /// <summary>The container's upper directory and its image's layer directories, topmost first.</summary>
    private static (string Upper, List<string> Lowers) LayerDirs(Container c)
    {
        var d = c.Doc.GraphDriver.Data;
        var lowers = d.TryGetValue("LowerDir", out var l) && l.Length > 0 ? l.Split(':').ToList() : [];
        return (d["UpperDir"], lowers);
    }

    private static void RequirePath(string path)
    {
        if (string.IsNullOrEmpty(path)) throw new BadRequestException("bad parameter: path cannot be empty");
    }

    /// <summary>Docker's answers for a path that is not there (404) or runs through a file (500, as Docker).</summary>
    private static T FileErrors<T>(string idOrName, string path, Func<T> work)
    {
        try
        {
            return work();
        }
        catch (FileNotFoundException)
        {
            throw new NotFoundException($"Could not find the file {path} in container {idOrName}");
        }
        catch (IOException e) when (e.HResult == Native.Libc.ENOTDIR)
        {
            throw new WharfException($"lstat {ContainerPath.Absolute(path)}: not a directory", 500, e);
        }
    }
}
