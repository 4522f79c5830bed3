namespace Wharf.Engine.Runtime;

/// <summary>Resolves a path inside a container root the way the container would see it: symlinks are followed but can never leave the root.</summary>
public static class RootfsPath
{
    private const int MaxSymlinks = 40;

    /// <summary>The host path of <paramref name="path"/> (absolute, as inside the container) within <paramref name="root"/>.</summary>
    public static string Resolve(string root, string path)
    {
        var rootFull = Path.GetFullPath(root);
        var pending = new Stack<string>(Split(path).Reverse());
        var resolved = new List<string>();
        var links = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part == ".") continue;
            if (part == "..")
            {
                if (resolved.Count > 0) resolved.RemoveAt(resolved.Count - 1);
                continue;
            }
            var candidate = Path.Combine(rootFull, string.Join('/', resolved.Append(part)));
            FileSystemInfo info = new FileInfo(candidate);
            if (info.Exists || Directory.Exists(candidate))
            {
                if (Directory.Exists(candidate)) info = new DirectoryInfo(candidate);
                if (info.LinkTarget is { } target)
                {
                    if (++links > MaxSymlinks) throw new IOException($"too many levels of symbolic links resolving {path}");
                    if (target.StartsWith('/')) resolved.Clear();
                    foreach (var p in Split(target).Reverse()) pending.Push(p);
                    continue;
                }
            }
            resolved.Add(part);
        }
        return resolved.Count == 0 ? rootFull : Path.Combine(rootFull, string.Join('/', resolved));
    }

    private static IEnumerable<string> Split(string p) => p.Split('/', StringSplitOptions.RemoveEmptyEntries);
}
