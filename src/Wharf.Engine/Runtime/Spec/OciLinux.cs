using System.Text.Json.Serialization;

namespace Wharf.Engine.Runtime.Spec;

/// <summary>The Linux-specific part of the spec.</summary>
public sealed class OciLinux
{
    public List<OciLinuxDevice>? Devices { get; set; }
    public string? CgroupsPath { get; set; }
    public OciResources? Resources { get; set; }
    public List<OciNamespace> Namespaces { get; set; } = [];
    public Dictionary<string, string>? Sysctl { get; set; }
    public OciSeccomp? Seccomp { get; set; }
    public string? RootfsPropagation { get; set; }
    public List<string>? MaskedPaths { get; set; }
    public List<string>? ReadonlyPaths { get; set; }
    public string? MountLabel { get; set; }
}

/// <summary>A namespace to create (no path) or join (path).</summary>
public sealed class OciNamespace
{
    /// <summary>pid, network, mount, ipc, uts, user or cgroup.</summary>
    public string Type { get; set; } = "";
    public string? Path { get; set; }

    public override string ToString() => Path is null ? Type : $"{Type}={Path}";
}

/// <summary>A device node the runtime creates in the container.</summary>
public sealed class OciLinuxDevice
{
    public string Path { get; set; } = "";
    /// <summary>c, b, u or p.</summary>
    public string Type { get; set; } = "";
    public long Major { get; set; }
    public long Minor { get; set; }
    public uint? FileMode { get; set; }
    public uint? Uid { get; set; }
    public uint? Gid { get; set; }
}

/// <summary>Cgroup resource settings.</summary>
public sealed class OciResources
{
    public List<OciDeviceCgroup>? Devices { get; set; }
    public OciMemory? Memory { get; set; }
    public OciCpu? Cpu { get; set; }
    public OciPids? Pids { get; set; }
    [JsonPropertyName("blockIO")]
    public OciBlockIo? BlockIo { get; set; }
}

/// <summary>A device cgroup rule; a null Type/Major/Minor means "all".</summary>
public sealed class OciDeviceCgroup
{
    public bool Allow { get; set; }
    public string? Type { get; set; }
    public long? Major { get; set; }
    public long? Minor { get; set; }
    public string? Access { get; set; }

    public override string ToString() =>
        $"{(Allow ? "allow" : "deny")} {Type ?? "a"} {(Major?.ToString() ?? "*")}:{(Minor?.ToString() ?? "*")} {Access}";
}

/// <summary>Memory limits in bytes; Swap is memory plus swap, -1 unlimited.</summary>
public sealed class OciMemory
{
    public long? Limit { get; set; }
    public long? Reservation { get; set; }
    public long? Swap { get; set; }
    public ulong? Swappiness { get; set; }
    [JsonPropertyName("disableOOMKiller")]
    public bool? DisableOomKiller { get; set; }
}

/// <summary>CPU shares, CFS quota/period (µs) and cpusets.</summary>
public sealed class OciCpu
{
    public ulong? Shares { get; set; }
    public long? Quota { get; set; }
    public ulong? Period { get; set; }
    public long? RealtimeRuntime { get; set; }
    public ulong? RealtimePeriod { get; set; }
    public string? Cpus { get; set; }
    public string? Mems { get; set; }
}

/// <summary>The pids limit; -1 unlimited.</summary>
public sealed class OciPids
{
    public long Limit { get; set; }
}

/// <summary>Block I/O weight and throttles.</summary>
public sealed class OciBlockIo
{
    public ushort? Weight { get; set; }
    public List<OciWeightDevice>? WeightDevice { get; set; }
    public List<OciThrottleDevice>? ThrottleReadBpsDevice { get; set; }
    public List<OciThrottleDevice>? ThrottleWriteBpsDevice { get; set; }
    [JsonPropertyName("throttleReadIOPSDevice")]
    public List<OciThrottleDevice>? ThrottleReadIopsDevice { get; set; }
    [JsonPropertyName("throttleWriteIOPSDevice")]
    public List<OciThrottleDevice>? ThrottleWriteIopsDevice { get; set; }
}

/// <summary>A per-device weight.</summary>
public sealed class OciWeightDevice
{
    public long Major { get; set; }
    public long Minor { get; set; }
    public ushort? Weight { get; set; }
}

/// <summary>A per-device rate limit.</summary>
public sealed class OciThrottleDevice
{
    public long Major { get; set; }
    public long Minor { get; set; }
    public ulong Rate { get; set; }
}
