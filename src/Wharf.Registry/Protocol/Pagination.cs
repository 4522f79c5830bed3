using System.Globalization;

namespace Wharf.Registry.Protocol;

/// <summary>The `n`/`last` pagination of tags and catalog lists, with the Link header for the next page.</summary>
public static class Pagination
{
    /// <summary>Largest page the registry hands out when a client asks for more (or for none in particular).</summary>
    public const int MaxPage = 10000;

    /// <summary>Parses `n`: absent means no limit beyond <see cref="MaxPage"/>; negative or non-numeric is PAGINATION_NUMBER_INVALID.</summary>
    public static int ParseN(string? n)
    {
        if (string.IsNullOrEmpty(n)) return MaxPage;
        if (!int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            throw new RegistryException(400, ErrorCodes.PaginationNumberInvalid, "invalid number of results requested", n);
        return Math.Min(value, MaxPage);
    }

    /// <summary>
    /// The page of sorted <paramref name="all"/> after <paramref name="last"/>, at most <paramref name="n"/> long;
    /// <paramref name="more"/> tells whether entries follow it.
    /// </summary>
    public static List<string> Page(IEnumerable<string> all, int n, string? last, out bool more)
    {
        var sorted = all.Where(x => string.IsNullOrEmpty(last) || string.CompareOrdinal(x, last) > 0).ToList();
        sorted.Sort(StringComparer.Ordinal);
        more = sorted.Count > n;
        return more ? sorted.GetRange(0, n) : sorted;
    }

    /// <summary>The RFC 5988 Link header value pointing at the page after <paramref name="lastOfPage"/>.</summary>
    public static string NextLink(string path, int n, string lastOfPage) =>
        $"<{path}?n={n.ToString(CultureInfo.InvariantCulture)}&last={Uri.EscapeDataString(lastOfPage)}>; rel=\"next\"";
}
