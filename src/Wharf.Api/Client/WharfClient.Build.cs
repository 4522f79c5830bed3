using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Wharf.Api.Json;
using Wharf.Api.Models;

namespace Wharf.Api.Client;

/// <summary>The /build query parameters a client sets (Docker's names in comments where they differ).</summary>
public sealed class BuildParameters
{
    public List<string> Tags { get; init; } = [];            // t
    public string? Dockerfile { get; init; }
    public Dictionary<string, string> BuildArgs { get; init; } = [];
    public Dictionary<string, string> Labels { get; init; } = [];
    public string? Target { get; init; }
    public bool NoCache { get; init; }
    public bool Pull { get; init; }
    public bool Remove { get; init; } = true;                // rm
    public bool ForceRemove { get; init; }                    // forcerm
    public bool Quiet { get; init; }                          // q
    public string? NetworkMode { get; init; }
    public long Memory { get; init; }
    public long MemorySwap { get; init; }                     // memswap
    public long CpuShares { get; init; }
    public long CpuPeriod { get; init; }
    public long CpuQuota { get; init; }
    public string? CpusetCpus { get; init; }
    public long ShmSize { get; init; }
    public List<string> ExtraHosts { get; init; } = [];
    public List<string> CacheFrom { get; init; } = [];

    /// <summary>X-Registry-Config: credentials per registry for the base images the build pulls.</summary>
    public Dictionary<string, AuthConfig> RegistryConfig { get; init; } = [];
}

public sealed partial class WharfClient
{
    /// <summary>POST /build: <paramref name="writeContext"/> streams the context tar as the body; the daemon's JSON lines.</summary>
    public IAsyncEnumerable<ProgressMessage> BuildAsync(Func<Stream, CancellationToken, Task> writeContext, BuildParameters p, CancellationToken ct = default)
    {
        var q = new QueryBuilder();
        foreach (var t in p.Tags) q.Add("t", t);
        q.AddNonEmpty("dockerfile", p.Dockerfile).AddNonEmpty("target", p.Target)
            .AddIf(p.NoCache, "nocache", "1").AddIf(p.Pull, "pull", "1").Add("rm", p.Remove ? "1" : "0")
            .AddIf(p.ForceRemove, "forcerm", "1").AddIf(p.Quiet, "q", "1").AddNonEmpty("networkmode", p.NetworkMode)
            .AddIf(p.Memory != 0, "memory", p.Memory.ToString()).AddIf(p.MemorySwap != 0, "memswap", p.MemorySwap.ToString())
            .AddIf(p.CpuShares != 0, "cpushares", p.CpuShares.ToString()).AddIf(p.CpuPeriod != 0, "cpuperiod", p.CpuPeriod.ToString())
            .AddIf(p.CpuQuota != 0, "cpuquota", p.CpuQuota.ToString()).AddNonEmpty("cpusetcpus", p.CpusetCpus)
            .AddIf(p.ShmSize != 0, "shmsize", p.ShmSize.ToString());
        foreach (var h in p.ExtraHosts) q.Add("extrahosts", h);
        if (p.BuildArgs.Count > 0) q.Add("buildargs", JsonSerializer.Serialize(p.BuildArgs, WharfJsonContext.Default.DictionaryStringString));
        if (p.Labels.Count > 0) q.Add("labels", JsonSerializer.Serialize(p.Labels, WharfJsonContext.Default.DictionaryStringString));
        if (p.CacheFrom.Count > 0) q.Add("cachefrom", JsonSerializer.Serialize(p.CacheFrom, WharfJsonContext.Default.ListString));
        KeyValuePair<string, string>[]? headers = p.RegistryConfig.Count == 0 ? null
            : [new("X-Registry-Config", Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(p.RegistryConfig,
                WharfJsonContext.Default.DictionaryStringAuthConfig)).Replace('+', '-').Replace('/', '_'))];
        return StreamAsync(HttpMethod.Post, "/build" + q, new WriterContent(writeContext), WharfJsonContext.Default.ProgressMessage, ct, headers);
    }

    /// <summary>POST /build/prune.</summary>
    public async Task<BuildCachePruneResponse> PruneBuildCacheAsync(bool all, long keepStorage, Filters? filters, CancellationToken ct = default)
    {
        var q = new QueryBuilder().AddIf(all, "all", "1").AddIf(keepStorage > 0, "keep-storage", keepStorage.ToString())
            .AddNonEmpty("filters", filters?.ToJson());
        using var res = await SendAsync(HttpMethod.Post, "/build/prune" + q, ct: ct).ConfigureAwait(false);
        return await ReadJsonAsync(res, WharfJsonContext.Default.BuildCachePruneResponse, ct).ConfigureAwait(false);
    }

    /// <summary>A request body produced while it is sent (chunked), so a large context is never held in memory.</summary>
    private sealed class WriterContent : HttpContent
    {
        private readonly Func<Stream, CancellationToken, Task> _write;

        public WriterContent(Func<Stream, CancellationToken, Task> write)
        {
            _write = write;
            Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => _write(stream, CancellationToken.None);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken ct) => _write(stream, ct);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
