using System.Net.Http.Headers;
using System.Text.Json;
using Wharf.Api.Json;
using Wharf.Api.Models;

namespace Wharf.Api.Client;

/// <summary>Container filesystem and housekeeping calls: archive (cp), changes, export, commit, update, prune.</summary>
public sealed partial class WharfClient
{
    const string PathStatHeader = "X-Docker-Container-Path-Stat";

    /// <summary>HEAD /containers/{id}/archive?path=: what is at a path inside the container.</summary>
    public async Task<ContainerPathStat> StatContainerPathAsync(string id, string path, CancellationToken ct = default)
    {
        using var res = await SendAsync(HttpMethod.Head, ContainerPath(id, "/archive") + new QueryBuilder().Add("path", path), ct: ct)
            .ConfigureAwait(false);
        return ReadPathStat(res);
    }

    /// <summary>GET /containers/{id}/archive?path=: a tar of the path (dispose it) and the path's stat.</summary>
    public async Task<(Stream Tar, ContainerPathStat Stat)> CopyFromContainerAsync(string id, string path, CancellationToken ct = default)
    {
        var res = await SendAsync(HttpMethod.Get, ContainerPath(id, "/archive") + new QueryBuilder().Add("path", path), stream: true, ct: ct)
            .ConfigureAwait(false);
        try
        {
            var stat = ReadPathStat(res);
            var body = await res.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            return (new ResponseStream(body, res), stat);
        }
        catch
        {
            res.Dispose();
            throw;
        }
    }

    /// <summary>PUT /containers/{id}/archive?path=: extracts <paramref name="tar"/> into the directory <paramref name="path"/>.</summary>
    public async Task CopyToContainerAsync(string id, string path, Stream tar, bool copyUidGid = false,
        bool allowOverwriteDirWithFile = false, CancellationToken ct = default)
    {
        var q = new QueryBuilder().Add("path", path).AddIf(!allowOverwriteDirWithFile, "noOverwriteDirNonDir", "true")
            .AddIf(copyUidGid, "copyUIDGID", "true");
        var content = new StreamContent(tar, 81920);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        using var _ = await SendAsync(HttpMethod.Put, ContainerPath(id, "/archive") + q, content, ct: ct).ConfigureAwait(false);
    }

    static ContainerPathStat ReadPathStat(HttpResponseMessage res)
    {
        if (!res.Headers.TryGetValues(PathStatHeader, out var values)) return new ContainerPathStat();
        var encoded = values.FirstOrDefault() ?? "";
        try
        {
            var json = Convert.FromBase64String(encoded);
            return JsonSerializer.Deserialize(json, WharfJsonContext.Default.ContainerPathStat) ?? new ContainerPathStat();
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            throw new WharfApiException(500, "unable to decode container path stat header: " + encoded);
        }
    }

    /// <summary>GET /containers/{id}/changes.</summary>
    public async Task<List<FilesystemChange>> ContainerChangesAsync(string id, CancellationToken ct = default) =>
        await GetJsonAsync(ContainerPath(id, "/changes"), WharfJsonContext.Default.ListFilesystemChange, ct).ConfigureAwait(false) ?? [];

    /// <summary>GET /containers/{id}/export: the container's filesystem as a tar (dispose it).</summary>
    public Task<Stream> ExportContainerAsync(string id, CancellationToken ct = default) => GetStreamAsync(ContainerPath(id, "/export"), ct);

    /// <summary>POST /commit?container=&amp;repo=&amp;tag=&amp;comment=&amp;author=&amp;pause=&amp;changes=.</summary>
    public async Task<IdResponse> CommitContainerAsync(string container, string? repo, string? tag, string? comment, string? author,
        bool pause, IEnumerable<string> changes, CancellationToken ct = default)
    {
        var q = new QueryBuilder().Add("container", container).Add("repo", repo ?? "").Add("tag", tag ?? "")
            .Add("comment", comment ?? "").Add("author", author ?? "");
        foreach (var c in changes) q.Add("changes", c);
        q.AddIf(!pause, "pause", "0");
        using var res = await SendAsync(HttpMethod.Post, "/commit" + q, ct: ct).ConfigureAwait(false);
        return await ReadJsonAsync(res, WharfJsonContext.Default.IdResponse, ct).ConfigureAwait(false);
    }

    /// <summary>POST /containers/{id}/update.</summary>
    public async Task<ContainerUpdateResponse> UpdateContainerAsync(string id, ContainerUpdateRequest update, CancellationToken ct = default)
    {
        using var res = await SendAsync(HttpMethod.Post, ContainerPath(id, "/update"),
            JsonBody(update, WharfJsonContext.Default.ContainerUpdateRequest), ct: ct).ConfigureAwait(false);
        return await ReadJsonAsync(res, WharfJsonContext.Default.ContainerUpdateResponse, ct).ConfigureAwait(false);
    }

    /// <summary>POST /containers/prune?filters=.</summary>
    public async Task<ContainerPruneResponse> PruneContainersAsync(Filters? filters = null, CancellationToken ct = default)
    {
        using var res = await SendAsync(HttpMethod.Post, "/containers/prune" + new QueryBuilder().Add("filters", filters?.ToJson()), ct: ct)
            .ConfigureAwait(false);
        return await ReadJsonAsync(res, WharfJsonContext.Default.ContainerPruneResponse, ct).ConfigureAwait(false);
    }
}
