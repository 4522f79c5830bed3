using Wharf.Engine.Layers;
using Wharf.Engine.Native;

namespace Wharf.Engine.Containers.Filesystem;

/// <summary>
/// Unpacks a tar into a directory of a container's root, as `docker cp` into a container does: existing
/// directories are merged, anything else in the way is replaced (or refused with noOverwriteDirNonDir),
/// missing parents are created 0755, ownership comes from the archive unless a user is given, permission
/// bits, times and xattrs are restored, `.wh.` names are plain files.
/// <para>
/// Every entry's parent is resolved inside the container's root (symlinks followed as the container would)
/// and must stay below the destination; the entry itself is created relative to a descriptor of that
/// parent, never following a symlink, so an archive or a running container cannot make it write elsewhere.
/// </para>
/// </summary>
internal sealed class ContainerArchiveExtractor : IDisposable
{
    private const int MaxCachedParents = 256;
    private readonly ContainerRootfs _rootfs;
    private readonly string _dest;
    private readonly string _destHost;
    private readonly bool _noOverwriteDirNonDir;
    private readonly (uint Uid, uint Gid)? _owner;
    private readonly Dictionary<string, UnixFd> _parents = new(StringComparer.Ordinal);
    private readonly List<(string Rel, UnixTimestamp Atime, UnixTimestamp Mtime)> _dirTimes = [];

    /// <param name="rootfs">The container's root.</param>
    /// <param name="destination">The extraction directory, an in-container path with every symlink already resolved.</param>
    /// <param name="noOverwriteDirNonDir">Refuse to replace a directory by a non-directory and the other way round.</param>
    /// <param name="owner">Owner for everything extracted (copyUIDGID); null keeps the archive's.</param>
    public ContainerArchiveExtractor(ContainerRootfs rootfs, string destination, bool noOverwriteDirNonDir, (uint Uid, uint Gid)? owner)
    {
        _rootfs = rootfs;
        _dest = destination == "/" ? "" : destination.TrimEnd('/');
        _destHost = rootfs.HostPath + _dest;
        _noOverwriteDirNonDir = noOverwriteDirNonDir;
        _owner = owner;
    }

    public async Task ExtractAsync(Stream tar, CancellationToken ct)
    {
        using var reader = new LayerTarReader(tar, leaveOpen: true);
        while (await reader.GetNextEntryAsync(ct).ConfigureAwait(false) is { } entry)
        {
            ct.ThrowIfCancellationRequested();
            await ApplyAsync(entry, ct).ConfigureAwait(false);
        }
        // Directory times last: creating their children changed them.
        foreach (var (rel, atime, mtime) in _dirTimes)
        {
            try
            {
                using var dir = _rootfs.Open(_dest + "/" + rel, Libc.O_RDONLY | Libc.O_DIRECTORY, followFinal: false);
                Libc.Futimens(dir.Value, atime.Seconds, atime.Nanoseconds, mtime.Seconds, mtime.Nanoseconds);
            }
            catch (IOException)
            {
                // Replaced by a later entry or by the running container: nothing to date.
            }
        }
    }

    private async Task ApplyAsync(LayerTarEntry entry, CancellationToken ct)
    {
        if (entry.Name.Contains('\0') || entry.LinkName.Contains('\0')) throw Refuse(entry, "the name contains a NUL byte");
        if (!LayerPath.TryClean(entry.Name, out var rel)) throw Refuse(entry, "the path leaves the destination directory");
        if (rel.Length == 0) return;
        // Bounded: no descriptor of the cache is in use between entries.
        if (_parents.Count >= MaxCachedParents) ClearParents();
        var slash = rel.LastIndexOf('/');
        var parentRel = slash < 0 ? "" : rel[..slash];
        var name = slash < 0 ? rel : rel[(slash + 1)..];
        var parent = Parent(entry, parentRel);

        bool isDir = entry.Type == LayerTarEntryType.Directory;
        bool keepDir = false;
        if (Libc.TryStatAt(parent.Value, name, Libc.AT_SYMLINK_NOFOLLOW, out var existing))
        {
            // Docker's wording: the entry, then the extraction directory.
            if (_noOverwriteDirNonDir && existing.IsDirectory && !isDir)
                throw new BadRequestException($"cannot overwrite directory \"{rel}\" with non-directory \"{DestinationDisplay}\"");
            if (_noOverwriteDirNonDir && !existing.IsDirectory && isDir)
                throw new BadRequestException($"cannot overwrite non-directory \"{rel}\" with directory \"{DestinationDisplay}\"");
            keepDir = existing.IsDirectory && isDir;
            if (!keepDir) Remove(parent.Value, name, existing.IsDirectory, rel);
        }

        switch (entry.Type)
        {
            case LayerTarEntryType.Directory:
                if (!keepDir) Libc.Check(Libc.Mkdirat(parent.Value, name, 0x1C0), "mkdir", Display(rel));
                break;
            case LayerTarEntryType.RegularFile:
                await WriteFileAsync(parent, name, rel, entry, ct).ConfigureAwait(false);
                return;
            case LayerTarEntryType.SymbolicLink:
                if (entry.LinkName.Length == 0) throw Refuse(entry, "the symlink has an empty target");
                Libc.Check(Libc.Symlinkat(entry.LinkName, parent.Value, name), "symlink", Display(rel));
                break;
            case LayerTarEntryType.HardLink:
                Link(entry, parent, name, rel);
                return;
            case LayerTarEntryType.CharacterDevice:
            case LayerTarEntryType.BlockDevice:
            case LayerTarEntryType.Fifo:
                var (kind, dev) = entry.NodeOf();
                Libc.Check(Libc.Mknodat(parent.Value, name, kind | 0x180, dev), "mknod", Display(rel));
                break;
            default:
                throw Refuse(entry, $"unsupported entry type '{(char)entry.Type}'");
        }
        ApplyMetadata(parent, name, rel, entry);
    }

