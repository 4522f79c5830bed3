using Microsoft.Win32.SafeHandles;
using Wharf.Engine.Native;

namespace Wharf.Engine.Layers;

/// <summary>
/// Turns an overlayfs upper directory into a layer tar (the inverse of <see cref="LayerApplier"/>):
/// 0:0 character devices become <c>.wh.name</c> entries, directories marked
/// <c>trusted.overlay.opaque=y</c> are followed by a <c>dir/.wh..wh..opq</c> entry, files sharing an
/// inode are written once and then as tar hardlinks, xattrs other than <c>trusted.overlay.*</c> are kept
/// byte-exact, times keep nanoseconds. Output is deterministic: names sorted ordinally per directory,
/// parents before children, no user/group names and no access times.
/// The upper directory must not change while it is read (stop or pause the container), and the overlay
/// must be mounted without redirect_dir and metacopy, which a layer tar cannot express.
/// </summary>
public static class LayerDiffer
{
    private const string OverlayXattrPrefix = "trusted.overlay.";

    /// <summary>Writes the diff of <paramref name="upperDir"/> as a tar to <paramref name="output"/>.</summary>
    public static Task WriteDiffAsync(string upperDir, Stream output, CancellationToken ct = default)
        => WriteDiffAsync(upperDir, output, null, ct);

    /// <summary>
    /// Writes the diff of <paramref name="upperDir"/>, leaving out <paramref name="excludePaths"/> (paths relative
    /// to the upper directory, e.g. volume mount points; a leading '/' is ignored) and everything below them.
    /// </summary>
    public static async Task WriteDiffAsync(string upperDir, Stream output, IReadOnlySet<string>? excludePaths,
        CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(upperDir);
        ArgumentNullException.ThrowIfNull(output);
        string root = Path.GetFullPath(upperDir).TrimEnd('/');
        var rootStat = Libc.Lstat(root.Length == 0 ? "/" : root);
        if (!rootStat.IsDirectory)
        {
            throw new DirectoryNotFoundException($"\"{upperDir}\" is not a directory");
        }

        HashSet<string>? excluded = null;
        if (excludePaths is { Count: > 0 })
        {
            excluded = new HashSet<string>(StringComparer.Ordinal);
            foreach (string p in excludePaths)
            {
                if (LayerPath.TryClean(p, out string clean) && clean.Length > 0)
                {
                    excluded.Add(clean);
                }
            }
        }

        var walker = new Walker(excluded);
        await using var writer = new LayerTarWriter(output, leaveOpen: true);
        await walker.WalkAsync(writer, root, "", ct).ConfigureAwait(false);
        await writer.FinishAsync(ct).ConfigureAwait(false);
    }

    private sealed class Walker(HashSet<string>? excluded)
    {
        private readonly Dictionary<(uint Major, uint Minor, ulong Ino), string> _inodes = new();

