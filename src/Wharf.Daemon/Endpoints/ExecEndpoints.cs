using System.Text.Json;
using Wharf.Api.Json;
using Wharf.Api.Models;
using Wharf.Daemon.Http;
using Wharf.Engine;

namespace Wharf.Daemon.Endpoints;

/// <summary>The exec routes: create, start (hijacked or detached), resize, inspect.</summary>
public static class ExecEndpoints
{
    public static void Map(ApiRouter r, WharfEngine engine)
    {
        var containers = engine.Containers;
        r.Post("/containers/{id}/exec", async ctx =>
        {
            var body = await ctx.ReadJsonAsync(WharfJsonContext.Default.ExecConfig);
            var created = containers.CreateExec(ctx.Route("id"), body);
            await ctx.JsonAsync(created, WharfJsonContext.Default.ExecCreateResponse, 201);
        });
        r.Post("/exec/{id}/start", async ctx =>
        {
            var exec = containers.GetExec(ctx.Route("id"));
            var upgrade = ctx.Http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpUpgradeFeature>();
            if (upgrade is null || !upgrade.IsUpgradableRequest)
            {
                var config = await ctx.ReadJsonAsync(WharfJsonContext.Default.ExecStartConfig);
                if (!config.Detach)
                    throw new BadRequestException("this endpoint needs a hijackable connection unless Detach is set: send 'Connection: Upgrade' and 'Upgrade: tcp'");
                await containers.StartExecAsync(exec.Id, config, null, ctx.Aborted);
                ctx.Response.StatusCode = 200;
                return;
            }
            var tty = exec.Config.Tty;
            var (stream, bodyBytes) = await ctx.HijackAsync(tty ? "application/vnd.docker.raw-stream" : "application/vnd.docker.multiplexed-stream");
            await using (stream)
            {
                var start = new ExecStartConfig();
                if (bodyBytes.Length > 0)
                {
                    try { start = JsonSerializer.Deserialize(bodyBytes, WharfJsonContext.Default.ExecStartConfig) ?? start; }
                    catch (JsonException) { }
                }
                try
                {
                    await containers.StartExecAsync(exec.Id, start, start.Detach ? null : stream, ctx.Aborted);
                }
                catch (WharfException e)
                {
                    // Headers are gone: the error travels on the stream, as Docker does.
                    var text = System.Text.Encoding.UTF8.GetBytes(e.Message + "\r\n");
                    try { await stream.WriteAsync(text); } catch (IOException) { }
                }
            }
        });
        r.Post("/exec/{id}/resize", async ctx =>
        {
            await containers.ResizeExecAsync(ctx.Route("id"), ctx.QueryInt("h") ?? 0, ctx.QueryInt("w") ?? 0, ctx.Aborted);
            ctx.Response.StatusCode = 200;
        });
        r.Get("/exec/{id}/json", ctx => ctx.JsonAsync(containers.InspectExec(ctx.Route("id")), WharfJsonContext.Default.ExecInspectResponse));
    }
}
