using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Wharf.Api.Json;
using Wharf.Api.Models;

namespace Wharf.Api.Client;

public sealed partial class WharfClient
{
    /// <summary>GET /version.</summary>
    public Task<SystemVersion> VersionAsync(CancellationToken ct = default) =>
        GetJsonAsync("/version", WharfJsonContext.Default.SystemVersion, ct);

    /// <summary>GET /info.</summary>
    public Task<SystemInfo> InfoAsync(CancellationToken ct = default) =>
        GetJsonAsync("/info", WharfJsonContext.Default.SystemInfo, ct);

    /// <summary>GET /info as a JSON object, every field the daemon sent.</summary>
    public Task<JsonObject> InfoJsonAsync(CancellationToken ct = default) =>
        GetJsonAsync("/info", WharfJsonContext.Default.JsonObject, ct);

    /// <summary>GET /version as a JSON object.</summary>
    public Task<JsonObject> VersionJsonAsync(CancellationToken ct = default) =>
        GetJsonAsync("/version", WharfJsonContext.Default.JsonObject, ct);

    /// <summary>GET /system/df.</summary>
    public Task<DiskUsage> DiskUsageAsync(CancellationToken ct = default) =>
        GetJsonAsync("/system/df", WharfJsonContext.Default.DiskUsage, ct);

    /// <summary>GET /events: streams until the daemon ends it (until=) or <paramref name="ct"/> is cancelled.</summary>
    public IAsyncEnumerable<EventMessage> EventsAsync(string? since = null, string? until = null, Filters? filters = null,
        CancellationToken ct = default)
    {
        var q = new QueryBuilder().AddNonEmpty("since", since).AddNonEmpty("until", until).Add("filters", filters?.ToJson());
        return StreamAsync(HttpMethod.Get, "/events" + q, null, WharfJsonContext.Default.EventMessage, ct);
    }

    /// <summary>GET /events as raw JSON objects (for --format templates).</summary>
    public IAsyncEnumerable<JsonObject> EventsJsonAsync(string? since = null, string? until = null, Filters? filters = null,
        CancellationToken ct = default)
    {
        var q = new QueryBuilder().AddNonEmpty("since", since).AddNonEmpty("until", until).Add("filters", filters?.ToJson());
        return StreamAsync(HttpMethod.Get, "/events" + q, null, WharfJsonContext.Default.JsonObject, ct);
    }
}