        public async Task WalkAsync(LayerTarWriter writer, string dirFull, string relPrefix, CancellationToken ct)
        {
            var names = new List<string>();
            foreach (string path in Directory.EnumerateFileSystemEntries(dirFull))
            {
                names.Add(path[(path.LastIndexOf('/') + 1)..]);
            }
            names.Sort(StringComparer.Ordinal);

            foreach (string name in names)
            {
                ct.ThrowIfCancellationRequested();
                string rel = relPrefix + name;
                if (excluded != null && excluded.Contains(rel))
                {
                    continue;
                }
                string full = dirFull + "/" + name;
                var st = Libc.Lstat(full);
                uint type = st.FileType;
                var mtime = new UnixTimestamp(st.MTime.Seconds, (int)st.MTime.Nanoseconds);

                if (type == Libc.S_IFCHR && st.RDevMajor == 0 && st.RDevMinor == 0)
                {
                    await writer.WriteEntryAsync(new LayerTarEntry
                    {
                        Name = relPrefix + LayerApplier.WhiteoutPrefix + name,
                        Type = LayerTarEntryType.RegularFile,
                        Mode = 0x180,
                        ModificationTime = mtime,
                    }, null, ct).ConfigureAwait(false);
                    continue;
                }
                if (type == Libc.S_IFSOCK)
                {
                    continue; // sockets cannot be archived; they are recreated by whoever owns them
                }

                var entry = new LayerTarEntry
                {
                    Name = rel,
                    Mode = st.Mode & 0xFFF,
                    Uid = st.Uid,
                    Gid = st.Gid,
                    ModificationTime = mtime,
                };
                bool opaque = ReadXattrs(full, rel, entry);

                if (type != Libc.S_IFDIR && st.NLink > 1)
                {
                    var key = (st.DevMajor, st.DevMinor, st.Ino);
                    if (_inodes.TryGetValue(key, out string? first))
                    {
                        entry.Type = LayerTarEntryType.HardLink;
                        entry.LinkName = first;
                        await writer.WriteEntryAsync(entry, null, ct).ConfigureAwait(false);
                        continue;
                    }
                    _inodes[key] = rel;
                }

                switch (type)
                {
                    case Libc.S_IFDIR:
                        entry.Type = LayerTarEntryType.Directory;
                        entry.Name = rel + "/";
                        await writer.WriteEntryAsync(entry, null, ct).ConfigureAwait(false);
                        if (opaque)
                        {
                            await writer.WriteEntryAsync(new LayerTarEntry
                            {
                                Name = rel + "/" + LayerApplier.OpaqueWhiteout,
                                Type = LayerTarEntryType.RegularFile,
                                Mode = 0x180,
                                ModificationTime = mtime,
                            }, null, ct).ConfigureAwait(false);
                        }
                        await WalkAsync(writer, full, rel + "/", ct).ConfigureAwait(false);
                        break;
                    case Libc.S_IFREG:
                        entry.Type = LayerTarEntryType.RegularFile;
                        entry.Size = (long)st.Size;
                        if (entry.Size == 0)
                        {
                            await writer.WriteEntryAsync(entry, null, ct).ConfigureAwait(false);
                            break;
                        }
                        int fd = Libc.Open(full, Libc.O_RDONLY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0);
                        if (fd < 0)
                        {
                            throw Libc.LastError("open", full);
                        }
                        await using (var data = new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Read, bufferSize: 0))
                        {
                            await writer.WriteEntryAsync(entry, data, ct).ConfigureAwait(false);
                        }
                        break;
                    case Libc.S_IFLNK:
                        entry.Type = LayerTarEntryType.SymbolicLink;
                        entry.LinkName = Libc.Readlink(full);
                        await writer.WriteEntryAsync(entry, null, ct).ConfigureAwait(false);
                        break;
                    case Libc.S_IFCHR:
                    case Libc.S_IFBLK:
                        entry.Type = type == Libc.S_IFCHR ? LayerTarEntryType.CharacterDevice : LayerTarEntryType.BlockDevice;
                        entry.DevMajor = (int)st.RDevMajor;
                        entry.DevMinor = (int)st.RDevMinor;
                        await writer.WriteEntryAsync(entry, null, ct).ConfigureAwait(false);
                        break;
                    case Libc.S_IFIFO:
                        entry.Type = LayerTarEntryType.Fifo;
                        await writer.WriteEntryAsync(entry, null, ct).ConfigureAwait(false);
                        break;
                }
            }
        }

        /// <summary>Copies xattrs except overlay ones into the entry; returns whether the directory is opaque.</summary>
        private static bool ReadXattrs(string full, string rel, LayerTarEntry entry)
        {
            List<string> names = Libc.LListXattr(full);
            if (names.Count == 0)
            {
                return false;
            }
            bool opaque = false;
            Dictionary<string, byte[]>? xattrs = null;
            foreach (string name in names)
            {
                if (name.StartsWith(OverlayXattrPrefix, StringComparison.Ordinal))
                {
                    if (name == LayerApplier.OpaqueXattr)
                    {
                        byte[]? v = Libc.LGetXattr(full, name);
                        opaque = v is [(byte)'y'];
                    }
                    else if (name is "trusted.overlay.redirect" or "trusted.overlay.metacopy")
                    {
                        throw new NotSupportedException(
                            $"\"{rel}\" carries {name}: mount the overlay with redirect_dir=off and metacopy=off to export layers");
                    }
                    continue;
                }
                byte[]? value = Libc.LGetXattr(full, name);
                if (value != null)
                {
                    (xattrs ??= new Dictionary<string, byte[]>(StringComparer.Ordinal))[name] = value;
                }
            }
            if (xattrs != null)
            {
                entry.Xattrs = xattrs;
            }
            return opaque;
        }
    }
}
