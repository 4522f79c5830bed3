using System.Formats.Tar;
using System.Runtime.InteropServices;

namespace Wharf.Cli.Containers;

/// <summary>A copy source or destination (docker's archive.CopyInfo).</summary>
public sealed record CopyInfo(string Path, bool Exists = false, bool IsDir = false, string RebaseName = "");

/// <summary>
/// The local half of `cp`, with the semantics of docker's pkg/archive copy helpers: how a source is named inside the tar,
/// how entries are renamed so that "cp a b" creates, overwrites or fills b, and a safe extraction.
/// </summary>
public static partial class ArchiveCopy
{
    public const string CannotCopyDir = "cannot copy directory";
    public const string NoSuchDirectory = "no such directory";
    public const string NotADirectory = "not a directory";

    /// <summary>SplitPathDirEntry: "/a/b/" is ("/a", "b"), "/a/b/." is ("/a/b", ".").</summary>
    public static (string Dir, string Base) SplitPathDirEntry(string path)
    {
        var cleaned = Clean(path);
        if (SpecifiesCurrentDir(path)) cleaned += "/.";
        var slash = cleaned.LastIndexOf('/');
        if (slash < 0) return (".", cleaned);
        var dir = slash == 0 ? "/" : cleaned[..slash];
        return (dir, cleaned[(slash + 1)..]);
    }

    /// <summary>A path ending in "/." names a directory's contents.</summary>
    public static bool SpecifiesCurrentDir(string path)
    {
        var t = path.TrimEnd('/');
        return t.Length > 0 && t[(t.LastIndexOf('/') + 1)..] == ".";
    }

    /// <summary>A path ending in a separator or "/." must be a directory.</summary>
    public static bool AssertsDirectory(string path) => path.EndsWith('/') || SpecifiesCurrentDir(path);

    /// <summary>The absolute form of a local path, keeping a trailing "/" or "/." (PreserveTrailingDotOrSeparator).</summary>
    public static string ResolveLocalPath(string path)
    {
        var abs = Clean(Path.GetFullPath(path));
        if (SpecifiesCurrentDir(path) && !SpecifiesCurrentDir(abs)) abs = abs.TrimEnd('/') + "/.";
        else if (path.EndsWith('/') && !abs.EndsWith('/')) abs += "/";
        return abs;
    }

    /// <summary>Go's filepath.Clean for Unix paths.</summary>
    public static string Clean(string p)
    {
        if (p.Length == 0) return ".";
        var rooted = p.StartsWith('/');
        var parts = new List<string>();
        foreach (var part in p.Split('/'))
        {
            if (part is "" or ".") continue;
            if (part == "..")
            {
                if (parts.Count > 0 && parts[^1] != "..") parts.RemoveAt(parts.Count - 1);
                else if (!rooted) parts.Add(part);
                continue;
            }
            parts.Add(part);
        }
        var joined = string.Join('/', parts);
        return rooted ? "/" + joined : joined.Length == 0 ? "." : joined;
    }

    /// <summary>
    /// PrepareArchiveCopy: the directory the (renamed) source entries are extracted into, and the rename to apply
    /// (null when the entries go in as they are).
    /// </summary>
    public static (string DstDir, (string Old, string New)? Rebase) Prepare(CopyInfo src, CopyInfo dst)
    {
        var (dstDir, dstBase) = SplitPathDirEntry(dst.Path);
        var (_, srcBase) = SplitPathDirEntry(src.Path);
        if (src.RebaseName.Length > 0) srcBase = src.RebaseName;
        if (dst.Exists && dst.IsDir) return (dst.Path, null);
        if (dst.Exists && src.IsDir) throw new IOException(CannotCopyDir);
        if (dst.Exists || src.IsDir) return (dstDir, (srcBase, dstBase));
        if (AssertsDirectory(dst.Path)) throw new IOException(NoSuchDirectory);
        return (dstDir, (srcBase, dstBase));
    }

    /// <summary>strings.Replace(name, old, new, 1), as RebaseArchiveEntries renames entries (and hard link targets).</summary>
    public static string RebaseName(string name, string oldBase, string newBase)
    {
        var i = name.IndexOf(oldBase, StringComparison.Ordinal);
        return i < 0 ? name : name[..i] + newBase + name[(i + oldBase.Length)..];
    }

    /// <summary>Applies RebaseArchiveEntries renames in order.</summary>
    static string Rename(string name, IReadOnlyList<(string Old, string New)> renames)
    {
        foreach (var (o, n) in renames) name = RebaseName(name, o, n);
        return name;
    }

    /// <summary>
    /// Writes the tar of a local path (TarResourceRebase): entries are named from the path's base ("dir", "dir/x"; for
    /// "dir/." the contents as ".", "./x"), then renamed by <paramref name="renames"/> (RebaseArchiveEntries).
    /// </summary>
    public static async Task WriteSourceTarAsync(string path, IReadOnlyList<(string Old, string New)> renames, Stream destination,
        CancellationToken ct)
    {
        var (dir, baseName) = SplitPathDirEntry(path);
        await using var writer = new TarWriter(destination, TarEntryFormat.Pax, leaveOpen: true);
        var root = baseName == "." ? dir : Path.Combine(dir, baseName);
        async Task AddAsync(string full, string name)
        {
            await writer.WriteEntryAsync(full, Rename(name, renames), ct).ConfigureAwait(false);
            var info = new FileInfo(full);
            if (info.Attributes.HasFlag(FileAttributes.Directory) && info.LinkTarget is null)
            {
                foreach (var child in Directory.EnumerateFileSystemEntries(full).Order(StringComparer.Ordinal))
                    await AddAsync(child, name == "." ? "./" + Path.GetFileName(child) : name.TrimEnd('/') + "/" + Path.GetFileName(child)).ConfigureAwait(false);
            }
        }
        await AddAsync(root, baseName).ConfigureAwait(false);
    }

