using Wharf.Api.Models;

namespace Wharf.Engine.Cgroups;

/// <summary>One reading of a container's cgroup counters, already in Docker's stats shape.</summary>
public sealed class CgroupSample
{
    /// <summary>When the counters were read (UTC).</summary>
    public DateTime Read { get; init; }

    /// <summary>Monotonic timestamp of the read (<see cref="System.Diagnostics.Stopwatch"/> ticks).</summary>
    public long Timestamp { get; init; }

    public CpuStats Cpu { get; init; } = new();
    public MemoryStats Memory { get; init; } = new();
    public PidsStats Pids { get; init; } = new();
    public BlkioStats Blkio { get; init; } = new();
}

/// <summary>The cgroup of a container does not exist (the container is not running or was removed).</summary>
public sealed class CgroupNotFoundException(string path) : Exception($"cgroup {path} does not exist")
{
    public string CgroupPath { get; } = path;
}

/// <summary>Freezer state of a cgroup (what `docker pause` sets through the runtime).</summary>
public enum FreezerState
{
    Unknown,
    Thawed,
    Freezing,
    Frozen,
}
