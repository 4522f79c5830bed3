using System.Net.Http.Headers;
using System.Text.Json;
using Wharf.Api.Json;
using Wharf.Api.Models;

namespace Wharf.Api.Client;

public sealed partial class WharfClient
{
    /// <summary>GET /images/json.</summary>
    public Task<List<ImageSummary>> ListImagesAsync(bool all = false, Filters? filters = null, bool digests = false,
        bool sharedSize = false, CancellationToken ct = default)
    {
        var q = new QueryBuilder().AddIf(all, "all", "1").Add("filters", filters?.ToJson())
            .AddIf(digests, "digests", "1").AddIf(sharedSize, "shared-size", "1");
        return GetJsonAsync("/images/json" + q, WharfJsonContext.Default.ListImageSummary, ct);
    }

    /// <summary>GET /images/{name}/json.</summary>
    public async Task<ImageInspect> InspectImageAsync(string name, CancellationToken ct = default)
    {
        var raw = await InspectImageRawAsync(name, ct).ConfigureAwait(false);
        return JsonSerializer.Deserialize(raw, WharfJsonContext.Default.ImageInspect) ?? new ImageInspect();
    }

    /// <summary>GET /images/{name}/json, the body as sent.</summary>
    public Task<byte[]> InspectImageRawAsync(string name, CancellationToken ct = default) =>
        GetRawAsync("/images/" + Esc(name) + "/json", ct);

    /// <summary>GET /images/{name}/history.</summary>
    public Task<List<ImageHistoryItem>> ImageHistoryAsync(string name, CancellationToken ct = default) =>
        GetJsonAsync("/images/" + Esc(name) + "/history", WharfJsonContext.Default.ListImageHistoryItem, ct);

    /// <summary>POST /images/{name}/tag?repo=&amp;tag=.</summary>
    public async Task TagImageAsync(string source, string repo, string? tag, CancellationToken ct = default)
    {
        var q = new QueryBuilder().Add("repo", repo).AddNonEmpty("tag", tag);
        using var _ = await SendAsync(HttpMethod.Post, "/images/" + Esc(source) + "/tag" + q, ct: ct).ConfigureAwait(false);
    }

    /// <summary>DELETE /images/{name}.</summary>
    public Task<List<ImageDeleteItem>> RemoveImageAsync(string name, bool force = false, bool noPrune = false, CancellationToken ct = default)
    {
        var q = new QueryBuilder().AddIf(force, "force", "1").AddIf(noPrune, "noprune", "1");
        return DeleteJsonAsync("/images/" + Esc(name) + q, ct);
    }

    async Task<List<ImageDeleteItem>> DeleteJsonAsync(string path, CancellationToken ct)
    {
        using var res = await SendAsync(HttpMethod.Delete, path, ct: ct).ConfigureAwait(false);
        return await ReadJsonAsync(res, WharfJsonContext.Default.ListImageDeleteItem, ct).ConfigureAwait(false);
    }

    /// <summary>POST /images/prune.</summary>
    public async Task<ImagePruneResponse> PruneImagesAsync(Filters? filters = null, CancellationToken ct = default)
    {
        var q = new QueryBuilder().Add("filters", filters?.ToJson());
        using var res = await SendAsync(HttpMethod.Post, "/images/prune" + q, ct: ct).ConfigureAwait(false);
        return await ReadJsonAsync(res, WharfJsonContext.Default.ImagePruneResponse, ct).ConfigureAwait(false);
    }

    /// <summary>POST /images/load with the tar as body; the daemon's JSON progress lines.</summary>
    public IAsyncEnumerable<ProgressMessage> LoadImageAsync(Stream tar, bool quiet = false, CancellationToken ct = default)
    {
        var q = new QueryBuilder().AddIf(quiet, "quiet", "1");
        return StreamAsync(HttpMethod.Post, "/images/load" + q, TarContent(tar), WharfJsonContext.Default.ProgressMessage, ct);
    }

    /// <summary>
    /// POST /images/create?fromSrc=...: imports a root filesystem tar from <paramref name="source"/> (sent as the
    /// body, fromSrc=-) or, when <paramref name="source"/> is null, from <paramref name="fromSrc"/> (a URL the daemon fetches).
    /// </summary>
    public IAsyncEnumerable<ProgressMessage> ImportImageAsync(Stream? source, string? fromSrc = null, string? repo = null,
        string? tag = null, string? message = null, IEnumerable<string>? changes = null, string? platform = null,
        CancellationToken ct = default)
    {
        var q = new QueryBuilder().Add("fromSrc", source is null ? fromSrc ?? "-" : "-").AddNonEmpty("repo", repo)
            .AddNonEmpty("tag", tag).AddNonEmpty("message", message).AddNonEmpty("platform", platform?.ToLowerInvariant());
        if (changes is not null) foreach (var c in changes) q.Add("changes", c);
        return StreamAsync(HttpMethod.Post, "/images/create" + q, source is null ? null : TarContent(source),
            WharfJsonContext.Default.ProgressMessage, ct);
    }

    /// <summary>POST /images/create?fromImage=&amp;tag=: pulls an image; the daemon's JSON progress lines.</summary>
    public IAsyncEnumerable<ProgressMessage> PullImageAsync(string fromImage, string? tag, string? platform = null, CancellationToken ct = default) =>
        PullImageAsync(fromImage, tag, platform, null, ct);

    /// <summary>GET /images/get?names=...: the tar stream (dispose it when done).</summary>
    public async Task<Stream> SaveImagesAsync(IEnumerable<string> names, CancellationToken ct = default)
    {
        var q = new QueryBuilder();
        foreach (var n in names) q.Add("names", n);
        return await GetStreamAsync("/images/get" + q, ct).ConfigureAwait(false);
    }

    static StreamContent TarContent(Stream s)
    {
        var c = new StreamContent(s, 81920);
        c.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        return c;
    }
}
