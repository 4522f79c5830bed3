using Wharf.Api.Json;
using Wharf.Api.Models;
using Wharf.Daemon.Http;
using Wharf.Engine;

namespace Wharf.Daemon.Endpoints;

/// <summary>The /volumes routes: thin adapters over the engine's VolumeService.</summary>
public static class VolumeEndpoints
{
    public static void Map(ApiRouter r, WharfEngine engine)
    {
        var volumes = engine.Volumes;
        r.Get("/volumes", ctx => ctx.JsonAsync(volumes.List(ctx.Filters()), WharfJsonContext.Default.VolumeListResponse));
        r.Get("/volumes/{name}", ctx => ctx.JsonAsync(volumes.Inspect(ctx.Route("name")), WharfJsonContext.Default.Volume));
        r.Post("/volumes/create", async ctx =>
        {
            var body = await ctx.ReadJsonAsync(WharfJsonContext.Default.VolumeCreateOptions);
            await ctx.JsonAsync(volumes.Create(body), WharfJsonContext.Default.Volume, 201);
        });
        r.Delete("/volumes/{name}", async ctx =>
        {
            volumes.Remove(ctx.Route("name"), ctx.QueryBool("force"));
            await ctx.NoContentAsync();
        });
        r.Post("/volumes/prune", ctx => ctx.JsonAsync(volumes.Prune(ctx.Filters()), WharfJsonContext.Default.VolumePruneResponse));
    }
}
