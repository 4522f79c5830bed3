using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Wharf.Api.Json;
using Wharf.Api.Models;

namespace Wharf.Api.Client;

public sealed partial class WharfClient
{
    /// <summary>GET /containers/json.</summary>
    public Task<List<ContainerSummary>> ListContainersAsync(bool all = false, int? limit = null, bool size = false,
        Filters? filters = null, CancellationToken ct = default)
    {
        var q = new QueryBuilder().AddIf(all, "all", "1")
            .AddIf(limit is > 0, "limit", limit?.ToString(CultureInfo.InvariantCulture) ?? "")
            .AddIf(size, "size", "1").Add("filters", filters?.ToJson());
        return GetJsonAsync("/containers/json" + q, WharfJsonContext.Default.ListContainerSummary, ct);
    }

    /// <summary>POST /containers/create?name=&amp;platform=.</summary>
    public async Task<ContainerCreateResponse> CreateContainerAsync(ContainerCreateRequest request, string? name = null,
        string? platform = null, CancellationToken ct = default)
    {
        var q = new QueryBuilder().AddNonEmpty("name", name).AddNonEmpty("platform", platform);
        using var res = await SendAsync(HttpMethod.Post, "/containers/create" + q,
            JsonBody(request, WharfJsonContext.Default.ContainerCreateRequest), ct: ct).ConfigureAwait(false);
        return await ReadJsonAsync(res, WharfJsonContext.Default.ContainerCreateResponse, ct).ConfigureAwait(false);
    }

    /// <summary>GET /containers/{id}/json.</summary>
    public async Task<ContainerInspectResponse> InspectContainerAsync(string id, bool size = false, CancellationToken ct = default)
    {
        var raw = await GetRawAsync(ContainerPath(id, "/json") + new QueryBuilder().AddIf(size, "size", "1"), ct).ConfigureAwait(false);
        return JsonSerializer.Deserialize(raw, WharfJsonContext.Default.ContainerInspectResponse) ?? new ContainerInspectResponse();
    }

    /// <summary>POST /containers/{id}/start; false when it was already running (304).</summary>
    public async Task<bool> StartContainerAsync(string id, CancellationToken ct = default)
    {
        using var res = await SendAsync(HttpMethod.Post, ContainerPath(id, "/start"), ct: ct).ConfigureAwait(false);
        return (int)res.StatusCode != 304;
    }

    /// <summary>POST /containers/{id}/stop?signal=&amp;t=.</summary>
    public Task StopContainerAsync(string id, string? signal = null, int? timeout = null, CancellationToken ct = default) =>
        PostAsync(ContainerPath(id, "/stop") + StopQuery(signal, timeout), ct);

    /// <summary>POST /containers/{id}/restart?signal=&amp;t=.</summary>
    public Task RestartContainerAsync(string id, string? signal = null, int? timeout = null, CancellationToken ct = default) =>
        PostAsync(ContainerPath(id, "/restart") + StopQuery(signal, timeout), ct);

    static QueryBuilder StopQuery(string? signal, int? timeout) =>
        new QueryBuilder().AddNonEmpty("signal", signal).Add("t", timeout?.ToString(CultureInfo.InvariantCulture));

    /// <summary>POST /containers/{id}/kill?signal=.</summary>
    public Task KillContainerAsync(string id, string? signal = null, CancellationToken ct = default) =>
        PostAsync(ContainerPath(id, "/kill") + new QueryBuilder().AddNonEmpty("signal", signal), ct);

    /// <summary>DELETE /containers/{id}?force=&amp;v=&amp;link=.</summary>
    public async Task RemoveContainerAsync(string id, bool force = false, bool volumes = false, bool link = false, CancellationToken ct = default)
    {
        var q = new QueryBuilder().AddIf(volumes, "v", "1").AddIf(link, "link", "1").AddIf(force, "force", "1");
        using var _ = await SendAsync(HttpMethod.Delete, "/containers/" + Esc(id) + q, ct: ct).ConfigureAwait(false);
    }

    /// <summary>POST /containers/{id}/pause.</summary>
    public Task PauseContainerAsync(string id, CancellationToken ct = default) => PostAsync(ContainerPath(id, "/pause"), ct);

    /// <summary>POST /containers/{id}/unpause.</summary>
    public Task UnpauseContainerAsync(string id, CancellationToken ct = default) => PostAsync(ContainerPath(id, "/unpause"), ct);

    /// <summary>POST /containers/{id}/rename?name=.</summary>
    public Task RenameContainerAsync(string id, string newName, CancellationToken ct = default) =>
        PostAsync(ContainerPath(id, "/rename") + new QueryBuilder().Add("name", newName), ct);

    /// <summary>POST /containers/{id}/resize?h=&amp;w=.</summary>
    public Task ResizeContainerAsync(string id, int height, int width, CancellationToken ct = default) =>
        PostAsync(ContainerPath(id, "/resize") + SizeQuery(height, width), ct);

    static QueryBuilder SizeQuery(int height, int width) => new QueryBuilder()
        .Add("h", height.ToString(CultureInfo.InvariantCulture)).Add("w", width.ToString(CultureInfo.InvariantCulture));

