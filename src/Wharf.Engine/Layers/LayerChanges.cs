using Wharf.Engine.Native;

namespace Wharf.Engine.Layers;

/// <summary>What happened to a path in a container's writable layer (the Kind numbers of the Engine API).</summary>
public enum LayerChangeKind
{
    Modified = 0,
    Added = 1,
    Deleted = 2,
}

/// <summary>One line of `docker diff`.</summary>
public readonly record struct LayerChange(string Path, LayerChangeKind Kind);

/// <summary>
/// The changes an overlayfs upper directory makes to its lower directories, as `docker diff` lists them:
/// a 0:0 character device is a deletion, a directory marked opaque deletes what the lower directories had
/// in it, anything else is modified when a lower directory has it and added when not; every directory
/// holding a change is listed as modified. A directory that exists below counts as modified only for
/// a changed owner or mode (its times change whenever a child does, and the children are listed anyway).
/// Mount points the runtime creates for its own mounts (<see cref="MountStubPaths"/>, empty and absent from
/// the image) are left out, as Docker keeps them in a separate init layer.
/// </summary>
public static class LayerChanges
{
    /// <summary>Where the runtime mounts its files and file systems; Docker's init layer holds these.</summary>
    public static IReadOnlyList<string> MountStubPaths { get; } =
    [
        "/.dockerenv", "/dev", "/dev/console", "/dev/pts", "/dev/shm", "/etc/hostname", "/etc/hosts", "/etc/mtab",
        "/etc/resolv.conf", "/proc", "/sys",
    ];

    /// <summary>The mount points in <paramref name="upperDir"/> that are only there for mounts: empty, and not in the image.</summary>
    /// <paramref name="mountPoints"/> adds the container's own mount destinations (volumes, binds, tmpfs) and their parents.
    public static IReadOnlySet<string> FindMountStubs(string upperDir, IReadOnlyList<string> lowerDirs, IEnumerable<string>? mountPoints = null)
    {
        var stubs = new HashSet<string>(StringComparer.Ordinal);
        var candidates = new HashSet<string>(MountStubPaths, StringComparer.Ordinal);
        foreach (var m in mountPoints ?? [])
        {
            for (var p = m; p.Length > 1; p = p[..Math.Max(1, p.LastIndexOf('/'))]) candidates.Add(p);
        }
        // Deepest first, so /dev counts as empty when all it holds is the stub /dev/pts.
        foreach (var path in candidates.OrderByDescending(p => p.Length))
        {
            if (!Libc.TryLstat(upperDir + path, out var st) || InLower(lowerDirs, path)) continue;
            bool empty = st.IsRegular ? st.Size == 0
                : st.IsDirectory && Directory.EnumerateFileSystemEntries(upperDir + path).All(c => stubs.Contains(path + "/" + Path.GetFileName(c)));
            if (empty || st.IsSymlink) stubs.Add(path);
        }
        return stubs;
    }

    /// <summary>The changes in <paramref name="upperDir"/> over <paramref name="lowerDirs"/> (topmost first), each directory before its contents.</summary>
    public static List<LayerChange> Compute(string upperDir, IReadOnlyList<string> lowerDirs, IEnumerable<string>? mountPoints = null)
    {
        var upper = Path.GetFullPath(upperDir).TrimEnd('/');
        var walker = new Walker(upper, lowerDirs.Select(l => Path.GetFullPath(l).TrimEnd('/')).ToList(), FindMountStubs(upper, lowerDirs, mountPoints));
        walker.Walk("");
        return walker.Changes;
    }

    private static bool IsWhiteout(in Libc.StatX st) => st.FileType == Libc.S_IFCHR && st.RDevMajor == 0 && st.RDevMinor == 0;

    /// <summary>Whether the image has the path: the topmost lower directory holding it decides (a whiteout there hides it).</summary>
    private static bool InLower(IReadOnlyList<string> lowerDirs, string path) => LowerStat(lowerDirs, path) is not null;

    private static Libc.StatX? LowerStat(IReadOnlyList<string> lowerDirs, string path)
    {
        foreach (var lower in lowerDirs)
        {
            if (Libc.TryLstat(lower + path, out var st)) return IsWhiteout(st) ? null : st;
        }
        return null;
    }

    private sealed class Walker(string upper, List<string> lowers, IReadOnlySet<string> stubs)
    {
        private readonly HashSet<string> _changedDirs = new(StringComparer.Ordinal);

        public List<LayerChange> Changes { get; } = [];

        public void Walk(string dir)
        {
            var names = Directory.EnumerateFileSystemEntries(upper + (dir.Length == 0 ? "/" : dir))
                .Select(Path.GetFileName).OfType<string>().ToList();
            names.Sort(StringComparer.Ordinal);
            foreach (var name in names)
            {
                var path = dir + "/" + name;
                if (stubs.Contains(path)) continue;
                var st = Libc.Lstat(upper + path);
                if (IsWhiteout(st))
                {
                    Record(path, LayerChangeKind.Deleted);
                    continue;
                }
                var below = LowerStat(lowers, path);
                bool record = true;
                if (below is { } b && b.IsDirectory && st.IsDirectory)
                    record = b.Mode != st.Mode || b.Uid != st.Uid || b.Gid != st.Gid;
                if (record) Record(path, below is null ? LayerChangeKind.Added : LayerChangeKind.Modified);
                if (!st.IsDirectory) continue;
                if (record) _changedDirs.Add(path);
                if (below is { IsDirectory: true } && IsOpaque(upper + path)) RecordHidden(path, names: ListUpper(path));
                Walk(path);
            }
        }

        private void Record(string path, LayerChangeKind kind)
        {
            // Every directory holding a change is itself listed as modified, before what it holds.
            for (int i = path.IndexOf('/', 1); i > 0; i = path.IndexOf('/', i + 1))
            {
                var dir = path[..i];
                if (_changedDirs.Add(dir)) Changes.Add(new LayerChange(dir, LayerChangeKind.Modified));
            }
            Changes.Add(new LayerChange(path, kind));
        }

        /// <summary>An opaque directory hides everything the image had in it: each such name is a deletion.</summary>
        private void RecordHidden(string dir, HashSet<string> names)
        {
            var hidden = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var lower in lowers)
            {
                if (!Libc.TryLstat(lower + dir, out var st) || !st.IsDirectory) break;
                foreach (var child in Directory.EnumerateFileSystemEntries(lower + dir).Select(Path.GetFileName).OfType<string>())
                {
                    if (names.Add(child) && Libc.TryLstat(lower + dir + "/" + child, out var cst) && !IsWhiteout(cst)) hidden.Add(child);
                }
                if (IsOpaque(lower + dir)) break;
            }
            foreach (var child in hidden) Record(dir + "/" + child, LayerChangeKind.Deleted);
        }

        private HashSet<string> ListUpper(string dir) =>
            Directory.EnumerateFileSystemEntries(upper + dir).Select(Path.GetFileName).OfType<string>().ToHashSet(StringComparer.Ordinal);

        private static bool IsOpaque(string full) => Libc.LGetXattr(full, LayerApplier.OpaqueXattr) is [(byte)'y'];
    }
}
