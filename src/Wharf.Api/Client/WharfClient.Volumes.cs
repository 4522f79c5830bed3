using Wharf.Api.Json;
using Wharf.Api.Models;

namespace Wharf.Api.Client;

public sealed partial class WharfClient
{
    /// <summary>POST /volumes/create.</summary>
    public async Task<Volume> CreateVolumeAsync(VolumeCreateOptions options, CancellationToken ct = default)
    {
        using var res = await SendAsync(HttpMethod.Post, "/volumes/create", JsonBody(options, WharfJsonContext.Default.VolumeCreateOptions), ct: ct)
            .ConfigureAwait(false);
        return await ReadJsonAsync(res, WharfJsonContext.Default.Volume, ct).ConfigureAwait(false);
    }

    /// <summary>GET /volumes?filters=.</summary>
    public Task<VolumeListResponse> ListVolumesAsync(Filters? filters = null, CancellationToken ct = default) =>
        GetJsonAsync("/volumes" + new QueryBuilder().Add("filters", filters?.ToJson()), WharfJsonContext.Default.VolumeListResponse, ct);

    /// <summary>DELETE /volumes/{name}?force=.</summary>
    public async Task RemoveVolumeAsync(string name, bool force = false, CancellationToken ct = default)
    {
        using var _ = await SendAsync(HttpMethod.Delete, "/volumes/" + Esc(name) + new QueryBuilder().AddIf(force, "force", "1"), ct: ct)
            .ConfigureAwait(false);
    }

    /// <summary>POST /volumes/prune?filters=.</summary>
    public async Task<VolumePruneResponse> PruneVolumesAsync(Filters? filters = null, CancellationToken ct = default)
    {
        using var res = await SendAsync(HttpMethod.Post, "/volumes/prune" + new QueryBuilder().Add("filters", filters?.ToJson()), ct: ct)
            .ConfigureAwait(false);
        return await ReadJsonAsync(res, WharfJsonContext.Default.VolumePruneResponse, ct).ConfigureAwait(false);
    }
}
