using System.Text.Json.Serialization;

namespace Wharf.Api.Models;

/// <summary>
/// A container's host-side configuration (swagger: HostConfig, which includes Resources).
/// Properties are in the order Docker writes them in `inspect`; values Docker fills at create
/// time (LogConfig, RestartPolicy, ShmSize ...) are filled by the engine, not here, except where
/// Docker's own zero value is the default shown in inspect.
/// </summary>
public sealed class HostConfig
{
    public List<string>? Binds { get; set; }
    public string? ContainerIDFile { get; set; } = "";
    public LogConfig? LogConfig { get; set; } = new();
    public string? NetworkMode { get; set; } = "";
    public Dictionary<string, List<PortBinding>?>? PortBindings { get; set; }
    public RestartPolicy? RestartPolicy { get; set; } = new();
    [JsonConverter(typeof(LenientBoolConverter))]
    public bool AutoRemove { get; set; }
    public string? VolumeDriver { get; set; } = "";
    public List<string>? VolumesFrom { get; set; }
    /// <summary>Initial console size, [height, width]; Docker shows [0, 0] when unset.</summary>
    public List<int>? ConsoleSize { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? Annotations { get; set; }
    public List<string>? CapAdd { get; set; }
    public List<string>? CapDrop { get; set; }
    public string? CgroupnsMode { get; set; } = "";
    public List<string>? Dns { get; set; }
    public List<string>? DnsOptions { get; set; }
    public List<string>? DnsSearch { get; set; }
    public List<string>? ExtraHosts { get; set; }
    public List<string>? GroupAdd { get; set; }
    public string? IpcMode { get; set; } = "";
    public string? Cgroup { get; set; } = "";
    public List<string>? Links { get; set; }
    [JsonConverter(typeof(LenientInt32Converter))]
    public int OomScoreAdj { get; set; }
    public string? PidMode { get; set; } = "";
    [JsonConverter(typeof(LenientBoolConverter))]
    public bool Privileged { get; set; }
    [JsonConverter(typeof(LenientBoolConverter))]
    public bool PublishAllPorts { get; set; }
    [JsonConverter(typeof(LenientBoolConverter))]
    public bool ReadonlyRootfs { get; set; }
    public List<string>? SecurityOpt { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? StorageOpt { get; set; }
    /// <summary>tmpfs mounts: container path → mount options ("size=64m,mode=1777").</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? Tmpfs { get; set; }
    public string? UTSMode { get; set; } = "";
    public string? UsernsMode { get; set; } = "";
    /// <summary>Size of /dev/shm in bytes; 0 means the daemon default (64 MiB).</summary>
    [JsonConverter(typeof(LenientInt64Converter))]
    public long ShmSize { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? Sysctls { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Runtime { get; set; }
    public string? Isolation { get; set; } = "";

    // Resources (swagger: Resources, embedded in HostConfig).
    [JsonConverter(typeof(LenientInt64Converter))]
    public long CpuShares { get; set; }
    [JsonConverter(typeof(LenientInt64Converter))]
    public long Memory { get; set; }
    [JsonConverter(typeof(LenientInt64Converter))]
    public long NanoCpus { get; set; }
    public string? CgroupParent { get; set; } = "";
    [JsonConverter(typeof(LenientInt32Converter))]
    public int BlkioWeight { get; set; }
    public List<WeightDevice>? BlkioWeightDevice { get; set; }
    public List<ThrottleDevice>? BlkioDeviceReadBps { get; set; }
    public List<ThrottleDevice>? BlkioDeviceWriteBps { get; set; }
    public List<ThrottleDevice>? BlkioDeviceReadIOps { get; set; }
    public List<ThrottleDevice>? BlkioDeviceWriteIOps { get; set; }
    [JsonConverter(typeof(LenientInt64Converter))]
    public long CpuPeriod { get; set; }
    [JsonConverter(typeof(LenientInt64Converter))]
    public long CpuQuota { get; set; }
    [JsonConverter(typeof(LenientInt64Converter))]
    public long CpuRealtimePeriod { get; set; }
    [JsonConverter(typeof(LenientInt64Converter))]
    public long CpuRealtimeRuntime { get; set; }
    public string? CpusetCpus { get; set; } = "";
    public string? CpusetMems { get; set; } = "";
    public List<DeviceMapping>? Devices { get; set; }
    public List<string>? DeviceCgroupRules { get; set; }
    public List<DeviceRequest>? DeviceRequests { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    [JsonConverter(typeof(LenientInt64Converter))]
    public long KernelMemoryTCP { get; set; }
    [JsonConverter(typeof(LenientInt64Converter))]
    public long MemoryReservation { get; set; }
    /// <summary>Memory plus swap; -1 unlimited swap, 0 unset (the engine makes it twice Memory).</summary>
    [JsonConverter(typeof(LenientInt64Converter))]
    public long MemorySwap { get; set; }
    /// <summary>0-100; null (or -1) leaves the kernel default.</summary>
    public long? MemorySwappiness { get; set; }
    public bool? OomKillDisable { get; set; }
    /// <summary>null: unchanged; 0 or -1: unlimited.</summary>
    public long? PidsLimit { get; set; }
    public List<Ulimit>? Ulimits { get; set; }
    [JsonConverter(typeof(LenientInt64Converter))]
    public long CpuCount { get; set; }
    [JsonConverter(typeof(LenientInt64Converter))]
    public long CpuPercent { get; set; }
    [JsonConverter(typeof(LenientInt64Converter))]
    public long IOMaximumIOps { get; set; }
    [JsonConverter(typeof(LenientInt64Converter))]
    public long IOMaximumBandwidth { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<Mount>? Mounts { get; set; }
    /// <summary>Overrides the default masked paths when not null (`--security-opt systempaths=unconfined` sends []).</summary>
    public List<string>? MaskedPaths { get; set; }
    /// <summary>Overrides the default read-only paths when not null.</summary>
    public List<string>? ReadonlyPaths { get; set; }
    /// <summary>Run an init (tini) as PID 1; null means the daemon default.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Init { get; set; }
}
