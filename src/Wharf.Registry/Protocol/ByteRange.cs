using System.Globalization;

namespace Wharf.Registry.Protocol;

/// <summary>The inclusive byte ranges of the protocol: a Range request header for blob GETs, Content-Range on chunk uploads.</summary>
public readonly record struct ByteRange(long First, long Last)
{
    public long Length => Last - First + 1;

    /// <summary>
    /// Parses a GET's "Range: bytes=a-b" (also "a-" and "-suffix") against a blob of <paramref name="size"/> bytes.
    /// Null means serve the whole blob (no header, or a form this server ignores such as several ranges);
    /// false means the range cannot be satisfied (416).
    /// </summary>
    public static bool TryParseRequest(string? header, long size, out ByteRange? range)
    {
        range = null;
        if (string.IsNullOrWhiteSpace(header)) return true;
        header = header.Trim();
        if (!header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase)) return true;
        var spec = header[6..].Trim();
        if (spec.Contains(',')) return true;
        var dash = spec.IndexOf('-');
        if (dash < 0) return true;
        var a = spec[..dash].Trim();
        var b = spec[(dash + 1)..].Trim();
        if (a.Length == 0)
        {
            if (!long.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var suffix)) return true;
            if (suffix == 0 || size == 0) return false;
            range = new ByteRange(Math.Max(0, size - suffix), size - 1);
            return true;
        }
        if (!long.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out var first)) return true;
        long last = size - 1;
        if (b.Length > 0)
        {
            if (!long.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out last)) return true;
            if (last < first) return true;
            last = Math.Min(last, size - 1);
        }
        if (first >= size) return false;
        range = new ByteRange(first, last);
        return true;
    }

    /// <summary>Parses a chunk's "Content-Range: a-b" (the protocol's form, without a unit; "bytes a-b/*" is also taken).</summary>
    public static bool TryParseContentRange(string? header, out ByteRange range)
    {
        range = default;
        if (string.IsNullOrWhiteSpace(header)) return false;
        var s = header.Trim();
        if (s.StartsWith("bytes", StringComparison.OrdinalIgnoreCase)) s = s[5..].TrimStart(' ', '=');
        var slash = s.IndexOf('/');
        if (slash >= 0) s = s[..slash];
        var dash = s.IndexOf('-');
        if (dash <= 0) return false;
        if (!long.TryParse(s[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            || !long.TryParse(s[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var last)
            || last < first)
            return false;
        range = new ByteRange(first, last);
        return true;
    }

    /// <summary>The upload-progress header value: "0-(size-1)", and "0-0" before anything arrived (as distribution answers).</summary>
    public static string UploadProgress(long size) => size == 0 ? "0-0" : "0-" + (size - 1).ToString(CultureInfo.InvariantCulture);
}
