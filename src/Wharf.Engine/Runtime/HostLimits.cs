using System.Globalization;
using System.Runtime.InteropServices;
using Wharf.Engine.Native;
using Wharf.Engine.Runtime.Seccomp;

namespace Wharf.Engine.Runtime;

/// <summary>The real host: getrlimit, sched_getaffinity, /proc/self/status capabilities, uname.</summary>
public sealed class HostLimits : IHostLimits
{
    /// <summary>Resource names Docker's `--ulimit` takes, to their RLIMIT_* numbers.</summary>
    public static readonly IReadOnlyDictionary<string, int> Resources = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["core"] = Libc.RLIMIT_CORE, ["cpu"] = Libc.RLIMIT_CPU, ["data"] = Libc.RLIMIT_DATA,
        ["fsize"] = Libc.RLIMIT_FSIZE, ["locks"] = Libc.RLIMIT_LOCKS, ["memlock"] = Libc.RLIMIT_MEMLOCK,
        ["msgqueue"] = Libc.RLIMIT_MSGQUEUE, ["nice"] = Libc.RLIMIT_NICE, ["nofile"] = Libc.RLIMIT_NOFILE,
        ["nproc"] = Libc.RLIMIT_NPROC, ["rss"] = Libc.RLIMIT_RSS, ["rtprio"] = Libc.RLIMIT_RTPRIO,
        ["rttime"] = Libc.RLIMIT_RTTIME, ["sigpending"] = Libc.RLIMIT_SIGPENDING, ["stack"] = Libc.RLIMIT_STACK,
        ["as"] = Libc.RLIMIT_AS,
    };

    private readonly Lazy<int> _cpus = new(ReadCpuCount);
    private readonly Lazy<(ulong Bounding, ulong Effective)> _caps = new(ReadCaps);
    private readonly Lazy<Version> _kernel = new(ReadKernel);

    public static HostLimits Instance { get; } = new();

    public int CpuCount => _cpus.Value;

    public (ulong Soft, ulong Hard) GetRlimit(string name)
    {
        var key = name.StartsWith("RLIMIT_", StringComparison.Ordinal) ? name[7..].ToLowerInvariant() : name.ToLowerInvariant();
        if (!Resources.TryGetValue(key, out var resource))
        {
            throw new ArgumentException($"unknown resource limit {name}", nameof(name));
        }
        Libc.Check(Libc.GetRlimit(resource, out var r), "getrlimit", name);
        return (r.Current, r.Max);
    }

    /// <summary>
    /// Raises this process's soft open-files limit to its hard limit, as the Go runtime does for dockerd:
    /// the daemon holds descriptors per running container, and containers inherit its limits as
    /// Docker's inherit dockerd's. Returns the soft limit before and after.
    /// </summary>
    public static (ulong Before, ulong After) RaiseOpenFilesLimit()
    {
        if (Libc.GetRlimit(Libc.RLIMIT_NOFILE, out var r) != 0 || r.Current >= r.Max) return (r.Current, r.Current);
        var raised = new Libc.Rlimit { Current = r.Max, Max = r.Max };
        return Libc.SetRlimit(Libc.RLIMIT_NOFILE, raised) == 0 ? (r.Current, r.Max) : (r.Current, r.Current);
    }

    public bool CanRaiseHardLimits => (_caps.Value.Effective & (1UL << 24)) != 0;

    public IReadOnlySet<string> AvailableCapabilities =>
        Capabilities.All.Where((_, i) => (_caps.Value.Bounding & (1UL << i)) != 0).ToHashSet(StringComparer.Ordinal);

    public Version KernelVersion => _kernel.Value;

    public string Architecture => RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "amd64",
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        System.Runtime.InteropServices.Architecture.X86 => "386",
        System.Runtime.InteropServices.Architecture.Arm => "arm",
        System.Runtime.InteropServices.Architecture.S390x => "s390x",
        System.Runtime.InteropServices.Architecture.Ppc64le => "ppc64le",
        System.Runtime.InteropServices.Architecture.RiscV64 => "riscv64",
        var a => a.ToString().ToLowerInvariant(),
    };

    public bool SysctlExists(string name) => File.Exists("/proc/sys/" + name.Replace('.', '/'));

    private static unsafe int ReadCpuCount()
    {
        var mask = stackalloc byte[128];
        var rc = Libc.SchedGetAffinity(0, 128, mask);
        if (rc <= 0)
        {
            return Environment.ProcessorCount;
        }
        var n = 0;
        for (var i = 0; i < rc; i++)
        {
            n += System.Numerics.BitOperations.PopCount(mask[i]);
        }
        return n > 0 ? n : Environment.ProcessorCount;
    }

    private static (ulong, ulong) ReadCaps()
    {
        ulong bnd = ulong.MaxValue, eff = 0;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("CapBnd:", StringComparison.Ordinal))
                bnd = ulong.Parse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            else if (line.StartsWith("CapEff:", StringComparison.Ordinal))
                eff = ulong.Parse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }
        return (bnd, eff);
    }

    private static Version ReadKernel()
    {
        try
        {
            return SeccompCompiler.ParseKernel(File.ReadAllText("/proc/sys/kernel/osrelease").Trim());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BadRequestException)
        {
            return new Version(0, 0);
        }
    }
}
