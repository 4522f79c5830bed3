using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Wharf.Engine.Distribution;

/// <summary>The distribution API calls for one repository on one endpoint: manifests, blobs, uploads, tags.</summary>
public sealed class RegistryRepository(RegistryClient client, string path, bool push)
{
    private const int MaxManifestBytes = 4 << 20;

    public RegistryClient Client => client;
    public string Path => path;
    private IReadOnlyList<string> Scope => [$"repository:{path}:{(push ? "pull,push" : "pull")}"];
    private string Describe => $"{client.Endpoint.Host}/{path}";

    /// <summary>GET a manifest by tag or digest; the digest is checked against the body when the reference is one.</summary>
    public async Task<(byte[] Body, string MediaType, string Digest)> GetManifestAsync(string reference, CancellationToken ct)
    {
        using var res = await client.SendAsync(HttpMethod.Get, $"v2/{path}/manifests/{reference}", Scope, null, ct,
            req => { foreach (var a in ManifestDocument.Accepted) req.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(a)); });
        if (res.StatusCode == HttpStatusCode.NotFound)
            throw new RegistryException($"manifest for {Describe}:{reference} not found: manifest unknown", res.StatusCode, "MANIFEST_UNKNOWN", 404);
        if (!res.IsSuccessStatusCode) throw await Failure(res, $"fetching manifest {Describe}:{reference}", ct);
        if (res.Content.Headers.ContentLength > MaxManifestBytes) throw new WharfException($"manifest {Describe}:{reference} is larger than 4 MiB");
        var body = await res.Content.ReadAsByteArrayAsync(ct);
        var digest = Content.Digest.Of(body);
        if (reference.StartsWith("sha256:", StringComparison.Ordinal) && reference != digest)
            throw new WharfException($"manifest {Describe}@{reference} does not match its digest (got {digest})");
        return (body, res.Content.Headers.ContentType?.MediaType ?? "", digest);
    }

    /// <summary>GET a blob as a stream (the caller verifies the digest while reading).</summary>
    public async Task<(Stream Body, long Length, HttpResponseMessage Response)> OpenBlobAsync(string digest, CancellationToken ct)
    {
        var res = await client.SendAsync(HttpMethod.Get, $"v2/{path}/blobs/{digest}", Scope, null, ct);
        if (!res.IsSuccessStatusCode)
        {
            using (res) throw await Failure(res, $"fetching blob {digest} from {Describe}", ct);
        }
        var body = await res.Content.ReadAsStreamAsync(ct);
        return (body, res.Content.Headers.ContentLength ?? -1, res);
    }

    public async Task<byte[]> ReadBlobAsync(string digest, long maxBytes, CancellationToken ct)
    {
        var (body, length, res) = await OpenBlobAsync(digest, ct);
        using (res)
        await using (body)
        {
            if (length > maxBytes) throw new WharfException($"blob {digest} is larger than {maxBytes} bytes");
            using var ms = new MemoryStream();
            await body.CopyToAsync(ms, ct);
            var bytes = ms.ToArray();
            if (Content.Digest.Of(bytes) != digest) throw new WharfException($"blob {digest} from {Describe} does not match its digest");
            return bytes;
        }
    }

    public async Task<bool> BlobExistsAsync(string digest, CancellationToken ct)
    {
        using var res = await client.SendAsync(HttpMethod.Head, $"v2/{path}/blobs/{digest}", Scope, null, ct);
        if (res.StatusCode == HttpStatusCode.NotFound) return false;
        if (!res.IsSuccessStatusCode) throw await Failure(res, $"checking blob {digest} on {Describe}", ct);
        return true;
    }

    /// <summary>Tries a cross-repository mount; true when mounted, else the upload location the registry opened instead.</summary>
    public async Task<(bool Mounted, string? Location)> MountAsync(string digest, string fromPath, CancellationToken ct)
    {
        IReadOnlyList<string> scopes = [Scope[0], $"repository:{fromPath}:pull"];
        using var res = await client.SendAsync(HttpMethod.Post,
            $"v2/{path}/blobs/uploads/?mount={Uri.EscapeDataString(digest)}&from={Uri.EscapeDataString(fromPath)}", scopes, () => new ByteArrayContent([]), ct);
        if (res.StatusCode == HttpStatusCode.Created) return (true, null);
        if (res.StatusCode == HttpStatusCode.Accepted) return (false, Location(res));
        // A registry that refuses mounts (or the source) is no error: upload instead.
        return (false, null);
    }

    /// <summary>Monolithic upload: POST for a location (unless one is given), then PUT the whole body with the digest.</summary>
    public async Task UploadAsync(string digest, long size, Func<Stream> open, string? location, CancellationToken ct)
    {
        if (location is null)
        {
            using var start = await client.SendAsync(HttpMethod.Post, $"v2/{path}/blobs/uploads/", Scope, () => new ByteArrayContent([]), ct);
            if (start.StatusCode != HttpStatusCode.Accepted) throw await Failure(start, $"starting an upload to {Describe}", ct);
            location = Location(start);
        }
        var target = location + (location.Contains('?') ? "&" : "?") + "digest=" + Uri.EscapeDataString(digest);
        using var res = await client.SendAsync(HttpMethod.Put, Absolute(target), Scope, () =>
        {
            var c = new StreamContent(open(), 1 << 20);
            c.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            c.Headers.ContentLength = size;
            return c;
        }, ct);
        if (res.StatusCode != HttpStatusCode.Created) throw await Failure(res, $"uploading blob {digest} to {Describe}", ct);
    }

    /// <summary>PUT a manifest under a tag (or digest); returns the digest the registry stored it as.</summary>
    public async Task<string> PutManifestAsync(string reference, byte[] body, string mediaType, CancellationToken ct)
    {
        using var res = await client.SendAsync(HttpMethod.Put, $"v2/{path}/manifests/{reference}", Scope, () =>
        {
            var c = new ByteArrayContent(body);
            c.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            return c;
        }, ct);
        if (res.StatusCode != HttpStatusCode.Created) throw await Failure(res, $"pushing manifest {Describe}:{reference}", ct);
        return Content.Digest.Of(body);
    }

    /// <summary>GET tags/list, following Link headers for pagination.</summary>
    public async Task<List<string>> ListTagsAsync(CancellationToken ct)
    {
        var tags = new List<string>();
        string? next = $"v2/{path}/tags/list";
        while (next is not null)
        {
            using var res = await client.SendAsync(HttpMethod.Get, next, Scope, null, ct);
            if (res.StatusCode == HttpStatusCode.NotFound)
                throw new RegistryException($"repository {Describe} not found: name unknown", res.StatusCode, "NAME_UNKNOWN", 404);
            if (!res.IsSuccessStatusCode) throw await Failure(res, $"listing tags of {Describe}", ct);
            var body = await res.Content.ReadAsByteArrayAsync(ct);
            if (JsonNode.Parse(body) is JsonObject o && o["tags"] is JsonArray a)
                tags.AddRange(a.OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.String).Select(v => v.GetValue<string>()));
            next = res.Headers.TryGetValues("Link", out var links) ? NextLink(links.FirstOrDefault()) : null;
        }
        return tags;
    }

    private static string? NextLink(string? link)
    {
        if (link is null) return null;
        int lt = link.IndexOf('<'), gt = link.IndexOf('>');
        return lt >= 0 && gt > lt && link.Contains("rel=\"next\"", StringComparison.Ordinal) ? link[(lt + 1)..gt].TrimStart('/') : null;
    }

    private string Location(HttpResponseMessage res) =>
        res.Headers.Location is { } l ? Absolute(l.IsAbsoluteUri ? l.ToString() : l.OriginalString)
            : throw new WharfException($"the registry {client.Endpoint.Host} opened an upload without a Location");

    private string Absolute(string location) =>
        location.StartsWith("http://", StringComparison.Ordinal) || location.StartsWith("https://", StringComparison.Ordinal)
            ? location : location.TrimStart('/');

    private async Task<Exception> Failure(HttpResponseMessage res, string what, CancellationToken ct)
    {
        if (res.StatusCode == HttpStatusCode.Unauthorized)
            return new RegistryException($"{what}: unauthorized: authentication required", res.StatusCode, "UNAUTHORIZED");
        return await RegistryException.FromResponseAsync(res, what, ct);
    }
}
