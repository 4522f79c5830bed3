using System.Globalization;
using Wharf.Api.Models;
using Wharf.Engine.Runtime.Spec;

namespace Wharf.Engine.Runtime;

/// <summary>
/// HostConfig resources to OCI cgroup settings, with Docker's validation and messages
/// (daemon verifyPlatformContainerResources): memory, swap, reservation, swappiness, CPU shares,
/// CFS quota/period and --cpus, cpusets, pids, block I/O.
/// </summary>
public static class ResourceTranslator
{
    /// <summary>Docker's smallest memory limit and reservation (6 MiB).</summary>
    public const long MinMemory = 6 * 1024 * 1024;

    /// <summary>The CFS period --cpus uses (100 ms).</summary>
    public const ulong CpusPeriod = 100_000;

    /// <summary>
    /// Validates <paramref name="hc"/>; throws <see cref="BadRequestException"/> with Docker's message. For an
    /// <paramref name="update"/> (only the fields being changed are set) swap alone may be given.
    /// </summary>
    public static void Validate(HostConfig hc, IHostLimits host, bool update = false)
    {
        if (hc.Memory != 0 && hc.Memory < MinMemory)
            throw new BadRequestException("Minimum memory limit allowed is 6MB");
        if (hc.Memory > 0 && hc.MemorySwap > 0 && hc.MemorySwap < hc.Memory)
            throw new BadRequestException("Minimum memoryswap limit should be larger than memory limit, see usage");
        if (hc.Memory == 0 && hc.MemorySwap > 0 && !update)
            throw new BadRequestException("You should always set the Memory limit when using Memoryswap limit, see usage");
        if (hc.MemorySwappiness is { } sw && sw != -1 && (sw < 0 || sw > 100))
            throw new BadRequestException($"Invalid value: {sw}, valid memory swappiness range is 0-100");
        if (hc.MemoryReservation > 0 && hc.MemoryReservation < MinMemory)
            throw new BadRequestException("Minimum memory reservation allowed is 6MB");
        if (hc.Memory > 0 && hc.MemoryReservation > 0 && hc.Memory < hc.MemoryReservation)
            throw new BadRequestException("Minimum memory limit can not be less than memory reservation limit, see usage");
        if (hc.NanoCpus > 0 && hc.CpuPeriod > 0)
            throw new BadRequestException("Conflicting options: Nano CPUs and CPU Period cannot both be set");
        if (hc.NanoCpus > 0 && hc.CpuQuota > 0)
            throw new BadRequestException("Conflicting options: Nano CPUs and CPU Quota cannot both be set");
        if (hc.NanoCpus != 0)
        {
            var n = host.CpuCount;
            if (hc.NanoCpus < 0 || hc.NanoCpus > n * 1_000_000_000L)
                throw new BadRequestException($"range of CPUs is from 0.01 to {n}.00, as there are only {n} CPUs available");
        }
        if (hc.CpuShares < 0)
            throw new BadRequestException($"invalid CPU shares ({hc.CpuShares}): value must be a positive integer");
        if (hc.CpuPeriod != 0 && (hc.CpuPeriod < 1000 || hc.CpuPeriod > 1_000_000))
            throw new BadRequestException("CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)");
        if (hc.CpuQuota > 0 && hc.CpuQuota < 1000)
            throw new BadRequestException("CPU cfs quota can not be less than 1ms (i.e. 1000)");
        CheckCpuset(hc.CpusetCpus, host.CpuCount, "cpus", "Requested CPUs are not available");
        CheckCpuset(hc.CpusetMems, 1, "mems", "Requested memory nodes are not available");
        if (hc.BlkioWeight > 0 && (hc.BlkioWeight < 10 || hc.BlkioWeight > 1000))
            throw new BadRequestException("Range of blkio weight is from 10 to 1000");
        if (hc.OomScoreAdj is < -1000 or > 1000)
            throw new BadRequestException($"Invalid value {hc.OomScoreAdj}, range for oom score adj is [-1000, 1000]");
        if (hc.ShmSize < 0)
            throw new BadRequestException("SHM size can not be less than 0");
    }

