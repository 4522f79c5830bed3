using System.Text.Json;
using Wharf.Api.Json;
using Wharf.Api.Models;

namespace Wharf.Api.Client;

public sealed partial class WharfClient
{
    /// <summary>POST /containers/{id}/exec.</summary>
    public async Task<ExecCreateResponse> CreateExecAsync(string container, ExecConfig config, CancellationToken ct = default)
    {
        using var res = await SendAsync(HttpMethod.Post, ContainerPath(container, "/exec"),
            JsonBody(config, WharfJsonContext.Default.ExecConfig), ct: ct).ConfigureAwait(false);
        return await ReadJsonAsync(res, WharfJsonContext.Default.ExecCreateResponse, ct).ConfigureAwait(false);
    }

    /// <summary>POST /exec/{id}/start with Detach: the process runs in the background, nothing is streamed.</summary>
    public async Task StartExecDetachedAsync(string execId, ExecStartConfig config, CancellationToken ct = default)
    {
        config.Detach = true;
        using var _ = await SendAsync(HttpMethod.Post, "/exec/" + Esc(execId) + "/start",
            JsonBody(config, WharfJsonContext.Default.ExecStartConfig), ct: ct).ConfigureAwait(false);
    }

    /// <summary>POST /exec/{id}/start, hijacked: the process's stdio on one connection.</summary>
    public Task<HijackedStream> StartExecAttachedAsync(string execId, ExecStartConfig config, CancellationToken ct = default)
    {
        config.Detach = false;
        return HijackAsync("/exec/" + Esc(execId) + "/start", JsonSerializer.SerializeToUtf8Bytes(config, WharfJsonContext.Default.ExecStartConfig), ct);
    }

    /// <summary>POST /exec/{id}/resize?h=&amp;w=.</summary>
    public Task ResizeExecAsync(string execId, int height, int width, CancellationToken ct = default) =>
        PostAsync("/exec/" + Esc(execId) + "/resize" + SizeQuery(height, width), ct);

    /// <summary>GET /exec/{id}/json.</summary>
    public Task<ExecInspectResponse> InspectExecAsync(string execId, CancellationToken ct = default) =>
        GetJsonAsync("/exec/" + Esc(execId) + "/json", WharfJsonContext.Default.ExecInspectResponse, ct);
}
