using Wharf.Api.Json;
using Wharf.Api.Models;
using Wharf.Daemon.Http;
using Wharf.Engine;
using Wharf.Engine.Distribution;

namespace Wharf.Daemon.Endpoints;

/// <summary>Registry traffic: pull (/images/create?fromImage), push (/images/{name}/push) and login (/auth).</summary>
public static class DistributionEndpoints
{
    public static void Map(ApiRouter r, WharfEngine engine)
    {
        var images = engine.Images;
        r.Post("/images/{name*}/push", async ctx =>
        {
            var plan = images.PlanPush(ctx.Route("name"), ctx.Query("tag"));
            await images.PushAsync(plan, Credentials(ctx), Progress(ctx), ctx.Aborted);
        });
        r.Post("/auth", async ctx =>
        {
            using var body = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(body, ctx.Aborted);
            var credentials = RegistryCredentials.FromJson(body.ToArray(), "login request");
            await new RegistryLogin(images.Registries).LoginAsync(credentials, ctx.Aborted);
            await ctx.JsonAsync(new AuthResponse { Status = "Login Succeeded" }, WharfJsonContext.Default.AuthResponse);
        });
    }

    /// <summary>POST /images/create?fromImage=&amp;tag=&amp;platform=: errors before the first progress line keep their HTTP status.</summary>
    public static async Task PullAsync(ApiContext ctx, WharfEngine engine)
    {
        var from = ctx.Query("fromImage");
        if (string.IsNullOrEmpty(from)) throw new BadRequestException("fromImage or fromSrc is required");
        await engine.Images.PullAsync(from, ctx.Query("tag"), ctx.Query("platform"), Credentials(ctx), Progress(ctx), ctx.Aborted);
    }

    private static RegistryCredentials Credentials(ApiContext ctx) =>
        RegistryCredentials.FromHeader(ctx.Request.Headers["X-Registry-Auth"].ToString());

    // The stream begins with the first message, so a failure before it (no such image, no access) is a plain HTTP error.
    private static ProgressSink Progress(ApiContext ctx)
    {
        bool started = false;
        return new ProgressSink(async (m, _) =>
        {
            if (!started)
            {
                started = true;
                await ctx.BeginStreamAsync();
            }
            await ctx.ProgressAsync(m);
        });
    }
}
