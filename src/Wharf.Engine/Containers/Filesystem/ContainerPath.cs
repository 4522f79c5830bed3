namespace Wharf.Engine.Containers.Filesystem;

/// <summary>
/// Paths inside a container as the archive endpoints read them (Go's path rules): always absolute, cleaned,
/// but a trailing "/" or "/." is kept, since `docker cp c:/dir/. x` (copy the contents) and `c:/link/`
/// (follow the link) mean something else than `c:/dir`.
/// </summary>
public static class ContainerPath
{
    /// <summary>Docker's PreserveTrailingDotOrSeparator(filepath.Join("/", path), path).</summary>
    public static string Absolute(string path)
    {
        var clean = Clean("/" + path);
        if (Base(clean) != "." && IsCurrentDir(path))
        {
            if (!clean.EndsWith('/')) clean += "/";
            clean += ".";
        }
        if (!clean.EndsWith('/') && path.EndsWith('/')) clean += "/";
        return clean;
    }

    /// <summary>Go's path.Clean of an absolute path.</summary>
    public static string Clean(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".") continue;
            if (part == "..")
            {
                if (parts.Count > 0) parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        return "/" + string.Join('/', parts);
    }

    /// <summary>Go's path.Base: the last element after trailing slashes are removed; "/" for the root.</summary>
    public static string Base(string path)
    {
        if (path.Length == 0) return ".";
        var trimmed = path.TrimEnd('/');
        if (trimmed.Length == 0) return "/";
        return trimmed[(trimmed.LastIndexOf('/') + 1)..];
    }

    /// <summary>True when the last element must be resolved even if it is a symlink ("/x/", "/x/.", "/").</summary>
    public static bool FollowsFinal(string absolute) => absolute.EndsWith('/') || IsCurrentDir(absolute);

    private static bool IsCurrentDir(string path) => Base(path) == ".";
}
