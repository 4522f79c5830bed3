using System.Text.Json;
using Wharf.Api.Json;
using Wharf.Api.Models;
using Wharf.Daemon.Http;
using Wharf.Engine;
using Wharf.Engine.Build;
using Wharf.Engine.Builder;
using Wharf.Engine.Distribution;

namespace Wharf.Daemon.Endpoints;

/// <summary>POST /build (the legacy builder's API: a tar context in, Docker's JSON stream out) and POST /build/prune.</summary>
public static class BuildEndpoints
{
    /// <summary>The build cache part of GET /system/df (swagger: BuildCache), one object per cached step.</summary>
    public static List<System.Text.Json.Nodes.JsonObject> CacheUsage(WharfEngine engine) =>
        engine.Builder.DiskUsage().Select(e => new System.Text.Json.Nodes.JsonObject
        {
            ["ID"] = e.Id,
            ["Parents"] = e.Parent is null ? null : new System.Text.Json.Nodes.JsonArray(e.Parent),
            ["Type"] = "regular",
            ["Description"] = e.Description,
            ["InUse"] = false,
            ["Shared"] = e.Shared,
            ["Size"] = e.Size,
            ["CreatedAt"] = e.CreatedAt,
            ["LastUsedAt"] = e.LastUsedAt,
        }).ToList();

    public static void Map(ApiRouter r, WharfEngine engine)
    {
        r.Post("/build", async ctx =>
        {
            var request = ParseRequest(ctx);
            var started = false;
            var progress = new BuildProgress(async (m, ct) =>
            {
                if (!started)
                {
                    started = true;
                    await ctx.BeginStreamAsync();
                }
                await ctx.ProgressAsync(m);
            }, request.Quiet);
            try
            {
                await engine.Builder.BuildAsync(ctx.Request.Body, request, progress, ctx.Aborted);
            }
            catch (Exception e) when (e is DockerfileParseException or ShellExpansionException)
            {
                if (!started) throw new BadRequestException(e.Message, e);
                await ErrorAsync(ctx, progress, e.Message, 1);
            }
            catch (WharfException e) when (started)
            {
                await ErrorAsync(ctx, progress, e.Message, e is BuildException b ? b.Code : 1);
            }
        });
        r.Post("/build/prune", async ctx =>
        {
            var filters = ctx.Filters();
            DateTimeOffset? until = null;
            foreach (var (key, values) in filters)
            {
                if (key is "until" && values.Count > 0) until = ParseUntil(values[0]);
                else throw new BadRequestException($"invalid filter '{key}'");
            }
            long keep = 0;
            if (ctx.Query("keep-storage") is { Length: > 0 } ks && !long.TryParse(ks, out keep))
                throw new BadRequestException($"invalid value for keep-storage: {ks}");
            var result = await engine.Builder.PruneAsync(ctx.QueryBool("all"), keep, until);
            await ctx.JsonAsync(new BuildCachePruneResponse { CachesDeleted = [.. result.Deleted], SpaceReclaimed = result.Reclaimed },
                WharfJsonContext.Default.BuildCachePruneResponse);
        });
    }

    private static async Task ErrorAsync(ApiContext ctx, BuildProgress progress, string message, int code)
    {
        await progress.FlushSuppressedAsync(ctx.Aborted);
        await ctx.ProgressAsync(new ProgressMessage { Error = message, ErrorDetail = new ErrorDetail { Code = code, Message = message } });
    }

    private static DateTimeOffset ParseUntil(string value)
    {
        if (long.TryParse(value, out var secs)) return DateTimeOffset.FromUnixTimeSeconds(secs);
        if (DateTimeOffset.TryParse(value, out var t)) return t;
        if (GoDuration.TryParse(value, out var d)) return DateTimeOffset.UtcNow - d;
        throw new BadRequestException($"invalid filter 'until={value}'");
    }

    /// <summary>Docker's /build query parameters.</summary>
    private static BuildRequest ParseRequest(ApiContext ctx)
    {
        if (ctx.Query("remote") is { Length: > 0 } remote)
            throw new BadRequestException($"remote build contexts are not supported ({remote}): send the context as a tar body");
        if (ctx.Query("version") == "2")
            throw new BadRequestException("BuildKit is not supported by this daemon: build with the legacy builder (DOCKER_BUILDKIT=0)");
        if (ctx.Query("platform") is { Length: > 0 } platform && !platform.StartsWith("linux", StringComparison.OrdinalIgnoreCase))
            throw new BadRequestException($"\"{platform}\": unsupported platform: this daemon builds linux images");
        return new BuildRequest
        {
            Tags = ctx.QueryAll("t"),
            Dockerfile = ctx.Query("dockerfile") is { Length: > 0 } df ? df : "Dockerfile",
            BuildArgs = JsonMap(ctx, "buildargs"),
            Labels = JsonMap(ctx, "labels").ToDictionary(kv => kv.Key, kv => kv.Value ?? ""),
            Target = ctx.Query("target"),
            NoCache = ctx.QueryBool("nocache"),
            Pull = ctx.Query("pull") is { Length: > 0 } p && p != "0" && p != "false",
            Remove = ctx.Query("rm") is not { Length: > 0 } || ctx.QueryBool("rm"),
            ForceRemove = ctx.QueryBool("forcerm"),
            Quiet = ctx.QueryBool("q"),
            NetworkMode = ctx.Query("networkmode"),
            Memory = Long(ctx, "memory"),
            MemorySwap = Long(ctx, "memswap"),
            CpuShares = Long(ctx, "cpushares"),
            CpuQuota = Long(ctx, "cpuquota"),
            CpuPeriod = Long(ctx, "cpuperiod"),
            CpusetCpus = ctx.Query("cpusetcpus"),
            ShmSize = Long(ctx, "shmsize"),
            ExtraHosts = ctx.QueryAll("extrahosts").SelectMany(h => h.Split(',', StringSplitOptions.RemoveEmptyEntries)).ToList(),
            CacheFrom = ctx.Query("cachefrom") is { Length: > 0 } cf ? JsonList(cf, "cachefrom") : [],
            RegistryAuth = RegistryCredentials.ConfigFromHeader(ctx.Request.Headers["X-Registry-Config"].ToString()),
        };
    }

    private static long Long(ApiContext ctx, string name)
    {
        var v = ctx.Query(name);
        if (string.IsNullOrEmpty(v)) return 0;
        return long.TryParse(v, out var n) ? n : throw new BadRequestException($"invalid value for {name}: {v}");
    }

    private static Dictionary<string, string?> JsonMap(ApiContext ctx, string name)
    {
        var v = ctx.Query(name);
        if (string.IsNullOrEmpty(v)) return [];
        try
        {
            var map = JsonSerializer.Deserialize(v, WharfJsonContext.Default.DictionaryStringString) ?? [];
            return map.ToDictionary(kv => kv.Key, kv => (string?)kv.Value);
        }
        catch (JsonException e)
        {
            throw new BadRequestException($"invalid {name}: {e.Message}", e);
        }
    }

    private static List<string> JsonList(string v, string name)
    {
        try
        {
            return JsonSerializer.Deserialize(v, WharfJsonContext.Default.ListString) ?? [];
        }
        catch (JsonException e)
        {
            throw new BadRequestException($"invalid {name}: {e.Message}", e);
        }
    }
}
