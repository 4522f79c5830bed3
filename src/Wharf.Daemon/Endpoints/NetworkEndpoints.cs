using Wharf.Api.Json;
using Wharf.Daemon.Http;
using Wharf.Engine;

namespace Wharf.Daemon.Endpoints;

/// <summary>The /networks routes: thin adapters over the engine's NetworkService.</summary>
public static class NetworkEndpoints
{
    public static void Map(ApiRouter r, WharfEngine engine)
    {
        var networks = engine.Networks;
        r.Get("/networks", ctx => ctx.JsonAsync(networks.List(ctx.Filters()), WharfJsonContext.Default.ListNetworkResource));
        r.Get("/networks/{id}", ctx => ctx.JsonAsync(networks.Inspect(ctx.Route("id")), WharfJsonContext.Default.NetworkResource));
        r.Post("/networks/create", async ctx =>
        {
            var body = await ctx.ReadJsonAsync(WharfJsonContext.Default.NetworkCreateRequest);
            await ctx.JsonAsync(await networks.CreateAsync(body, ctx.Aborted), WharfJsonContext.Default.NetworkCreateResponse, 201);
        });
        r.Delete("/networks/{id}", async ctx =>
        {
            await networks.RemoveAsync(ctx.Route("id"), ctx.Aborted);
            await ctx.NoContentAsync();
        });
        r.Post("/networks/prune", async ctx =>
            await ctx.JsonAsync(await networks.PruneAsync(ctx.Filters(), ctx.Aborted), WharfJsonContext.Default.NetworkPruneResponse));
        r.Post("/networks/{id}/connect", async ctx =>
        {
            var body = await ctx.ReadJsonAsync(WharfJsonContext.Default.NetworkConnectRequest);
            if (string.IsNullOrEmpty(body.Container)) throw new BadRequestException("container is required");
            await engine.Containers.ConnectNetworkAsync(ctx.Route("id"), body.Container, body.EndpointConfig, ctx.Aborted);
            ctx.Response.StatusCode = 200;
        });
        r.Post("/networks/{id}/disconnect", async ctx =>
        {
            var body = await ctx.ReadJsonAsync(WharfJsonContext.Default.NetworkDisconnectRequest);
            if (string.IsNullOrEmpty(body.Container)) throw new BadRequestException("container is required");
            await engine.Containers.DisconnectNetworkAsync(ctx.Route("id"), body.Container, body.Force, ctx.Aborted);
            ctx.Response.StatusCode = 200;
        });
    }
}