    /// <summary>
    /// Untar with NoLchown and NoOverwriteDirNonDir: extracts into <paramref name="dstDir"/>, refusing entries that climb out
    /// of it and refusing to replace a directory with a file or a file with a directory.
    /// </summary>
    public static async Task ExtractAsync(Stream tar, string dstDir, IReadOnlyList<(string Old, string New)> renames, CancellationToken ct)
    {
        var root = Path.GetFullPath(dstDir);
        await using var reader = new TarReader(tar, leaveOpen: true);
        var dirTimes = new List<(string Path, DateTimeOffset Time)>();
        while (await reader.GetNextEntryAsync(copyData: false, ct).ConfigureAwait(false) is { } entry)
        {
            var name = Rename(entry.Name, renames);
            var rel = Clean(name.TrimStart('/'));
            if (rel == ".." || rel.StartsWith("../", StringComparison.Ordinal))
                throw new IOException($"invalid tar header: {name} is outside of {dstDir}");
            var target = rel == "." ? root : Path.Combine(root, rel);
            var existing = new FileInfo(target);
            var exists = existing.Exists || Directory.Exists(target) || existing.LinkTarget is not null;
            var isDir = entry.EntryType == TarEntryType.Directory;
            if (exists)
            {
                var existingIsDir = Directory.Exists(target) && existing.LinkTarget is null;
                if (existingIsDir && !isDir) throw new IOException($"cannot overwrite directory \"{target}\" with non-directory \"{name}\"");
                if (!existingIsDir && isDir) throw new IOException($"cannot overwrite non-directory \"{target}\" with directory \"{name}\"");
                if (!isDir) File.Delete(target);
            }
            var parent = Path.GetDirectoryName(target);
            if (parent is not null && !Directory.Exists(parent)) Directory.CreateDirectory(parent);
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    if (!Directory.Exists(target)) Directory.CreateDirectory(target);
                    File.SetUnixFileMode(target, entry.Mode);
                    dirTimes.Add((target, entry.ModificationTime));
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    await using (var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write))
                    {
                        if (entry.DataStream is not null) await entry.DataStream.CopyToAsync(file, ct).ConfigureAwait(false);
                    }
                    File.SetUnixFileMode(target, entry.Mode);
                    File.SetLastWriteTimeUtc(target, entry.ModificationTime.UtcDateTime);
                    break;
                case TarEntryType.SymbolicLink:
                    File.CreateSymbolicLink(target, entry.LinkName);
                    break;
                case TarEntryType.HardLink:
                    var linkRel = Clean(Rename(entry.LinkName, renames).TrimStart('/'));
                    if (linkRel == ".." || linkRel.StartsWith("../", StringComparison.Ordinal))
                        throw new IOException($"invalid hardlink {entry.LinkName} in {entry.Name}");
                    if (Link(Path.Combine(root, linkRel), target) != 0)
                        throw new IOException($"link {entry.LinkName} {entry.Name}: errno {Marshal.GetLastPInvokeError()}");
                    break;
                default:
                    // Devices and fifos need privileges the copy does not ask for; docker skips them the same way without root.
                    break;
            }
        }
        foreach (var (path, time) in dirTimes) Directory.SetLastWriteTimeUtc(path, time.UtcDateTime);
    }

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string oldPath, string newPath);

    /// <summary>CopyInfoSourcePath: a local source, following a final symlink with -L.</summary>
    public static CopyInfo LocalSource(string path, bool followLink)
    {
        var resolved = path;
        var rebase = "";
        if (followLink && !SpecifiesCurrentDir(path) && new FileInfo(path).LinkTarget is not null)
        {
            var target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
            var (_, srcBase) = SplitPathDirEntry(path);
            var (_, targetBase) = SplitPathDirEntry(target);
            resolved = target;
            if (srcBase != targetBase) rebase = srcBase;
        }
        var info = new FileInfo(resolved);
        if (!info.Exists && !Directory.Exists(resolved) && info.LinkTarget is null)
            throw new IOException($"lstat {resolved}: no such file or directory");
        var isDir = Directory.Exists(resolved) && info.LinkTarget is null;
        return new CopyInfo(resolved, true, isDir, rebase);
    }

    /// <summary>CopyInfoDestinationPath: a local destination, following symlinks; its parent must exist.</summary>
    public static CopyInfo LocalDestination(string path)
    {
        for (int n = 0; n <= 10; n++)
        {
            var info = new FileInfo(path.TrimEnd('/') is { Length: > 0 } t ? t : "/");
            if (info.LinkTarget is { } link)
            {
                path = link.StartsWith('/') ? link : Path.Combine(SplitPathDirEntry(path).Dir, link);
                continue;
            }
            if (Directory.Exists(path)) return new CopyInfo(path, true, true);
            if (info.Exists) return new CopyInfo(path, true, false);
            var parent = SplitPathDirEntry(path).Dir;
            if (!Directory.Exists(parent))
            {
                if (File.Exists(parent)) throw new IOException(NotADirectory);
                throw new IOException($"stat {parent}: no such file or directory");
            }
            return new CopyInfo(path);
        }
        throw new IOException("too many symlinks in " + path);
    }
}