    private async Task WriteFileAsync(UnixFd parent, string name, string rel, LayerTarEntry entry, CancellationToken ct)
    {
        var fd = UnixFd.Check(Libc.Openat(parent.Value, name, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_EXCL | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0x180),
            "open", Display(rel));
        using (fd)
        {
            await using (var file = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(fd.Value, ownsHandle: false), FileAccess.Write, 0))
            {
                await entry.DataStream.CopyToAsync(file, 1 << 16, ct).ConfigureAwait(false);
            }
            var (uid, gid) = Owner(entry);
            Libc.Check(Libc.Fchownat(fd.Value, "", uid, gid, Libc.AT_EMPTY_PATH), "chown", Display(rel));
            Libc.Check(Libc.Fchmod(fd.Value, (uint)(entry.Mode & 0xFFF)), "chmod", Display(rel));
            SetXattrs(fd, entry);
            var atime = Later(entry.AccessTime, entry.ModificationTime);
            Libc.Futimens(fd.Value, atime.Seconds, atime.Nanoseconds, entry.ModificationTime.Seconds, entry.ModificationTime.Nanoseconds);
        }
    }

    private void ApplyMetadata(UnixFd parent, string name, string rel, LayerTarEntry entry)
    {
        var (uid, gid) = Owner(entry);
        Libc.Check(Libc.Fchownat(parent.Value, name, uid, gid, Libc.AT_SYMLINK_NOFOLLOW), "chown", Display(rel));
        var atime = Later(entry.AccessTime, entry.ModificationTime);
        if (entry.Type == LayerTarEntryType.SymbolicLink)
        {
            Libc.UtimensAt(parent.Value, name, atime.Seconds, atime.Nanoseconds, entry.ModificationTime.Seconds, entry.ModificationTime.Nanoseconds);
            return;
        }
        // chmod has no "don't follow" form: go through a handle on the inode just made (after chown, which clears setuid).
        using var fd = UnixFd.Check(Libc.Openat(parent.Value, name, Libc.O_PATH | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0), "open", Display(rel));
        Libc.Check(Libc.Chmod(fd.ProcPath, (uint)(entry.Mode & 0xFFF)), "chmod", Display(rel));
        SetXattrs(fd, entry);
        if (entry.Type == LayerTarEntryType.Directory) _dirTimes.Add((rel, atime, entry.ModificationTime));
        else Libc.UtimensAt(parent.Value, name, atime.Seconds, atime.Nanoseconds, entry.ModificationTime.Seconds, entry.ModificationTime.Nanoseconds);
    }

    private static void SetXattrs(UnixFd fd, LayerTarEntry entry)
    {
        foreach (var (key, value) in entry.Xattrs)
        {
            if (key.StartsWith("trusted.overlay.", StringComparison.Ordinal) || key.Contains('\0')) continue;
            // Unsupported namespaces or filesystems are skipped, as Docker does.
            Libc.SetXattr(fd.ProcPath, key, value);
        }
    }

    private (uint Uid, uint Gid) Owner(LayerTarEntry entry)
    {
        if (_owner is { } o) return o;
        if (entry.Uid < 0 || entry.Uid >= uint.MaxValue || entry.Gid < 0 || entry.Gid >= uint.MaxValue)
            throw Refuse(entry, $"uid/gid {entry.Uid}/{entry.Gid} out of range");
        return ((uint)entry.Uid, (uint)entry.Gid);
    }

    private static UnixTimestamp Later(UnixTimestamp? a, UnixTimestamp b) =>
        a is { } x && (x.Seconds > b.Seconds || (x.Seconds == b.Seconds && x.Nanoseconds > b.Nanoseconds)) ? x : b;

    private void Link(LayerTarEntry entry, UnixFd parent, string name, string rel)
    {
        if (entry.LinkName.Length == 0 || !LayerPath.TryClean(entry.LinkName, out var target) || target.Length == 0)
            throw Refuse(entry, $"hard link target \"{entry.LinkName}\" is outside the destination directory");
        var slash = target.LastIndexOf('/');
        var targetParent = Parent(entry, slash < 0 ? "" : target[..slash]);
        var targetName = slash < 0 ? target : target[(slash + 1)..];
        if (!Libc.TryStatAt(targetParent.Value, targetName, Libc.AT_SYMLINK_NOFOLLOW, out var st))
            throw Refuse(entry, $"hard link target \"{entry.LinkName}\" does not exist");
        if (st.IsDirectory) throw Refuse(entry, $"hard link target \"{entry.LinkName}\" is a directory");
        Libc.Check(Libc.Linkat(targetParent.Value, targetName, parent.Value, name, 0), "link", Display(rel));
    }

    /// <summary>
    /// The directory <paramref name="rel"/> below the destination, created (0755, root) where missing. Its
    /// symlinks resolve inside the container's root, and the result must still be below the destination.
    /// </summary>
    private UnixFd Parent(LayerTarEntry entry, string rel)
    {
        if (_parents.TryGetValue(rel, out var cached)) return cached;
        UnixFd fd;
        try
        {
            fd = _rootfs.Open(_dest + "/" + rel, Libc.O_PATH | Libc.O_DIRECTORY, followFinal: true);
        }
        catch (FileNotFoundException)
        {
            fd = CreateParents(entry, rel);
        }
        var host = Libc.Readlink(fd.ProcPath);
        if (host != _destHost && !host.StartsWith(_destHost + "/", StringComparison.Ordinal))
        {
            fd.Dispose();
            throw Refuse(entry, "its parent directory resolves outside the destination directory");
        }
        _parents[rel] = fd;
        return fd;
    }

    private UnixFd CreateParents(LayerTarEntry entry, string rel)
    {
        var current = _rootfs.Open(_dest.Length == 0 ? "/" : _dest, Libc.O_PATH | Libc.O_DIRECTORY, followFinal: true);
        var sofar = "";
        try
        {
            foreach (var part in rel.Split('/'))
            {
                sofar = sofar.Length == 0 ? part : sofar + "/" + part;
                UnixFd next;
                try
                {
                    next = _rootfs.Open(_dest + "/" + sofar, Libc.O_PATH | Libc.O_DIRECTORY, followFinal: true);
                }
                catch (FileNotFoundException)
                {
                    if (Libc.Mkdirat(current.Value, part, 0x1ED) < 0 && Libc.LastErrno != Libc.EEXIST)
                        throw Libc.LastError("mkdir", Display(sofar));
                    next = UnixFd.Check(Libc.Openat(current.Value, part, Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0),
                        "open", Display(sofar));
                    Libc.Check(Libc.Chmod(next.ProcPath, 0x1ED), "chmod", Display(sofar)); // not subject to umask
                }
                current.Dispose();
                current = next;
            }
            return current;
        }
        catch (IOException e) when (e.HResult == Libc.ENOTDIR)
        {
            current.Dispose();
            throw Refuse(entry, $"\"{Display(sofar)}\" is not a directory");
        }
        catch
        {
            current.Dispose();
            throw;
        }
    }

    /// <summary>Removes what is in the way, a whole tree for a directory, through descriptors only.</summary>
    private void Remove(int dirFd, string name, bool isDirectory, string rel)
    {
        // Cached descriptors below a removed tree would point at deleted directories; keep the one in use.
        if (isDirectory) ClearParents(keep: dirFd);
        RemoveTree(dirFd, name, isDirectory, rel);
    }

    private void RemoveTree(int dirFd, string name, bool isDirectory, string rel)
    {
        if (isDirectory)
        {
            using var dir = UnixFd.Check(Libc.Openat(dirFd, name, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0), "open", Display(rel));
            foreach (var child in Directory.EnumerateFileSystemEntries(dir.ProcPath).Select(Path.GetFileName).OfType<string>().ToList())
            {
                if (Libc.TryStatAt(dir.Value, child, Libc.AT_SYMLINK_NOFOLLOW, out var st))
                    RemoveTree(dir.Value, child, st.IsDirectory, rel + "/" + child);
            }
        }
        Libc.Check(Libc.Unlinkat(dirFd, name, isDirectory ? Libc.AT_REMOVEDIR : 0), isDirectory ? "rmdir" : "unlink", Display(rel));
    }

    private void ClearParents(int keep = -1)
    {
        foreach (var (rel, fd) in _parents.ToList())
        {
            if (fd.Value == keep) continue;
            fd.Dispose();
            _parents.Remove(rel);
        }
    }

    private string Display(string rel) => _dest + "/" + rel;

    private string DestinationDisplay => _dest.Length == 0 ? "/" : _dest;

    private static BadRequestException Refuse(LayerTarEntry entry, string reason) => new($"refusing tar entry \"{entry.Name}\": {reason}");

    public void Dispose() => ClearParents();
}
