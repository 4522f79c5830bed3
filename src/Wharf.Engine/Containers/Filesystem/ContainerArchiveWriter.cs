using Wharf.Engine.Archive;
using Wharf.Engine.Layers;
using Wharf.Engine.Native;

namespace Wharf.Engine.Containers.Filesystem;

/// <summary>
/// Writes a tree of a container's root as a tar the way Docker's archive endpoints do (`docker cp` out,
/// `docker export`): names sorted per directory, parents first, directories with a trailing '/', times in
/// whole seconds, no user or group names, hard links written once and then as links, security.capability
/// kept, sockets left out. The walk holds a descriptor on every directory it is in and opens each entry
/// relative to it without following symlinks, so a container changing its files meanwhile can make an
/// entry vanish or change, but never lead the walk out of its root.
/// </summary>
internal sealed class ContainerArchiveWriter(ContainerRootfs rootfs, LayerTarWriter tar, bool showFileMounts)
{
    private const string CapabilityXattr = "security.capability";
    private readonly Dictionary<(uint Major, uint Minor, ulong Ino), string> _seen = new();

    /// <summary>
    /// Archives the path <paramref name="absolutePath"/> (as normalised by <see cref="ContainerPath.Absolute"/>)
    /// with Docker's names: the path's last element, or its contents as "./x" for "/dir/.", or "/x" for "/".
    /// </summary>
    public async Task WritePathAsync(string absolutePath, CancellationToken ct)
    {
        using var fd = rootfs.OpenPath(absolutePath, ContainerPath.FollowsFinal(absolutePath));
        var baseName = ContainerPath.Base(absolutePath);
        // The root directory is rebased to "" so its children are "/bin", not "//bin".
        var name = baseName == "/" ? "" : baseName;
        await WriteNodeAsync(fd, rootfs.ContainerPathOf(fd), name, ct).ConfigureAwait(false);
    }

    /// <summary>Archives the whole root, names relative to it ("bin/busybox"), without an entry for the root itself.</summary>
    public async Task WriteRootAsync(CancellationToken ct)
    {
        using var fd = rootfs.OpenPath("/", followFinal: true);
        await WriteChildrenAsync(fd, "", null, ct).ConfigureAwait(false);
    }

    private async Task WriteNodeAsync(UnixFd fd, string containerPath, string archiveName, CancellationToken ct)
    {
        var st = Libc.Fstat(fd.Value);
        if (st.FileType == Libc.S_IFSOCK) return;
        if (showFileMounts && !st.IsDirectory && rootfs.FileMounts.TryGetValue(containerPath, out var host))
        {
            await WriteHostFileAsync(host, archiveName, ct).ConfigureAwait(false);
            return;
        }
        var entry = EntryFor(archiveName, st);
        if (!st.IsDirectory && st.NLink > 1)
        {
            var key = (st.DevMajor, st.DevMinor, st.Ino);
            if (_seen.TryGetValue(key, out var first))
            {
                entry.Type = LayerTarEntryType.HardLink;
                entry.LinkName = first;
                await tar.WriteEntryAsync(entry, null, ct).ConfigureAwait(false);
                return;
            }
            _seen[key] = archiveName;
        }
        switch (st.FileType)
        {
            case Libc.S_IFDIR:
                entry.Type = LayerTarEntryType.Directory;
                entry.Name = archiveName + "/";
                await tar.WriteEntryAsync(entry, null, ct).ConfigureAwait(false);
                await WriteChildrenAsync(fd, containerPath, archiveName, ct).ConfigureAwait(false);
                return;
            case Libc.S_IFREG:
                await WriteFileAsync(fd, entry, (long)st.Size, ct).ConfigureAwait(false);
                return;
            case Libc.S_IFLNK:
                entry.Type = LayerTarEntryType.SymbolicLink;
                entry.LinkName = Libc.ReadlinkAt(fd.Value, "");
                break;
            case Libc.S_IFCHR:
            case Libc.S_IFBLK:
                entry.Type = st.FileType == Libc.S_IFCHR ? LayerTarEntryType.CharacterDevice : LayerTarEntryType.BlockDevice;
                entry.DevMajor = (int)st.RDevMajor;
                entry.DevMinor = (int)st.RDevMinor;
                break;
            case Libc.S_IFIFO:
                entry.Type = LayerTarEntryType.Fifo;
                break;
            default:
                return;
        }
        await tar.WriteEntryAsync(entry, null, ct).ConfigureAwait(false);
    }

    /// <summary>Children of a directory; <paramref name="prefix"/> null names them relative to the root without a leading '/'.</summary>
    private async Task WriteChildrenAsync(UnixFd dir, string containerPath, string? prefix, CancellationToken ct)
    {
        var names = Directory.EnumerateFileSystemEntries(dir.ProcPath).Select(Path.GetFileName).OfType<string>().ToList();
        names.Sort(StringComparer.Ordinal);
        foreach (var name in names)
        {
            ct.ThrowIfCancellationRequested();
            int childFd = Libc.Openat(dir.Value, name, Libc.O_PATH | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0);
            if (childFd < 0)
            {
                // Gone since the listing: the container keeps running; archive what is there.
                if (Libc.LastErrno == Libc.ENOENT) continue;
                throw Libc.LastError("open", containerPath + "/" + name);
            }
            using var child = new UnixFd(childFd);
            var childPath = containerPath.TrimEnd('/') + "/" + name;
            await WriteNodeAsync(child, childPath, prefix is null ? name : prefix + "/" + name, ct).ConfigureAwait(false);
        }
    }

    private async Task WriteFileAsync(UnixFd fd, LayerTarEntry entry, long size, CancellationToken ct)
    {
        // Reopened through /proc: the same inode the O_PATH handle pins, never a path looked up again.
        using var data = UnixFd.Check(Libc.Open(fd.ProcPath, Libc.O_RDONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC, 0), "open", entry.Name);
        if (Libc.FGetXattr(data.Value, CapabilityXattr) is { } cap)
            entry.Xattrs = new Dictionary<string, byte[]> { [CapabilityXattr] = cap };
        entry.Type = LayerTarEntryType.RegularFile;
        entry.Size = size;
        await using var stream = new FixedLengthStream(new FileStream(data.ToSafeHandle(), FileAccess.Read, 0), size);
        await tar.WriteEntryAsync(entry, size > 0 ? stream : null, ct).ConfigureAwait(false);
    }

    /// <summary>A file bind-mounted into the running container (/etc/hosts ...): Wharf's own file, shown in its place.</summary>
    private async Task WriteHostFileAsync(string host, string archiveName, CancellationToken ct)
    {
        using var fd = UnixFd.Check(Libc.Open(host, Libc.O_PATH | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0), "open", host);
        var st = Libc.Fstat(fd.Value);
        await WriteFileAsync(fd, EntryFor(archiveName, st), (long)st.Size, ct).ConfigureAwait(false);
    }

    /// <summary>Docker's header for a file: permission bits, owner, and the time in whole seconds.</summary>
    private static LayerTarEntry EntryFor(string archiveName, in Libc.StatX st) => new()
    {
        Name = archiveName,
        Mode = (int)(st.Mode & 0xFFF),
        Uid = st.Uid,
        Gid = st.Gid,
        ModificationTime = new UnixTimestamp(st.MTime.Seconds, 0),
    };
}
