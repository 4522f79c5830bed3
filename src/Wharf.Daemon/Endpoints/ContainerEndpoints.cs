using System.Buffers.Binary;
using System.Text;
using Wharf.Api.Json;
using Wharf.Api.Models;
using Wharf.Daemon.Http;
using Wharf.Engine;
using Wharf.Engine.Logs;

namespace Wharf.Daemon.Endpoints;

/// <summary>The /containers routes: thin adapters over the engine's ContainerService.</summary>
public static class ContainerEndpoints
{
    public static void Map(ApiRouter r, WharfEngine engine)
    {
        var containers = engine.Containers;
        r.Get("/containers/json", ctx => ctx.JsonAsync(
            containers.List(ctx.QueryBool("all"), ctx.QueryInt("limit") ?? (ctx.QueryBool("latest") ? 1 : null), ctx.Filters(), ctx.QueryBool("size")),
            WharfJsonContext.Default.ListContainerSummary));
        r.Post("/containers/create", async ctx =>
        {
            var body = await ctx.ReadJsonAsync(WharfJsonContext.Default.ContainerCreateRequest);
            var created = await containers.CreateAsync(ctx.Query("name"), body, ctx.Aborted);
            await ctx.JsonAsync(created, WharfJsonContext.Default.ContainerCreateResponse, 201);
        });
        r.Get("/containers/{id}/json", ctx => ctx.JsonAsync(containers.Inspect(ctx.Route("id")), WharfJsonContext.Default.ContainerInspectResponse));
        r.Post("/containers/{id}/start", async ctx =>
        {
            if (!await containers.StartAsync(ctx.Route("id"), ctx.Aborted)) ctx.Response.StatusCode = 304;
            else ctx.Response.StatusCode = 204;
        });
        r.Post("/containers/{id}/stop", async ctx =>
        {
            var ok = await containers.StopAsync(ctx.Route("id"), ctx.QueryInt("t") ?? ctx.QueryInt("timeout"), ctx.Query("signal"), ctx.Aborted);
            ctx.Response.StatusCode = ok ? 204 : 304;
        });
        r.Post("/containers/{id}/restart", async ctx =>
        {
            await containers.RestartAsync(ctx.Route("id"), ctx.QueryInt("t"), ctx.Query("signal"), ctx.Aborted);
            ctx.Response.StatusCode = 204;
        });
        r.Post("/containers/{id}/kill", async ctx =>
        {
            await containers.KillAsync(ctx.Route("id"), ctx.Query("signal"), ctx.Aborted);
            ctx.Response.StatusCode = 204;
        });
        r.Post("/containers/{id}/wait", async ctx =>
        {
            var id = ctx.Route("id");
            containers.Get(id);
            // The docker CLI waits for these headers before it starts the container.
            await ctx.BeginStreamAsync();
            var code = await containers.WaitAsync(id, ctx.Query("condition"), ctx.Aborted);
            await ctx.StreamLineAsync(new ContainerWaitResponse { StatusCode = code }, WharfJsonContext.Default.ContainerWaitResponse);
        });
        r.Post("/containers/{id}/resize", async ctx =>
        {
            await containers.ResizeAsync(ctx.Route("id"), ctx.QueryInt("h") ?? 0, ctx.QueryInt("w") ?? 0, ctx.Aborted);
            ctx.Response.StatusCode = 200;
        });
        r.Post("/containers/{id}/pause", async ctx =>
        {
            await containers.SetPausedAsync(ctx.Route("id"), true, ctx.Aborted);
            ctx.Response.StatusCode = 204;
        });
        r.Post("/containers/{id}/unpause", async ctx =>
        {
            await containers.SetPausedAsync(ctx.Route("id"), false, ctx.Aborted);
            ctx.Response.StatusCode = 204;
        });
        r.Get("/containers/{id}/top", ctx => ctx.JsonAsync(containers.Top(ctx.Route("id"), ctx.Query("ps_args")), WharfJsonContext.Default.ContainerTopResponse));
        r.Post("/containers/{id}/rename", ctx =>
        {
            containers.Rename(ctx.Route("id"), ctx.Query("name") ?? "");
            return ctx.NoContentAsync();
        });
        r.Get("/containers/{id}/stats", async ctx =>
        {
            var stream = ctx.Query("stream") is not { Length: > 0 } st || ctx.QueryBool("stream");
            if (!stream)
            {
                await ctx.JsonAsync(await containers.StatsAsync(ctx.Route("id"), ctx.QueryBool("one-shot"), ctx.Aborted), WharfJsonContext.Default.ContainerStats);
                return;
            }
            var frames = containers.StatsStreamAsync(ctx.Route("id"), ctx.Aborted);
            await ctx.BeginStreamAsync();
            try
            {
                await foreach (var frame in frames) await ctx.StreamLineAsync(frame, WharfJsonContext.Default.ContainerStats);
            }
            catch (OperationCanceledException) { }
        });
        // {id*}: `docker rm --link /parent/alias` sends the link's name with its slashes.
        r.Delete("/containers/{id*}", async ctx =>
        {
            if (ctx.QueryBool("link")) await containers.RemoveLinkAsync(ctx.Route("id"));
            else await containers.RemoveAsync(ctx.Route("id"), ctx.QueryBool("force"), ctx.QueryBool("v"), ctx.Aborted);
            ctx.Response.StatusCode = 204;
        });
        r.Post("/containers/{id}/attach", async ctx =>
        {
            var c = containers.Get(ctx.Route("id"));
            var tty = c.Doc.Config?.Tty == true;
            var (stream, _) = await ctx.HijackAsync(tty ? "application/vnd.docker.raw-stream" : "application/vnd.docker.multiplexed-stream");
            await using (stream)
                await containers.AttachAsync(c.Id, stream, ctx.QueryBool("stdin"), ctx.QueryBool("stdout"), ctx.QueryBool("stderr"), ctx.Query("detachKeys"), ctx.Aborted);
        });
        r.Get("/containers/{id}/logs", async ctx =>
        {
            var c = containers.Get(ctx.Route("id"));
            bool stdout = ctx.QueryBool("stdout"), stderr = ctx.QueryBool("stderr"), timestamps = ctx.QueryBool("timestamps");
            if (!stdout && !stderr) throw new BadRequestException("Bad parameters: you must choose at least one stream");
            var options = new LogReadOptions { Follow = ctx.QueryBool("follow") };
            if (ctx.Query("tail") is { Length: > 0 } tail && tail != "all")
                options.Tail = int.TryParse(tail, out var n) ? n : throw new BadRequestException($"invalid value for tail: {tail}");
            if (EventEndpoints.ParseTime(ctx.Query("since"), "since") is { } since && since > 0) options.SinceNanos = since;
            if (EventEndpoints.ParseTime(ctx.Query("until"), "until") is { } until && until > 0) options.UntilNanos = until;
            var tty = c.Doc.Config?.Tty == true;
            var records = containers.LogsAsync(c.Id, options, ctx.Aborted);
            await ctx.BeginStreamAsync(tty ? "application/vnd.docker.raw-stream" : "application/vnd.docker.multiplexed-stream");
            var header = new byte[8];
            await foreach (var rec in records)
            {
                if (rec.Stream == LogStream.Stdout && !stdout || rec.Stream == LogStream.Stderr && !stderr) continue;
                var payload = timestamps
                    ? [.. Encoding.ASCII.GetBytes(rec.Time.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff") + "00Z "), .. rec.Bytes]
                    : rec.Bytes;
                if (!tty)
                {
                    header[0] = (byte)rec.Stream;
                    BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)payload.Length);
                    await ctx.Response.Body.WriteAsync(header, ctx.Aborted);
                }
                await ctx.Response.Body.WriteAsync(payload, ctx.Aborted);
                if (options.Follow) await ctx.Response.Body.FlushAsync(ctx.Aborted);
            }
        });
    }
}
