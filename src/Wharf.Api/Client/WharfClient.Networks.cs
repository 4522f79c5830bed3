using Wharf.Api.Json;
using Wharf.Api.Models;

namespace Wharf.Api.Client;

public sealed partial class WharfClient
{
    /// <summary>GET /networks?filters=.</summary>
    public Task<List<NetworkResource>> ListNetworksAsync(Filters? filters = null, CancellationToken ct = default) =>
        GetJsonAsync("/networks" + new QueryBuilder().Add("filters", filters?.ToJson()), WharfJsonContext.Default.ListNetworkResource, ct);

    /// <summary>GET /networks/{id}.</summary>
    public Task<NetworkResource> InspectNetworkAsync(string id, CancellationToken ct = default) =>
        GetJsonAsync("/networks/" + Esc(id), WharfJsonContext.Default.NetworkResource, ct);

    /// <summary>POST /networks/create.</summary>
    public async Task<NetworkCreateResponse> CreateNetworkAsync(NetworkCreateRequest request, CancellationToken ct = default)
    {
        using var res = await SendAsync(HttpMethod.Post, "/networks/create",
            JsonBody(request, WharfJsonContext.Default.NetworkCreateRequest), ct: ct).ConfigureAwait(false);
        return await ReadJsonAsync(res, WharfJsonContext.Default.NetworkCreateResponse, ct).ConfigureAwait(false);
    }

    /// <summary>DELETE /networks/{id}.</summary>
    public async Task RemoveNetworkAsync(string id, CancellationToken ct = default)
    {
        using var _ = await SendAsync(HttpMethod.Delete, "/networks/" + Esc(id), ct: ct).ConfigureAwait(false);
    }

    /// <summary>POST /networks/prune?filters=.</summary>
    public async Task<NetworkPruneResponse> PruneNetworksAsync(Filters? filters = null, CancellationToken ct = default)
    {
        using var res = await SendAsync(HttpMethod.Post, "/networks/prune" + new QueryBuilder().Add("filters", filters?.ToJson()), ct: ct)
            .ConfigureAwait(false);
        return await ReadJsonAsync(res, WharfJsonContext.Default.NetworkPruneResponse, ct).ConfigureAwait(false);
    }

    /// <summary>POST /networks/{id}/connect.</summary>
    public async Task ConnectNetworkAsync(string network, NetworkConnectRequest request, CancellationToken ct = default)
    {
        using var _ = await SendAsync(HttpMethod.Post, "/networks/" + Esc(network) + "/connect",
            JsonBody(request, WharfJsonContext.Default.NetworkConnectRequest), ct: ct).ConfigureAwait(false);
    }

    /// <summary>POST /networks/{id}/disconnect.</summary>
    public async Task DisconnectNetworkAsync(string network, string container, bool force, CancellationToken ct = default)
    {
        using var _ = await SendAsync(HttpMethod.Post, "/networks/" + Esc(network) + "/disconnect",
            JsonBody(new NetworkDisconnectRequest { Container = container, Force = force }, WharfJsonContext.Default.NetworkDisconnectRequest),
            ct: ct).ConfigureAwait(false);
    }
}
