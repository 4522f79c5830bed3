using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Wharf.Engine.Cgroups;

/// <summary>One write of a value into a cgroup control file.</summary>
/// <param name="Controller">v1 controller whose directory holds the file (ignored on v2).</param>
/// <param name="File">File name, e.g. "memory.max".</param>
/// <param name="Value">Text written.</param>
public readonly record struct CgroupFileWrite(string Controller, string File, string Value);

/// <summary>
/// Resources `docker update` changes on a running container, in Docker's units (HostConfig fields).
/// Null means "leave as is". Turns into cgroup file writes for v1 or v2, or into the
/// LinuxResources JSON that <c>runc update -r -</c> reads.
/// </summary>
public sealed record ResourceUpdate
{
    /// <summary>Memory limit in bytes; -1 or 0 after a set means unlimited (HostConfig.Memory).</summary>
    public long? Memory { get; init; }

    /// <summary>Soft limit in bytes (HostConfig.MemoryReservation).</summary>
    public long? MemoryReservation { get; init; }

    /// <summary>Memory plus swap in bytes; -1 unlimited (HostConfig.MemorySwap).</summary>
    public long? MemorySwap { get; init; }

    /// <summary>Relative weight, 2..262144 (HostConfig.CpuShares).</summary>
    public long? CpuShares { get; init; }

    /// <summary>CFS period in microseconds (HostConfig.CpuPeriod).</summary>
    public long? CpuPeriod { get; init; }

    /// <summary>CFS quota in microseconds; -1 unlimited (HostConfig.CpuQuota).</summary>
    public long? CpuQuota { get; init; }

    /// <summary>CPU quota in units of 1e-9 CPUs (HostConfig.NanoCpus, `--cpus`); turned into quota/period.</summary>
    public long? NanoCpus { get; init; }

    public string? CpusetCpus { get; init; }
    public string? CpusetMems { get; init; }

    /// <summary>Maximum number of tasks; 0 or -1 unlimited (HostConfig.PidsLimit).</summary>
    public long? PidsLimit { get; init; }

    /// <summary>Block I/O weight 10..1000 (HostConfig.BlkioWeight).</summary>
    public ushort? BlkioWeight { get; init; }

    public const long DefaultCpuPeriod = 100_000;

    /// <summary>Quota and period after applying NanoCpus the way Docker does.</summary>
    public (long? Quota, long? Period) EffectiveCpuQuota()
    {
        if (NanoCpus is long nano && nano > 0)
        {
            long period = CpuPeriod is > 0 ? CpuPeriod.Value : DefaultCpuPeriod;
            return (nano * period / 1_000_000_000L, period);
        }
        if (NanoCpus == 0 && CpuQuota == null)
        {
            return (-1, CpuPeriod);
        }
        return (CpuQuota, CpuPeriod);
    }

    /// <summary>
    /// File writes for a cgroup v1 host, in an order the kernel accepts. <paramref name="currentMemswLimit"/>
    /// is memory.memsw.limit_in_bytes now (the memory limit may not exceed it, so raising both needs memsw first).
    /// </summary>
    public List<CgroupFileWrite> ToV1Writes(ulong? currentMemswLimit = null)
    {
        var w = new List<CgroupFileWrite>();
        string? mem = Memory is long m ? V1Limit(m) : null;
        string? swap = MemorySwap is long s ? V1Limit(s) : null;
        if (mem != null && swap != null)
        {
            // Raising: memsw first. Lowering: memory first.
            bool raising = MemorySwap <= 0 || currentMemswLimit == null || (ulong)MemorySwap!.Value > currentMemswLimit.Value;
            if (raising)
            {
                w.Add(new("memory", "memory.memsw.limit_in_bytes", swap));
                w.Add(new("memory", "memory.limit_in_bytes", mem));
            }
            else
            {
                w.Add(new("memory", "memory.limit_in_bytes", mem));
                w.Add(new("memory", "memory.memsw.limit_in_bytes", swap));
            }
        }
        else if (mem != null)
        {
            w.Add(new("memory", "memory.limit_in_bytes", mem));
        }
        else if (swap != null)
        {
            w.Add(new("memory", "memory.memsw.limit_in_bytes", swap));
        }
        if (MemoryReservation is long r)
        {
            w.Add(new("memory", "memory.soft_limit_in_bytes", V1Limit(r)));
        }
        if (CpuShares is long shares && shares > 0)
        {
            w.Add(new("cpu", "cpu.shares", Num(shares)));
        }
        var (quota, period) = EffectiveCpuQuota();
        if (period is long p && p > 0)
        {
            w.Add(new("cpu", "cpu.cfs_period_us", Num(p)));
        }
        if (quota is long q)
        {
            w.Add(new("cpu", "cpu.cfs_quota_us", q > 0 ? Num(q) : "-1"));
        }
        if (CpusetCpus != null)
        {
            w.Add(new("cpuset", "cpuset.cpus", CpusetCpus));
        }
        if (CpusetMems != null)
        {
            w.Add(new("cpuset", "cpuset.mems", CpusetMems));
        }
        if (PidsLimit is long pids)
        {
            w.Add(new("pids", "pids.max", pids > 0 ? Num(pids) : "max"));
        }
        if (BlkioWeight is ushort bw && bw > 0)
        {
            w.Add(new("blkio", "blkio.weight", Num(bw)));
        }
        return w;
    }

