namespace Wharf.Compose.Model;

/// <summary>One service, normalised: paths absolute, durations and sizes parsed, list-or-map keys as maps.</summary>
public sealed class ServiceConfig
{
    public required string Name { get; init; }
    public string? Image { get; set; }
    public BuildConfig? Build { get; set; }
    public List<string>? Command { get; set; }
    public List<string>? Entrypoint { get; set; }
    /// <summary>Resolved environment (env_file first, then environment; a key without value from the project environment).</summary>
    public SortedDictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);
    public List<PortConfig> Ports { get; } = [];
    public List<string> Expose { get; } = [];
    public List<VolumeMount> Volumes { get; } = [];
    public List<string> VolumesFrom { get; } = [];
    /// <summary>The networks joined, by project key, in priority order; empty with a network_mode.</summary>
    public SortedDictionary<string, ServiceNetwork> Networks { get; } = new(StringComparer.Ordinal);
    public string? NetworkMode { get; set; }
    public List<(string Service, string Alias)> Links { get; } = [];
    public List<string> ExternalLinks { get; } = [];
    public SortedDictionary<string, Dependency> DependsOn { get; } = new(StringComparer.Ordinal);
    public HealthcheckConfig? Healthcheck { get; set; }
    public string? Restart { get; set; }
    public int Replicas { get; set; } = 1;
    public string? ContainerName { get; set; }
    public string? Hostname { get; set; }
    public string? Domainname { get; set; }
    public string? WorkingDir { get; set; }
    public string? User { get; set; }
    public SortedDictionary<string, string> Labels { get; } = new(StringComparer.Ordinal);
    public long MemLimit { get; set; }
    public long MemReservation { get; set; }
    public long MemswapLimit { get; set; }
    public long CpuShares { get; set; }
    public long NanoCpus { get; set; }
    public string? Cpuset { get; set; }
    public long? PidsLimit { get; set; }
    public long ShmSize { get; set; }
    public List<string> ExtraHosts { get; } = [];
    public List<string> Dns { get; } = [];
    public List<string> DnsSearch { get; } = [];
    public List<string> DnsOpt { get; } = [];
    public bool Privileged { get; set; }
    public List<string> CapAdd { get; } = [];
    public List<string> CapDrop { get; } = [];
    public List<string> SecurityOpt { get; } = [];
    public string? StopSignal { get; set; }
    /// <summary>Seconds; null for the engine's default.</summary>
    public int? StopGracePeriod { get; set; }
    public bool Tty { get; set; }
    public bool StdinOpen { get; set; }
    public bool? Init { get; set; }
    public bool ReadOnly { get; set; }
    public List<string> Tmpfs { get; } = [];
    public string? LogDriver { get; set; }
    public SortedDictionary<string, string> LogOptions { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, (long Soft, long Hard)> Ulimits { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, string> Sysctls { get; } = new(StringComparer.Ordinal);
    public List<string> Profiles { get; } = [];
    public string? Pid { get; set; }
    public string? Ipc { get; set; }
    public List<string> Devices { get; } = [];
    public string? Platform { get; set; }
    public string? PullPolicy { get; set; }
    public int OomScoreAdj { get; set; }
    public List<string> GroupAdd { get; } = [];
    public string? MacAddress { get; set; }
    public string? UsernsMode { get; set; }
    public string? Runtime { get; set; }
    public string? CgroupParent { get; set; }

    /// <summary>The image the service runs: image:, or the name a build gets (project-service).</summary>
    public string ImageName(string project) => Image ?? $"{project}-{Name}";

    /// <summary>The services this one needs started first: depends_on, links, volumes_from and network_mode service:.</summary>
    public IEnumerable<string> Dependencies()
    {
        var all = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var d in DependsOn.Keys) all.Add(d);
        foreach (var (s, _) in Links) all.Add(s);
        foreach (var v in VolumesFrom) if (!v.StartsWith("container:", StringComparison.Ordinal)) all.Add(v.Split(':')[0]);
        if (NetworkMode?.StartsWith("service:", StringComparison.Ordinal) == true) all.Add(NetworkMode[8..]);
        return all;
    }
}

public sealed class BuildConfig
{
    public required string Context { get; init; }
    public string Dockerfile { get; init; } = "Dockerfile";
    public string? DockerfileInline { get; init; }
    public SortedDictionary<string, string?> Args { get; } = new(StringComparer.Ordinal);
    public string? Target { get; init; }
    public SortedDictionary<string, string> Labels { get; } = new(StringComparer.Ordinal);
    public bool NoCache { get; init; }
    public bool Pull { get; init; }
    public List<string> Tags { get; } = [];
    public string? Network { get; init; }
}

public sealed record PortConfig(int Target, string? Published, string? HostIp, string Protocol);

/// <summary>A service volume: type volume (named or anonymous), bind (absolute source) or tmpfs.</summary>
public sealed record VolumeMount(string Type, string? Source, string Target, bool ReadOnly, bool NoCopy = false,
    bool CreateHostPath = true, long TmpfsSize = 0, int TmpfsMode = 0, string? Propagation = null);

public sealed class ServiceNetwork
{
    public List<string> Aliases { get; } = [];
    public string? Ipv4Address { get; init; }
    public string? Ipv6Address { get; init; }
    public int Priority { get; init; }
    public string? MacAddress { get; init; }
}

public sealed record Dependency(string Condition, bool Restart, bool Required);

public sealed class HealthcheckConfig
{
    public List<string>? Test { get; init; }
    public long Interval { get; init; }
    public long Timeout { get; init; }
    public long StartPeriod { get; init; }
    public long StartInterval { get; init; }
    public int Retries { get; init; }
    public bool Disable { get; init; }
}
