namespace Wharf.Engine.Builder;

/// <summary>What a build asks for: Docker's /build query parameters, as the engine needs them.</summary>
public sealed record BuildRequest
{
    /// <summary>`t`, repeatable: the names the final image gets.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The Dockerfile's path inside the context.</summary>
    public string Dockerfile { get; init; } = "Dockerfile";

    /// <summary>`buildargs`: a null value means "take it from the daemon's environment", as Docker does.</summary>
    public IReadOnlyDictionary<string, string?> BuildArgs { get; init; } = new Dictionary<string, string?>();

    /// <summary>`labels`: set on the final image.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public string? Target { get; init; }
    public bool NoCache { get; init; }
    public bool Pull { get; init; }

    /// <summary>`rm` (default true): remove intermediate containers, also after a failed step.</summary>
    public bool Remove { get; init; } = true;

    /// <summary>`forcerm`: always remove intermediate containers, whatever `rm` says.</summary>
    public bool ForceRemove { get; init; }

    /// <summary>`q`: only the image id, no step output.</summary>
    public bool Quiet { get; init; }

    /// <summary>`networkmode` for RUN: bridge (default), host, none, or a network's name.</summary>
    public string? NetworkMode { get; init; }

    public long Memory { get; init; }
    public long MemorySwap { get; init; }
    public long CpuShares { get; init; }
    public long CpuQuota { get; init; }
    public long CpuPeriod { get; init; }
    public string? CpusetCpus { get; init; }
    public long ShmSize { get; init; }
    public IReadOnlyList<string> ExtraHosts { get; init; } = [];

    /// <summary>X-Registry-Config: credentials per registry host for the base images the build pulls.</summary>
    public IReadOnlyDictionary<string, Distribution.RegistryCredentials> RegistryAuth { get; init; } =
        new Dictionary<string, Distribution.RegistryCredentials>();

    /// <summary>`cachefrom`: images whose build history may serve as cache.</summary>
    public IReadOnlyList<string> CacheFrom { get; init; } = [];
}