    /// <summary>GET /containers/{id}/top?ps_args=.</summary>
    public Task<ContainerTopResponse> TopContainerAsync(string id, IReadOnlyList<string> psArgs, CancellationToken ct = default) =>
        GetJsonAsync(ContainerPath(id, "/top") + new QueryBuilder().AddNonEmpty("ps_args", string.Join(' ', psArgs)),
            WharfJsonContext.Default.ContainerTopResponse, ct);

    /// <summary>
    /// POST /containers/{id}/wait?condition=: returns once the daemon has sent its headers (the wait is then
    /// registered, so starting the container afterwards cannot miss its exit); await the result from the handle.
    /// </summary>
    public async Task<ContainerWaitHandle> WaitContainerAsync(string id, string? condition = null, CancellationToken ct = default)
    {
        var res = await SendAsync(HttpMethod.Post, ContainerPath(id, "/wait") + new QueryBuilder().AddNonEmpty("condition", condition),
            stream: true, ct: ct).ConfigureAwait(false);
        return new ContainerWaitHandle(res);
    }

    /// <summary>GET /containers/{id}/logs: the raw body (multiplexed unless the container has a TTY); dispose it.</summary>
    public Task<Stream> ContainerLogsAsync(string id, ContainerLogsOptions options, CancellationToken ct = default)
    {
        var q = new QueryBuilder().AddIf(options.Stdout, "stdout", "1").AddIf(options.Stderr, "stderr", "1")
            .AddNonEmpty("since", options.Since).AddNonEmpty("until", options.Until)
            .AddIf(options.Timestamps, "timestamps", "1").AddIf(options.Details, "details", "1")
            .AddIf(options.Follow, "follow", "1").AddNonEmpty("tail", options.Tail);
        return GetStreamAsync(ContainerPath(id, "/logs") + q, ct);
    }

    /// <summary>GET /containers/{id}/stats?stream=&amp;one-shot=: JSON frames, one per line.</summary>
    public IAsyncEnumerable<ContainerStats> ContainerStatsAsync(string id, bool stream, bool oneShot = false, CancellationToken ct = default)
    {
        var q = new QueryBuilder().Add("stream", stream ? "1" : "0").AddIf(oneShot, "one-shot", "1");
        return StreamAsync(HttpMethod.Get, ContainerPath(id, "/stats") + q, null, WharfJsonContext.Default.ContainerStats, ct);
    }

    /// <summary>POST /containers/{id}/attach, hijacked.</summary>
    public Task<HijackedStream> AttachContainerAsync(string id, bool stdin, bool stdout, bool stderr, string? detachKeys = null,
        bool logs = false, CancellationToken ct = default)
    {
        var q = new QueryBuilder().AddIf(logs, "logs", "1").Add("stream", "1").AddIf(stdin, "stdin", "1")
            .AddIf(stdout, "stdout", "1").AddIf(stderr, "stderr", "1").AddNonEmpty("detachKeys", detachKeys);
        return HijackAsync(ContainerPath(id, "/attach") + q, ct: ct);
    }

    internal static string ContainerPath(string id, string suffix) => "/containers/" + Esc(id) + suffix;

    async Task PostAsync(string path, CancellationToken ct)
    {
        using var _ = await SendAsync(HttpMethod.Post, path, ct: ct).ConfigureAwait(false);
    }

    async Task<Stream> GetStreamAsync(string path, CancellationToken ct)
    {
        var res = await SendAsync(HttpMethod.Get, path, stream: true, ct: ct).ConfigureAwait(false);
        var body = await res.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        return new ResponseStream(body, res);
    }

    static ByteArrayContent JsonBody<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        var c = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, type));
        c.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return c;
    }
}

/// <summary>What `logs` asks for (GET /containers/{id}/logs query).</summary>
public sealed class ContainerLogsOptions
{
    public bool Stdout { get; init; } = true;
    public bool Stderr { get; init; } = true;
    public string? Since { get; init; }
    public string? Until { get; init; }
    public bool Timestamps { get; init; }
    public bool Details { get; init; }
    public bool Follow { get; init; }
    public string? Tail { get; init; }
}

/// <summary>A registered wait: the daemon answers with the exit status once the condition is met.</summary>
public sealed class ContainerWaitHandle(HttpResponseMessage response) : IDisposable
{
    /// <summary>Reads the daemon's answer; throws <see cref="WharfApiException"/> when it carries an error.</summary>
    public async Task<ContainerWaitResponse> ResultAsync(CancellationToken ct = default)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        try
        {
            // A failure after the headers arrives in the stream as {"error": ...}.
            using (var doc = JsonDocument.Parse(bytes))
            {
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var err) &&
                    err.ValueKind == JsonValueKind.String)
                    throw new WharfApiException(500, err.GetString() ?? "");
            }
            return JsonSerializer.Deserialize(bytes, WharfJsonContext.Default.ContainerWaitResponse)
                   ?? throw new WharfApiException(500, "empty wait response from daemon");
        }
        catch (JsonException e)
        {
            throw new WharfApiException(500, "invalid wait response: " + e.Message);
        }
    }

    public void Dispose() => response.Dispose();
}
