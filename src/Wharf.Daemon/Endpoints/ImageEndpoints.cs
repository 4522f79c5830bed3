using Wharf.Api.Json;
using Wharf.Api.Models;
using Wharf.Daemon.Http;
using Wharf.Engine;

namespace Wharf.Daemon.Endpoints;

/// <summary>The /images routes: thin adapters over the engine's ImageService.</summary>
public static class ImageEndpoints
{
    public static void Map(ApiRouter r, WharfEngine engine)
    {
        var images = engine.Images;
        r.Get("/images/json", ctx =>
        {
            var filters = ctx.Filters();
            // Old clients pass ?filter=name for reference matching.
            if (ctx.Query("filter") is { Length: > 0 } f) filters["reference"] = [f];
            return ctx.JsonAsync(images.List(ctx.QueryBool("all"), filters), WharfJsonContext.Default.ListImageSummary);
        });
        r.Post("/images/create", async ctx =>
        {
            var fromSrc = ctx.Query("fromSrc");
            if (fromSrc is null)
            {
                await DistributionEndpoints.PullAsync(ctx, engine);
                return;
            }
            if (fromSrc != "-") throw new BadRequestException("importing from a URL is not supported; stream the archive with fromSrc=-");
            var changes = ctx.QueryAll("changes");
            var id = await images.ImportAsync(ctx.Request.Body, ctx.Query("repo"), ctx.Query("tag"), ctx.Query("message"),
                changes, ctx.Query("platform"), "-", ctx.Aborted);
            await ctx.BeginStreamAsync();
            await ctx.ProgressAsync(new ProgressMessage { Status = id });
        });
        r.Post("/images/load", async ctx =>
        {
            var lines = await images.LoadAsync(ctx.Request.Body, ctx.Aborted);
            await ctx.BeginStreamAsync();
            foreach (var line in lines) await ctx.ProgressAsync(new ProgressMessage { Stream = line + "\n" });
        });
        r.Get("/images/get", async ctx =>
        {
            var plan = images.PlanSave(ctx.QueryAll("names"));
            await ctx.BeginStreamAsync("application/x-tar");
            await images.SaveAsync(plan, ctx.Response.Body, ctx.Aborted);
        });
        r.Get("/images/{name*}/get", async ctx =>
        {
            var plan = images.PlanSave([ctx.Route("name")]);
            await ctx.BeginStreamAsync("application/x-tar");
            await images.SaveAsync(plan, ctx.Response.Body, ctx.Aborted);
        });
        r.Post("/images/prune", async ctx =>
            await ctx.JsonAsync(await images.PruneAsync(ctx.Filters()), WharfJsonContext.Default.ImagePruneResponse));
        r.Get("/images/{name*}/json", ctx => ctx.JsonAsync(images.Inspect(ctx.Route("name")), WharfJsonContext.Default.ImageInspect));
        r.Get("/images/{name*}/history", ctx => ctx.JsonAsync(images.History(ctx.Route("name")), WharfJsonContext.Default.ListImageHistoryItem));
        r.Post("/images/{name*}/tag", async ctx =>
        {
            await images.TagAsync(ctx.Route("name"), ctx.Query("repo") ?? "", ctx.Query("tag"));
            ctx.Response.StatusCode = 201;
        });
        r.Delete("/images/{name*}", async ctx =>
            await ctx.JsonAsync(await images.DeleteAsync(ctx.Route("name"), ctx.QueryBool("force"), ctx.QueryBool("noprune")),
                WharfJsonContext.Default.ListImageDeleteItem));
    }
}
