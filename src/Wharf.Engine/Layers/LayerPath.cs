namespace Wharf.Engine.Layers;

/// <summary>Lexical handling of tar entry names inside a layer.</summary>
internal static class LayerPath
{
    /// <summary>
    /// Cleans a tar entry name into a relative path with '/' separators and no '.', '..' or empty
    /// components ("" is the layer root). Leading '/' is stripped (absolute names are relative to the
    /// layer, as Docker treats them). Returns false when the name climbs above the root.
    /// </summary>
    public static bool TryClean(string name, out string cleaned)
    {
        if (IsClean(name))
        {
            cleaned = name.EndsWith('/') ? name[..^1] : name;
            return true;
        }
        var parts = new List<string>();
        foreach (var range in name.AsSpan().Split('/'))
        {
            var part = name.AsSpan(range);
            if (part.IsEmpty || part.SequenceEqual("."))
            {
                continue;
            }
            if (part.SequenceEqual(".."))
            {
                if (parts.Count == 0)
                {
                    cleaned = "";
                    return false;
                }
                parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part.ToString());
        }
        cleaned = string.Join('/', parts);
        return true;
    }

    /// <summary>True when the name has no leading '/', no empty/'.'/'..' components (a single trailing '/' is allowed).</summary>
    private static bool IsClean(string name)
    {
        if (name.Length == 0 || name[0] == '/')
        {
            return false;
        }
        int end = name.EndsWith('/') ? name.Length - 1 : name.Length;
        int start = 0;
        for (int i = 0; i <= end; i++)
        {
            if (i == end || name[i] == '/')
            {
                int len = i - start;
                if (len == 0 || (len == 1 && name[start] == '.') || (len == 2 && name[start] == '.' && name[start + 1] == '.'))
                {
                    return false;
                }
                start = i + 1;
            }
        }
        return true;
    }

    /// <summary>Index of the last '/' in a cleaned path, or -1 for a top-level name.</summary>
    public static int ParentLength(string cleaned) => cleaned.LastIndexOf('/');
}
