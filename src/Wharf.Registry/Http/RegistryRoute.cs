using System.Text.RegularExpressions;

namespace Wharf.Registry.Http;

/// <summary>The kinds of request the distribution API has.</summary>
public enum RouteKind { Base, Catalog, Token, Uploads, Upload, Blob, Manifest, Tags, Referrers, NotFound }

/// <summary>
/// A request path mapped onto the API: the repository name (it may contain slashes, so the operation is matched
/// from the end of the path), and the digest, reference or upload id after it. Parsing works on the raw request
/// target, before any dot-segment normalisation, so a name such as "a/../b" reaches the name check and is refused.
/// </summary>
public sealed partial record RegistryRoute(RouteKind Kind, string Name = "", string Value = "")
{
    [GeneratedRegex(@"^/v2/(?<name>.+)/blobs/uploads/?$")] private static partial Regex UploadsPattern();
    [GeneratedRegex(@"^/v2/(?<name>.+)/blobs/uploads/(?<v>[^/]+)$")] private static partial Regex UploadPattern();
    [GeneratedRegex(@"^/v2/(?<name>.+)/blobs/(?<v>[^/]+)$")] private static partial Regex BlobPattern();
    [GeneratedRegex(@"^/v2/(?<name>.+)/manifests/(?<v>[^/]+)$")] private static partial Regex ManifestPattern();
    [GeneratedRegex(@"^/v2/(?<name>.+)/tags/list$")] private static partial Regex TagsPattern();
    [GeneratedRegex(@"^/v2/(?<name>.+)/referrers/(?<v>[^/]+)$")] private static partial Regex ReferrersPattern();

    public static RegistryRoute Parse(string rawTarget)
    {
        var q = rawTarget.IndexOf('?');
        var path = q < 0 ? rawTarget : rawTarget[..q];
        if (path is "/v2" or "/v2/") return new(RouteKind.Base);
        if (path is "/v2/_catalog") return new(RouteKind.Catalog);
        if (path is "/token" or "/v2/token") return new(RouteKind.Token);
        if (!path.StartsWith("/v2/", StringComparison.Ordinal)) return new(RouteKind.NotFound);
        foreach (var (kind, pattern) in Patterns)
        {
            var m = pattern.Match(path);
            if (m.Success)
                return new(kind, m.Groups["name"].Value, m.Groups["v"].Success ? Uri.UnescapeDataString(m.Groups["v"].Value) : "");
        }
        return new(RouteKind.NotFound);
    }

    static readonly (RouteKind, Regex)[] Patterns =
    [
        (RouteKind.Uploads, UploadsPattern()), (RouteKind.Upload, UploadPattern()), (RouteKind.Blob, BlobPattern()),
        (RouteKind.Manifest, ManifestPattern()), (RouteKind.Tags, TagsPattern()), (RouteKind.Referrers, ReferrersPattern()),
    ];
}
