namespace Wharf.Engine.Build;

/// <summary>Slash-separated path helpers with Go's `path.Clean` rules (the builder's paths are Linux paths).</summary>
public static class UnixPath
{
    /// <summary>The shortest equivalent path: no `.`, no `..` after a name, no doubled or trailing slashes.</summary>
    public static string Clean(string path)
    {
        if (path.Length == 0)
        {
            return ".";
        }
        var rooted = path[0] == '/';
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            switch (part)
            {
                case "" or ".":
                    continue;
                case "..":
                    if (parts.Count > 0 && parts[^1] != "..")
                    {
                        parts.RemoveAt(parts.Count - 1);
                    }
                    else if (!rooted)
                    {
                        parts.Add("..");
                    }
                    continue;
                default:
                    parts.Add(part);
                    continue;
            }
        }
        var joined = string.Join('/', parts);
        if (rooted)
        {
            return "/" + joined;
        }
        return joined.Length == 0 ? "." : joined;
    }

    /// <summary>WORKDIR resolution: an absolute path is cleaned; a relative one is joined to the current one.</summary>
    public static string ResolveWorkdir(string? current, string requested)
    {
        if (requested.Length == 0)
        {
            throw new ArgumentException("cannot normalize nothing", nameof(requested));
        }
        return requested[0] == '/' ? Clean(requested) : Clean("/" + (current ?? "") + "/" + requested);
    }
}
