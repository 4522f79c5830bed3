namespace Wharf.Engine.Runtime;

/// <summary>What the host (and wharfd's own process) allows a container; faked in tests.</summary>
public interface IHostLimits
{
    /// <summary>CPUs wharfd may run on (Docker's runtime.NumCPU: the affinity mask).</summary>
    int CpuCount { get; }

    /// <summary>wharfd's own soft and hard limit for an RLIMIT_* resource (ulong.MaxValue = unlimited).</summary>
    (ulong Soft, ulong Hard) GetRlimit(string name);

    /// <summary>True when wharfd holds CAP_SYS_RESOURCE and so may raise hard limits.</summary>
    bool CanRaiseHardLimits { get; }

    /// <summary>Capabilities wharfd can pass on (its bounding set), with the CAP_ prefix.</summary>
    IReadOnlySet<string> AvailableCapabilities { get; }

    /// <summary>The running kernel's version.</summary>
    Version KernelVersion { get; }

    /// <summary>The host architecture in Go's naming (amd64, arm64).</summary>
    string Architecture { get; }

    /// <summary>Whether /proc/sys has this sysctl ("net.ipv4.ping_group_range").</summary>
    bool SysctlExists(string name);
}
