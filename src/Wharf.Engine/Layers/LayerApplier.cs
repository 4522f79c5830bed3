using System.Buffers;
using Microsoft.Win32.SafeHandles;
using Wharf.Engine.Native;

namespace Wharf.Engine.Layers;

/// <summary>Outcome of applying a layer: bytes of regular-file content written and tar entries processed.</summary>
public sealed record ApplyResult(long Size, int Entries);

/// <summary>
/// Unpacks an (uncompressed) image layer tar into a directory that is then used as an overlayfs lower
/// directory. Whiteouts become overlay whiteouts: <c>dir/.wh.name</c> a 0:0 character device
/// <c>dir/name</c>, <c>dir/.wh..wh..opq</c> the xattr <c>trusted.overlay.opaque=y</c> on <c>dir</c>.
/// Ownership, permission bits (incl. setuid/setgid/sticky), nanosecond times, and xattrs (byte-exact,
/// e.g. <c>security.capability</c>) are restored; hardlinks, symlinks, devices and fifos are created.
/// <para>
/// Security: nothing is written outside the target directory. Names that climb above the root are refused,
/// absolute names are taken relative to the root, parent directories are only traversed when they are
/// real directories (a symlink in the parent path is refused, never followed), the final component is
/// created with O_EXCL/O_NOFOLLOW, and hardlinks must point at an entry already inside the layer.
/// Every refusal throws <see cref="InvalidDataException"/> naming the entry.
/// </para>
/// <para>
/// On failure the target directory is left partially populated: callers extract into a fresh temporary
/// directory, delete it on failure, and rename it into place on success. Needs root (or equivalent
/// capabilities) for ownership, devices and trusted.* xattrs.
/// </para>
/// </summary>
public static class LayerApplier
{
    internal const string WhiteoutPrefix = ".wh.";
    internal const string OpaqueWhiteout = ".wh..wh..opq";
    internal const string OpaqueXattr = "trusted.overlay.opaque";
    private const string OverlayXattrPrefix = "trusted.overlay.";
    private const string UserOverlayXattrPrefix = "user.overlay.";
    private const int CopyBufferSize = 1 << 20;