    /// <summary>The OCI resources for <paramref name="hc"/> (validate first). Device rules are added by the builder.</summary>
    public static OciResources Translate(HostConfig hc, IHostDevices devices)
    {
        var r = new OciResources();
        var mem = new OciMemory();
        if (hc.Memory > 0) mem.Limit = hc.Memory;
        if (hc.MemoryReservation > 0) mem.Reservation = hc.MemoryReservation;
        if (hc.MemorySwap > 0) mem.Swap = hc.MemorySwap;
        else if (hc.MemorySwap == -1 && hc.Memory > 0) mem.Swap = -1;
        else if (hc.MemorySwap == 0 && hc.Memory > 0) mem.Swap = hc.Memory * 2;
        if (hc.MemorySwappiness is >= 0 and <= 100) mem.Swappiness = (ulong)hc.MemorySwappiness.Value;
        if (hc.OomKillDisable is { } oom) mem.DisableOomKiller = oom;
        if (mem.Limit is not null || mem.Reservation is not null || mem.Swap is not null || mem.Swappiness is not null || mem.DisableOomKiller is not null)
            r.Memory = mem;

        var cpu = new OciCpu();
        if (hc.CpuShares > 0) cpu.Shares = (ulong)hc.CpuShares;
        if (!string.IsNullOrEmpty(hc.CpusetCpus)) cpu.Cpus = hc.CpusetCpus;
        if (!string.IsNullOrEmpty(hc.CpusetMems)) cpu.Mems = hc.CpusetMems;
        if (hc.NanoCpus > 0)
        {
            cpu.Period = CpusPeriod;
            cpu.Quota = hc.NanoCpus * (long)CpusPeriod / 1_000_000_000L;
        }
        if (hc.CpuPeriod != 0) cpu.Period = (ulong)hc.CpuPeriod;
        if (hc.CpuQuota != 0) cpu.Quota = hc.CpuQuota;
        if (hc.CpuRealtimePeriod != 0) cpu.RealtimePeriod = (ulong)hc.CpuRealtimePeriod;
        if (hc.CpuRealtimeRuntime != 0) cpu.RealtimeRuntime = hc.CpuRealtimeRuntime;
        if (cpu.Shares is not null || cpu.Cpus is not null || cpu.Mems is not null || cpu.Period is not null || cpu.Quota is not null
            || cpu.RealtimePeriod is not null || cpu.RealtimeRuntime is not null)
            r.Cpu = cpu;

        if (hc.PidsLimit is { } pids) r.Pids = new OciPids { Limit = pids <= 0 ? -1 : pids };

        var io = new OciBlockIo();
        if (hc.BlkioWeight > 0) io.Weight = (ushort)hc.BlkioWeight;
        io.WeightDevice = Map(hc.BlkioWeightDevice, w => w.Path, (d, w) => new OciWeightDevice { Major = d.Major, Minor = d.Minor, Weight = (ushort)w.Weight }, devices);
        io.ThrottleReadBpsDevice = Throttle(hc.BlkioDeviceReadBps, devices);
        io.ThrottleWriteBpsDevice = Throttle(hc.BlkioDeviceWriteBps, devices);
        io.ThrottleReadIopsDevice = Throttle(hc.BlkioDeviceReadIOps, devices);
        io.ThrottleWriteIopsDevice = Throttle(hc.BlkioDeviceWriteIOps, devices);
        if (io.Weight is not null || io.WeightDevice is not null || io.ThrottleReadBpsDevice is not null || io.ThrottleWriteBpsDevice is not null
            || io.ThrottleReadIopsDevice is not null || io.ThrottleWriteIopsDevice is not null)
            r.BlockIo = io;
        return r;
    }

    private static List<OciThrottleDevice>? Throttle(List<ThrottleDevice>? list, IHostDevices devices) =>
        Map(list, t => t.Path, (d, t) => new OciThrottleDevice { Major = d.Major, Minor = d.Minor, Rate = (ulong)Math.Max(0, t.Rate) }, devices);

    private static List<TOut>? Map<TIn, TOut>(List<TIn>? list, Func<TIn, string?> path, Func<OciLinuxDevice, TIn, TOut> make, IHostDevices devices)
    {
        if (list is not { Count: > 0 }) return null;
        var result = new List<TOut>();
        foreach (var item in list)
        {
            var p = path(item) ?? "";
            var dev = devices.Get(p) ?? throw new BadRequestException($"{p} is not a device");
            if (dev.Type != "b") throw new BadRequestException($"{p} is not a block device");
            result.Add(make(dev, item));
        }
        return result;
    }

    /// <summary>Parses a cpuset list ("0-2,4") into its numbers; null when malformed.</summary>
    public static SortedSet<int>? ParseCpuset(string text)
    {
        var set = new SortedSet<int>();
        foreach (var part in text.Split(','))
        {
            var range = part.Split('-');
            if (range.Length is < 1 or > 2) return null;
            if (!int.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out var lo)) return null;
            var hi = lo;
            if (range.Length == 2 && !int.TryParse(range[1], NumberStyles.None, CultureInfo.InvariantCulture, out hi)) return null;
            if (hi < lo || hi - lo > 65536) return null;
            for (var i = lo; i <= hi; i++) set.Add(i);
        }
        return set;
    }

    private static void CheckCpuset(string? value, int available, string what, string unavailable)
    {
        if (string.IsNullOrEmpty(value)) return;
        var set = ParseCpuset(value) ?? throw new BadRequestException($"Invalid value {value} for cpuset {what}: invalid format: {value}");
        if (set.Max >= available)
        {
            var avail = available == 1 ? "0" : $"0-{available - 1}";
            throw new BadRequestException($"{unavailable} - requested {value}, available: {avail}");
        }
    }
}
