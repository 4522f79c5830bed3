using Wharf.Api.Models;

namespace Wharf.Engine.Cgroups;

/// <summary>The numbers `docker stats` prints, computed from a frame exactly as the docker CLI does
/// (cli/command/container/stats_helpers.go), so Wharf's own CLI and tests agree with it.</summary>
public static class DockerStatsMath
{
    /// <summary>CPU %: (container delta / system delta) × online CPUs × 100, 0 when either delta is not positive.</summary>
    public static double CpuPercent(ContainerStats s)
        => CpuPercent(s.PreCpuStats.CpuUsage.TotalUsage, s.PreCpuStats.SystemCpuUsage, s.CpuStats);

    /// <summary>CPU % from the previous totals and the current CPU stats.</summary>
    public static double CpuPercent(ulong previousCpu, ulong previousSystem, CpuStats current)
    {
        double cpuDelta = (double)current.CpuUsage.TotalUsage - previousCpu;
        double systemDelta = (double)current.SystemCpuUsage - previousSystem;
        double online = current.OnlineCpus;
        if (online == 0)
        {
            online = current.CpuUsage.PercpuUsage?.Count ?? 0;
        }
        return systemDelta > 0 && cpuDelta > 0 ? cpuDelta / systemDelta * online * 100.0 : 0.0;
    }

    /// <summary>Memory in use without the page cache: usage − total_inactive_file (v1) or − inactive_file (v2).</summary>
    public static double MemoryUsageNoCache(MemoryStats m)
    {
        var stats = m.Stats;
        if (stats != null && stats.TryGetValue("total_inactive_file", out ulong v1) && v1 < m.Usage)
        {
            return m.Usage - v1;
        }
        ulong v2 = 0;
        if (stats != null)
        {
            stats.TryGetValue("inactive_file", out v2);
        }
        return v2 < m.Usage ? m.Usage - v2 : m.Usage;
    }

    /// <summary>Memory %: used (no cache) / limit × 100; 0 without a limit.</summary>
    public static double MemoryPercent(MemoryStats m)
        => m.Limit != 0 ? MemoryUsageNoCache(m) / m.Limit * 100.0 : 0.0;

    /// <summary>Block I/O read and written bytes (ops "read"/"write", any case).</summary>
    public static (ulong Read, ulong Write) BlockIo(BlkioStats b)
    {
        ulong read = 0, write = 0;
        foreach (var e in b.IoServiceBytesRecursive ?? [])
        {
            if (e.Op.Length == 0)
            {
                continue;
            }
            switch (char.ToLowerInvariant(e.Op[0]))
            {
                case 'r':
                    read += e.Value;
                    break;
                case 'w':
                    write += e.Value;
                    break;
            }
        }
        return (read, write);
    }

    /// <summary>Network received and sent bytes over all interfaces.</summary>
    public static (double Rx, double Tx) Network(Dictionary<string, ContainerNetworkStats>? networks)
    {
        double rx = 0, tx = 0;
        foreach (var n in networks?.Values ?? Enumerable.Empty<ContainerNetworkStats>())
        {
            rx += n.RxBytes;
            tx += n.TxBytes;
        }
        return (rx, tx);
    }
}
