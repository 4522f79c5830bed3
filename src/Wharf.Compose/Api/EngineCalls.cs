using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Wharf.Api.Client;
using Wharf.Api.Json;
using Wharf.Api.Models;

namespace Wharf.Compose.Api;

/// <summary>
/// The Engine API calls Compose needs beyond the client's own (networks, volumes, build, push), made through
/// <see cref="WharfClient.SendAsync"/> as the swagger specifies them.
/// </summary>
public static class EngineCalls
{
    static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    static async Task<T> ReadAsync<T>(HttpResponseMessage res, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken ct)
    {
        var bytes = await res.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        return JsonSerializer.Deserialize(bytes, type) ?? throw new WharfApiException((int)res.StatusCode, "empty response from daemon");
    }

    // ---------------------------------------------------------------- networks

    // The client's own network calls; compose only wants a missing network as null.
    public static Task<List<NetworkResource>> ProjectListNetworksAsync(this WharfClient c, Filters? filters, CancellationToken ct) =>
        c.ListNetworksAsync(filters, ct);

    /// <summary>GET /networks/{id}; null for 404.</summary>
    public static async Task<NetworkResource?> ProjectInspectNetworkAsync(this WharfClient c, string name, CancellationToken ct)
    {
        try
        {
            return await c.InspectNetworkAsync(name, ct).ConfigureAwait(false);
        }
        catch (WharfApiException e) when (e.StatusCode == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public static async Task<string> ProjectCreateNetworkAsync(this WharfClient c, NetworkCreateRequest request, CancellationToken ct) =>
        (await c.CreateNetworkAsync(request, ct).ConfigureAwait(false)).Id;

    public static Task ProjectRemoveNetworkAsync(this WharfClient c, string name, CancellationToken ct) => c.RemoveNetworkAsync(name, ct);

    // ---------------------------------------------------------------- volumes (swagger: /volumes)

    /// <summary>GET /volumes/{name}; null for 404. The answer is kept as JSON (swagger: Volume).</summary>
    public static async Task<JsonObject?> ProjectInspectVolumeAsync(this WharfClient c, string name, CancellationToken ct)
    {
        try
        {
            using var res = await c.SendAsync(HttpMethod.Get, "/volumes/" + Uri.EscapeDataString(name), ct: ct).ConfigureAwait(false);
            return JsonNode.Parse(await res.Content.ReadAsStringAsync(ct).ConfigureAwait(false)) as JsonObject;
        }
        catch (WharfApiException e) when (e.StatusCode == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>GET /volumes?filters=: the Volumes array of the answer.</summary>
    public static async Task<List<JsonObject>> ListVolumesJsonAsync(this WharfClient c, Filters? filters, CancellationToken ct)
    {
        var q = filters is null ? "" : "?filters=" + Uri.EscapeDataString(filters.ToJson() ?? "{}");
        using var res = await c.SendAsync(HttpMethod.Get, "/volumes" + q, ct: ct).ConfigureAwait(false);
        var doc = JsonNode.Parse(await res.Content.ReadAsStringAsync(ct).ConfigureAwait(false)) as JsonObject;
        return (doc?["Volumes"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
    }

    /// <summary>POST /volumes/create (swagger: VolumeCreateOptions).</summary>
    public static async Task ProjectCreateVolumeAsync(this WharfClient c, string name, string? driver, IReadOnlyDictionary<string, string> driverOpts,
        IReadOnlyDictionary<string, string> labels, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["Name"] = name,
            ["Driver"] = driver ?? "local",
            ["DriverOpts"] = ToJson(driverOpts),
            ["Labels"] = ToJson(labels),
        };
        using var _ = await c.SendAsync(HttpMethod.Post, "/volumes/create", Json(body.ToJsonString()), ct: ct).ConfigureAwait(false);
    }

    public static Task ProjectRemoveVolumeAsync(this WharfClient c, string name, CancellationToken ct) => c.RemoveVolumeAsync(name, false, ct);

    static JsonObject ToJson(IReadOnlyDictionary<string, string> d)
    {
        var o = new JsonObject();
        foreach (var (k, v) in d) o[k] = v;
        return o;
    }

    // ---------------------------------------------------------------- build and push

    /// <summary>POST /build with a tar context; the progress stream's lines go to <paramref name="output"/>; an error message throws.</summary>
    public static async Task BuildImageAsync(this WharfClient c, Stream context, IReadOnlyDictionary<string, string> query,
        Action<string> output, CancellationToken ct)
    {
        var q = new StringBuilder();
        foreach (var (k, v) in query) q.Append(q.Length == 0 ? '?' : '&').Append(k).Append('=').Append(Uri.EscapeDataString(v));
        var content = new StreamContent(context);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        using var res = await c.SendAsync(HttpMethod.Post, "/build" + q, content, stream: true, ct: ct).ConfigureAwait(false);
        await using var body = await res.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await foreach (var m in WharfClient.ReadJsonLinesAsync(body, WharfJsonContext.Default.ProgressMessage, ct).ConfigureAwait(false))
        {
            if (m.Error is { Length: > 0 } err) throw new WharfApiException(500, err);
            if (m.Stream is { } s) output(s);
            else if (m.Status is { } st) output(st + "\n");
        }
    }
}