    /// <summary>File writes for a cgroup v2 host (runc's conversions for shares and blkio weight).</summary>
    public List<CgroupFileWrite> ToV2Writes()
    {
        var w = new List<CgroupFileWrite>();
        if (MemorySwap is long s)
        {
            // v2 limits swap alone: memory.swap.max = MemorySwap - Memory.
            string swap;
            if (s < 0)
            {
                swap = "max";
            }
            else if (Memory is long m2 && m2 > 0)
            {
                swap = Num(Math.Max(0, s - m2));
            }
            else
            {
                swap = Num(s);
            }
            // Lowering memory below the old swap cap is fine in either order on v2; write memory first.
            if (Memory is long m)
            {
                w.Add(new("memory", "memory.max", V2Limit(m)));
            }
            w.Add(new("memory", "memory.swap.max", swap));
        }
        else if (Memory is long m)
        {
            w.Add(new("memory", "memory.max", V2Limit(m)));
        }
        if (MemoryReservation is long r)
        {
            w.Add(new("memory", "memory.low", r > 0 ? Num(r) : "0"));
        }
        if (CpuShares is long shares && shares > 0)
        {
            w.Add(new("cpu", "cpu.weight", Num(SharesToWeight(shares))));
        }
        var (quota, period) = EffectiveCpuQuota();
        if (quota != null || period != null)
        {
            string q = quota is long qq && qq > 0 ? Num(qq) : "max";
            long p = period is > 0 ? period.Value : DefaultCpuPeriod;
            w.Add(new("cpu", "cpu.max", q + " " + Num(p)));
        }
        if (CpusetCpus != null)
        {
            w.Add(new("cpuset", "cpuset.cpus", CpusetCpus));
        }
        if (CpusetMems != null)
        {
            w.Add(new("cpuset", "cpuset.mems", CpusetMems));
        }
        if (PidsLimit is long pids)
        {
            w.Add(new("pids", "pids.max", pids > 0 ? Num(pids) : "max"));
        }
        if (BlkioWeight is ushort bw && bw > 0)
        {
            w.Add(new("io", "io.bfq.weight", Num(bw)));
            w.Add(new("io", "io.weight", "default " + Num(BlkioToIoWeight(bw))));
        }
        return w;
    }

    /// <summary>The LinuxResources JSON (OCI runtime spec) for <c>runc update --resources -</c>.</summary>
    public string ToRuncJson()
    {
        using var ms = new MemoryStream();
        using (var j = new Utf8JsonWriter(ms))
        {
            j.WriteStartObject();
            if (Memory != null || MemorySwap != null || MemoryReservation != null)
            {
                j.WriteStartObject("memory");
                if (Memory is long m)
                {
                    j.WriteNumber("limit", m > 0 ? m : -1);
                }
                if (MemoryReservation is long r)
                {
                    j.WriteNumber("reservation", r > 0 ? r : -1);
                }
                if (MemorySwap is long s)
                {
                    j.WriteNumber("swap", s > 0 ? s : -1);
                }
                j.WriteEndObject();
            }
            var (quota, period) = EffectiveCpuQuota();
            if (CpuShares != null || quota != null || period != null || CpusetCpus != null || CpusetMems != null)
            {
                j.WriteStartObject("cpu");
                if (CpuShares is long sh && sh > 0)
                {
                    j.WriteNumber("shares", (ulong)sh);
                }
                if (quota is long q)
                {
                    j.WriteNumber("quota", q > 0 ? q : -1);
                }
                if (period is long p && p > 0)
                {
                    j.WriteNumber("period", (ulong)p);
                }
                if (CpusetCpus != null)
                {
                    j.WriteString("cpus", CpusetCpus);
                }
                if (CpusetMems != null)
                {
                    j.WriteString("mems", CpusetMems);
                }
                j.WriteEndObject();
            }
            if (PidsLimit is long pids)
            {
                j.WriteStartObject("pids");
                j.WriteNumber("limit", pids > 0 ? pids : -1);
                j.WriteEndObject();
            }
            if (BlkioWeight is ushort bw && bw > 0)
            {
                j.WriteStartObject("blockIO");
                j.WriteNumber("weight", bw);
                j.WriteEndObject();
            }
            j.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>runc's ConvertCPUSharesToCgroupV2Value: [2, 262144] → [1, 10000].</summary>
    public static ulong SharesToWeight(long shares)
        => shares <= 0 ? 0 : 1 + (ulong)((Math.Clamp(shares, 2, 262144) - 2) * 9999 / 262142);

    /// <summary>runc's ConvertBlkIOToIOWeightValue: [10, 1000] → [1, 10000].</summary>
    public static ulong BlkioToIoWeight(ushort weight)
        => weight == 0 ? 0 : 1 + (ulong)((Math.Clamp((int)weight, 10, 1000) - 10) * 9999 / 990);

    private static string V1Limit(long v) => v > 0 ? Num(v) : "-1";

    private static string V2Limit(long v) => v > 0 ? Num(v) : "max";

    private static string Num(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Num(ulong v) => v.ToString(CultureInfo.InvariantCulture);
}