    /// <summary>
    /// Applies the layer tar <paramref name="tar"/> to <paramref name="targetDir"/> (created if missing; expected
    /// empty). Reads the input to its end, also past the end-of-archive marker.
    /// </summary>
    public static async Task<ApplyResult> ApplyAsync(Stream tar, string targetDir, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(tar);
        ArgumentException.ThrowIfNullOrEmpty(targetDir);
        Directory.CreateDirectory(targetDir);
        string root = Path.GetFullPath(targetDir).TrimEnd('/');
        if (root.Length == 0)
        {
            throw new ArgumentException("refusing to apply a layer to /", nameof(targetDir));
        }

        var state = new Applier(root);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            using var reader = new LayerTarReader(tar, leaveOpen: true);
            while (await reader.GetNextEntryAsync(ct).ConfigureAwait(false) is { } entry)
            {
                ct.ThrowIfCancellationRequested();
                await state.ApplyEntryAsync(entry, buffer, ct).ConfigureAwait(false);
            }
            await reader.DrainAsync(ct).ConfigureAwait(false);
            state.ApplyDirectoryTimes();
            return new ApplyResult(state.Size, state.Entries);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private sealed class Applier(string root)
    {
        /// <summary>Relative paths known to be real directories (never symlinks) inside the layer.</summary>
        private readonly HashSet<string> _dirs = new(StringComparer.Ordinal) { "" };

        /// <summary>Directory times, applied last since creating children changes a directory's mtime.</summary>
        private readonly Dictionary<string, (UnixTimestamp Atime, UnixTimestamp Mtime)> _dirTimes = new(StringComparer.Ordinal);

        public long Size { get; private set; }

        public int Entries { get; private set; }

        private string Full(string rel) => rel.Length == 0 ? root : root + "/" + rel;

        public async ValueTask ApplyEntryAsync(LayerTarEntry entry, byte[] buffer, CancellationToken ct)
        {
            Entries++;
            if (entry.Name.Contains('\0') || entry.LinkName.Contains('\0'))
            {
                throw Refuse(entry, "name or link target contains a NUL byte");
            }
            if (!LayerPath.TryClean(entry.Name, out string rel))
            {
                throw Refuse(entry, "path escapes the layer");
            }
            int slash = LayerPath.ParentLength(rel);
            string parent = slash < 0 ? "" : rel[..slash];
            string baseName = slash < 0 ? rel : rel[(slash + 1)..];

            if (rel.Length == 0)
            {
                if (entry.Type != LayerTarEntryType.Directory)
                {
                    throw Refuse(entry, "the layer root must be a directory");
                }
                ApplyMetadata(entry, root, isDirectory: true);
                return;
            }

            if (baseName.StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
            {
                ApplyWhiteout(entry, parent, baseName);
                return;
            }

            string parentFull = EnsureParent(entry, parent);
            string full = parentFull + "/" + baseName;

            if (entry.Type == LayerTarEntryType.HardLink)
            {
                string target = ResolveHardlinkTarget(entry);
                if (target == full)
                {
                    return;
                }
                RemoveExisting(full, keepDirectory: false);
                if (Libc.Link(target, full) < 0)
                {
                    throw Libc.LastError("link", full);
                }
                return;
            }

            bool isDir = entry.Type == LayerTarEntryType.Directory;
            bool existingDir = RemoveExisting(full, keepDirectory: isDir);
            switch (entry.Type)
            {
                case LayerTarEntryType.Directory:
                    if (!existingDir && Libc.Mkdir(full, 0x1ED) < 0) // 0755, final mode set below
                    {
                        throw Libc.LastError("mkdir", full);
                    }
                    _dirs.Add(rel);
                    break;
                case LayerTarEntryType.RegularFile:
                    await WriteFileAsync(entry, full, buffer, ct).ConfigureAwait(false);
                    Size += entry.Size;
                    break;
                case LayerTarEntryType.SymbolicLink:
                    if (entry.LinkName.Length == 0)
                    {
                        throw Refuse(entry, "symlink has an empty target");
                    }
                    Libc.Check(Libc.Symlink(entry.LinkName, full), "symlink", full);
                    break;
                case LayerTarEntryType.CharacterDevice:
                case LayerTarEntryType.BlockDevice:
                case LayerTarEntryType.Fifo:
                {
                    var (kind, dev) = entry.NodeOf();
                    Libc.Check(Libc.Mknod(full, kind | 0x180, dev), "mknod", full);
                    break;
                }
                default:
                    throw Refuse(entry, $"unsupported entry type '{(char)entry.Type}'");
            }
            ApplyMetadata(entry, full, isDir);
        }

        private static async ValueTask WriteFileAsync(LayerTarEntry entry, string full, byte[] buffer, CancellationToken ct)
        {
            int fd = Libc.Open(full, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_EXCL | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0x180);
            if (fd < 0)
            {
                throw Libc.LastError("open", full);
            }
            using var handle = new SafeFileHandle(fd, ownsHandle: true);
            if (entry.Size == 0)
            {
                return;
            }
            Stream data = entry.DataStream;
            long offset = 0;
            while (offset < entry.Size)
            {
                // Fill the buffer as far as the source allows before each write (fewer, larger writes).
                int filled = 0;
                int want = (int)Math.Min(buffer.Length, entry.Size - offset);
                do
                {
                    int n = await data.ReadAsync(buffer.AsMemory(filled, want - filled), ct).ConfigureAwait(false);
                    if (n == 0)
                    {
                        throw new InvalidDataException($"unexpected end of archive in entry \"{entry.Name}\"");
                    }
                    filled += n;
                }
                while (filled < want && filled < 256 * 1024);
                RandomAccess.Write(handle, buffer.AsSpan(0, filled), offset);
                offset += filled;
            }
        }

        private void ApplyMetadata(LayerTarEntry entry, string full, bool isDirectory)
        {
            if (entry.Uid < 0 || entry.Uid >= uint.MaxValue || entry.Gid < 0 || entry.Gid >= uint.MaxValue)
            {
                throw Refuse(entry, $"uid/gid {entry.Uid}/{entry.Gid} out of range");
            }
            Libc.Check(Libc.Lchown(full, (uint)entry.Uid, (uint)entry.Gid), "lchown", full);
            bool symlink = entry.Type == LayerTarEntryType.SymbolicLink;
            if (!symlink)
            {
                // After chown: chown clears setuid/setgid.
                Libc.Check(Libc.Chmod(full, (uint)(entry.Mode & 0xFFF)), "chmod", full);
            }
            foreach (var (name, value) in entry.Xattrs)
            {
                if (name.StartsWith(OverlayXattrPrefix, StringComparison.Ordinal)
                    || name.StartsWith(UserOverlayXattrPrefix, StringComparison.Ordinal)
                    || name.Contains('\0'))
                {
                    continue; // overlay metadata is only produced from whiteout entries
                }
                if (Libc.LSetXattr(full, name, value) < 0)
                {
                    int errno = Libc.LastErrno;
                    if (errno == Libc.EOPNOTSUPP || (symlink && errno == Libc.EPERM))
                    {
                        continue; // namespace not supported here (e.g. user.* on a symlink)
                    }
                    throw Libc.Error("lsetxattr " + name, full, errno);
                }
            }
            var mtime = entry.ModificationTime;
            var atime = entry.AccessTime ?? mtime;
            if (isDirectory)
            {
                _dirTimes[full] = (atime, mtime);
            }
            else
            {
                SetTimes(full, atime, mtime);
            }
        }

        private static void SetTimes(string full, UnixTimestamp atime, UnixTimestamp mtime)
            => Libc.Check(Libc.LUtimens(full, atime.Seconds, atime.Nanoseconds, mtime.Seconds, mtime.Nanoseconds), "utimensat", full);

        public void ApplyDirectoryTimes()
        {
            foreach (var (full, (atime, mtime)) in _dirTimes)
            {
                SetTimes(full, atime, mtime);
            }
        }

        private void ApplyWhiteout(LayerTarEntry entry, string parent, string baseName)
        {
            if (baseName == OpaqueWhiteout)
            {
                string dir = parent.Length == 0 ? root : EnsureDirectory(entry, parent);
                if (Libc.LSetXattr(dir, OpaqueXattr, "y"u8) < 0)
                {
                    throw Libc.LastError("lsetxattr " + OpaqueXattr, dir);
                }
                return;
            }
            if (baseName.StartsWith(WhiteoutPrefix + WhiteoutPrefix, StringComparison.Ordinal))
            {
                return; // other AUFS metadata (.wh..wh.plnk, .wh..wh.aufs) has no overlay meaning
            }
            string hidden = baseName[WhiteoutPrefix.Length..];
            if (hidden.Length == 0 || hidden == "." || hidden == "..")
            {
                throw Refuse(entry, "invalid whiteout name");
            }
            string full = EnsureParent(entry, parent) + "/" + hidden;
            RemoveExisting(full, keepDirectory: false);
            Libc.Check(Libc.Mknod(full, Libc.S_IFCHR, 0), "mknod", full);
            SetTimes(full, entry.AccessTime ?? entry.ModificationTime, entry.ModificationTime);
        }

        private string EnsureParent(LayerTarEntry entry, string parent)
            => parent.Length == 0 ? root : EnsureDirectory(entry, parent);

        /// <summary>
        /// Makes sure every component of <paramref name="rel"/> is a real directory, creating missing ones
        /// (0755). A symlink or non-directory on the way is refused, never followed.
        /// </summary>
        private string EnsureDirectory(LayerTarEntry entry, string rel)
        {
            string full = Full(rel);
            if (_dirs.Contains(rel))
            {
                return full;
            }
            int index = 0;
            while (index >= 0)
            {
                int slash = rel.IndexOf('/', index);
                string prefix = slash < 0 ? rel : rel[..slash];
                index = slash < 0 ? -1 : slash + 1;
                if (_dirs.Contains(prefix))
                {
                    continue;
                }
                string prefixFull = Full(prefix);
                if (Libc.TryLstat(prefixFull, out var st))
                {
                    if (st.IsSymlink)
                    {
                        throw Refuse(entry, $"path escapes the layer through symlink \"{prefix}\"");
                    }
                    if (!st.IsDirectory)
                    {
                        throw Refuse(entry, $"parent \"{prefix}\" is not a directory");
                    }
                }
                else
                {
                    int errno = Libc.LastErrno;
                    if (errno != Libc.ENOENT)
                    {
                        throw Libc.Error("lstat", prefixFull, errno);
                    }
                    Libc.Check(Libc.Mkdir(prefixFull, 0x1ED), "mkdir", prefixFull);
                    Libc.Check(Libc.Chmod(prefixFull, 0x1ED), "chmod", prefixFull); // not subject to umask
                }
                _dirs.Add(prefix);
            }
            return full;
        }

        private string ResolveHardlinkTarget(LayerTarEntry entry)
        {
            if (entry.LinkName.Length == 0 || !LayerPath.TryClean(entry.LinkName, out string rel) || rel.Length == 0)
            {
                throw Refuse(entry, $"hardlink target \"{entry.LinkName}\" escapes the layer");
            }
            int index = 0;
            while (true)
            {
                int slash = rel.IndexOf('/', index);
                if (slash < 0)
                {
                    break;
                }
                string prefix = rel[..slash];
                index = slash + 1;
                if (_dirs.Contains(prefix))
                {
                    continue;
                }
                if (!Libc.TryLstat(Full(prefix), out var pst))
                {
                    throw Refuse(entry, $"hardlink target \"{entry.LinkName}\" is not in the layer");
                }
                if (pst.IsSymlink)
                {
                    throw Refuse(entry, $"hardlink target \"{entry.LinkName}\" escapes the layer through symlink \"{prefix}\"");
                }
                if (!pst.IsDirectory)
                {
                    throw Refuse(entry, $"hardlink target \"{entry.LinkName}\" is not in the layer");
                }
                _dirs.Add(prefix);
            }
            string full = Full(rel);
            if (!Libc.TryLstat(full, out var st))
            {
                throw Refuse(entry, $"hardlink target \"{entry.LinkName}\" is not in the layer");
            }
            if (st.IsDirectory)
            {
                throw Refuse(entry, $"hardlink target \"{entry.LinkName}\" is a directory");
            }
            return full;
        }

        /// <summary>
        /// Removes whatever exists at <paramref name="full"/> (never following symlinks). When
        /// <paramref name="keepDirectory"/> and it is a directory, keeps it and returns true.
        /// </summary>
        private bool RemoveExisting(string full, bool keepDirectory)
        {
            if (!Libc.TryLstat(full, out var st))
            {
                int errno = Libc.LastErrno;
                if (errno != Libc.ENOENT)
                {
                    throw Libc.Error("lstat", full, errno);
                }
                return false;
            }
            if (st.IsDirectory)
            {
                if (keepDirectory)
                {
                    return true;
                }
                RemoveTree(full);
                _dirs.Clear();
                _dirs.Add("");
                string prefix = full + "/";
                foreach (string key in _dirTimes.Keys.Where(k => k == full || k.StartsWith(prefix, StringComparison.Ordinal)).ToList())
                {
                    _dirTimes.Remove(key);
                }
                return false;
            }
            Libc.Check(Libc.Unlink(full), "unlink", full);
            return false;
        }

        private static void RemoveTree(string dir)
        {
            foreach (string child in Directory.EnumerateFileSystemEntries(dir).ToList())
            {
                var st = Libc.Lstat(child);
                if (st.IsDirectory)
                {
                    RemoveTree(child);
                }
                else
                {
                    Libc.Check(Libc.Unlink(child), "unlink", child);
                }
            }
            Libc.Check(Libc.Rmdir(dir), "rmdir", dir);
        }

        private static InvalidDataException Refuse(LayerTarEntry entry, string reason)
            => new($"refusing tar entry \"{entry.Name}\": {reason}");
    }
}
