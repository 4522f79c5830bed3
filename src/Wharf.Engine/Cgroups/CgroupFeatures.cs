namespace Wharf.Engine.Cgroups;

/// <summary>
/// Resource-limit support as `docker info` reports it (moby pkg/sysinfo): each flag is true when the
/// controller file that implements it exists on this host.
/// </summary>
public sealed record CgroupFeatures
{
    public bool MemoryLimit { get; init; }
    public bool SwapLimit { get; init; }
    public bool MemoryReservation { get; init; }
    public bool KernelMemory { get; init; }
    public bool KernelMemoryTCP { get; init; }
    public bool OomKillDisable { get; init; }
    public bool CpuCfsPeriod { get; init; }
    public bool CpuCfsQuota { get; init; }
    public bool CpuShares { get; init; }
    public bool CPUSet { get; init; }
    public bool PidsLimit { get; init; }
    public bool BlkioWeight { get; init; }

    /// <summary>Warnings Docker prints under `docker info` for missing features.</summary>
    public IReadOnlyList<string> Warnings
    {
        get
        {
            var w = new List<string>();
            if (!MemoryLimit)
            {
                w.Add("WARNING: No memory limit support");
            }
            if (!SwapLimit)
            {
                w.Add("WARNING: No swap limit support");
            }
            if (!CpuCfsQuota)
            {
                w.Add("WARNING: No cpu cfs quota support");
            }
            if (!CpuCfsPeriod)
            {
                w.Add("WARNING: No cpu cfs period support");
            }
            if (!CpuShares)
            {
                w.Add("WARNING: No cpu shares support");
            }
            if (!CPUSet)
            {
                w.Add("WARNING: No cpuset support");
            }
            return w;
        }
    }

    internal static CgroupFeatures ForV1(IReadOnlyDictionary<string, string> mounts)
    {
        bool Has(string controller, string file)
            => mounts.TryGetValue(controller, out var mp) && File.Exists(Path.Combine(mp, file));
        return new CgroupFeatures
        {
            MemoryLimit = Has("memory", "memory.limit_in_bytes"),
            SwapLimit = Has("memory", "memory.memsw.limit_in_bytes"),
            MemoryReservation = Has("memory", "memory.soft_limit_in_bytes"),
            KernelMemory = Has("memory", "memory.kmem.limit_in_bytes"),
            KernelMemoryTCP = Has("memory", "memory.kmem.tcp.limit_in_bytes"),
            OomKillDisable = Has("memory", "memory.oom_control"),
            CpuCfsPeriod = Has("cpu", "cpu.cfs_period_us"),
            CpuCfsQuota = Has("cpu", "cpu.cfs_quota_us"),
            CpuShares = Has("cpu", "cpu.shares"),
            CPUSet = Has("cpuset", "cpuset.cpus") || Has("cpuset", "cpus"),
            PidsLimit = mounts.ContainsKey("pids"),
            BlkioWeight = Has("blkio", "blkio.weight"),
        };
    }

    internal static CgroupFeatures ForV2(string root, IReadOnlySet<string> controllers)
    {
        bool memory = controllers.Contains("memory");
        bool cpu = controllers.Contains("cpu");
        return new CgroupFeatures
        {
            MemoryLimit = memory,
            // memory.swap.max only exists below the root; a kernel without CONFIG_SWAP has none anywhere.
            SwapLimit = memory && SwapFilesExist(root),
            MemoryReservation = memory,
            KernelMemory = false,
            KernelMemoryTCP = false,
            OomKillDisable = false,
            CpuCfsPeriod = cpu,
            CpuCfsQuota = cpu,
            CpuShares = cpu,
            CPUSet = controllers.Contains("cpuset"),
            PidsLimit = controllers.Contains("pids"),
            BlkioWeight = controllers.Contains("io"),
        };
    }

    private static bool SwapFilesExist(string root)
    {
        try
        {
            foreach (string dir in Directory.EnumerateDirectories(root))
            {
                if (File.Exists(Path.Combine(dir, "memory.max")))
                {
                    return File.Exists(Path.Combine(dir, "memory.swap.max"));
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return true;
    }
}
