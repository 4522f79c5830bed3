using System.Text.Json;
using System.Text.Json.Nodes;
using Wharf.Api.Json;
using Wharf.Api.Models;
using Wharf.Daemon.Http;
using Wharf.Engine;
using Wharf.Engine.Containers;
using Wharf.Engine.Containers.Filesystem;

namespace Wharf.Daemon.Endpoints;

/// <summary>
/// A container's files and settings after create: archive (docker cp), changes (diff), export, commit,
/// update and prune. Thin adapters over ContainerService.
/// </summary>
public static class ContainerFilesystemEndpoints
{
    public static void Map(ApiRouter r, WharfEngine engine)
    {
        var containers = engine.Containers;
        // Registered before GET so HEAD gets the stat alone, not a tar to throw away.
        r.Head("/containers/{id}/archive", async ctx =>
        {
            var stat = await containers.StatPathAsync(ctx.Route("id"), ctx.Query("path") ?? "", ctx.Aborted);
            ctx.Response.Headers[PathStatHeader.Name] = PathStatHeader.Encode(stat);
            ctx.Response.StatusCode = 200;
        });
        r.Get("/containers/{id}/archive", async ctx =>
        {
            await using var archive = await containers.ArchivePathAsync(ctx.Route("id"), ctx.Query("path") ?? "", ctx.Aborted);
            ctx.Response.Headers[PathStatHeader.Name] = PathStatHeader.Encode(archive.Stat!);
            await StreamTarAsync(ctx, archive);
        });
        r.Put("/containers/{id}/archive", async ctx =>
        {
            // Docker reads a missing noOverwriteDirNonDir as false.
            await containers.ExtractToDirAsync(ctx.Route("id"), ctx.Query("path") ?? "", ctx.QueryBool("noOverwriteDirNonDir"),
                ctx.QueryBool("copyUIDGID"), ctx.Request.Body, ctx.Aborted);
            ctx.Response.StatusCode = 200;
        });
        r.Get("/containers/{id}/changes", ctx =>
            ctx.JsonAsync(containers.Changes(ctx.Route("id")), WharfJsonContext.Default.ListFilesystemChange));
        r.Get("/containers/{id}/export", async ctx =>
        {
            await using var archive = await containers.ExportAsync(ctx.Route("id"), ctx.Aborted);
            await StreamTarAsync(ctx, archive);
        });
        r.Post("/commit", async ctx =>
        {
            var config = await ReadCommitConfigAsync(ctx);
            var id = await containers.CommitAsync(ctx.Query("container") ?? "", new CommitOptions(
                ctx.Query("repo"), ctx.Query("tag"), ctx.Query("comment"), ctx.Query("author"),
                ctx.Query("pause") is not { Length: > 0 } || ctx.QueryBool("pause"), ctx.QueryAll("changes"), config), ctx.Aborted);
            await ctx.JsonAsync(new IdResponse { Id = id }, WharfJsonContext.Default.IdResponse, 201);
        });
        r.Post("/containers/{id}/update", async ctx =>
        {
            var (resources, policy) = await ReadUpdateAsync(ctx);
            var response = await containers.UpdateAsync(ctx.Route("id"), resources, policy, ctx.Aborted);
            await ctx.JsonAsync(response, WharfJsonContext.Default.ContainerUpdateResponse);
        });
        r.Post("/containers/prune", async ctx =>
            await ctx.JsonAsync(await containers.PruneAsync(ctx.Filters(), ctx.Aborted), WharfJsonContext.Default.ContainerPruneResponse));
    }

    /// <summary>Streams a tar as it is written; a failure after the headers went out can only end the stream early.</summary>
    private static async Task StreamTarAsync(ApiContext ctx, PathArchive archive)
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/x-tar";
        await ctx.Response.StartAsync(ctx.Aborted);
        await archive.WriteAsync(ctx.Response.Body, ctx.Aborted);
    }

    /// <summary>The optional ContainerConfig body of POST /commit: empty, null or {} mean the container's own config.</summary>
    private static async Task<ContainerConfig?> ReadCommitConfigAsync(ApiContext ctx)
    {
        var node = await ReadJsonNodeAsync(ctx);
        if (node is not JsonObject o || o.Count == 0) return null;
        return Deserialize(o, WharfJsonContext.Default.ContainerConfig);
    }

    /// <summary>
    /// The body of POST /containers/{id}/update: Resources and RestartPolicy (a HostConfig subset). The
    /// policy is null when the body has none or its Name is empty (the docker CLI always sends one).
    /// </summary>
    private static async Task<(HostConfig, RestartPolicy?)> ReadUpdateAsync(ApiContext ctx)
    {
        var node = await ReadJsonNodeAsync(ctx);
        if (node is null) return (new HostConfig(), null);
        if (node is not JsonObject o) throw new BadRequestException("invalid JSON body: the update must be a JSON object");
        var resources = Deserialize(o, WharfJsonContext.Default.HostConfig);
        var given = o.FirstOrDefault(p => string.Equals(p.Key, "RestartPolicy", StringComparison.OrdinalIgnoreCase)).Value;
        var policy = given is JsonObject && resources.RestartPolicy is { Name: { Length: > 0 } } p ? p : null;
        return (resources, policy);
    }

    private static async Task<JsonNode?> ReadJsonNodeAsync(ApiContext ctx)
    {
        try
        {
            using var buffer = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(buffer, ctx.Aborted);
            if (buffer.Length == 0) return null;
            buffer.Position = 0;
            return await JsonSerializer.DeserializeAsync(buffer, WharfJsonContext.Default.JsonNode, ctx.Aborted);
        }
        catch (JsonException e)
        {
            throw new BadRequestException($"invalid JSON body: {e.Message}", e);
        }
    }

    private static T Deserialize<T>(JsonObject o, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) where T : new()
    {
        try
        {
            return o.Deserialize(type) ?? new T();
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new BadRequestException($"invalid JSON body: {e.Message}", e);
        }
    }
}
