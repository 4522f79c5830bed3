using Wharf.Engine.Runtime;
using static Wharf.Engine.Tests.Runtime.SpecTestSupport;

namespace Wharf.Engine.Tests.Runtime;

public class ResourcesTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void MemoryAndSwapSemantics()
    {
        var m = Spec(host: h => { h.Memory = 64 * MiB; h.MemorySwap = 64 * MiB; h.MemoryReservation = 32 * MiB; }).Linux!.Resources!.Memory!;
        Assert.Equal((64 * MiB, 64 * MiB, 32 * MiB), (m.Limit!.Value, m.Swap!.Value, m.Reservation!.Value));
        Assert.Equal(128 * MiB, Spec(host: h => h.Memory = 64 * MiB).Linux!.Resources!.Memory!.Swap);   // unset: twice the memory
        Assert.Equal(-1, Spec(host: h => { h.Memory = 64 * MiB; h.MemorySwap = -1; }).Linux!.Resources!.Memory!.Swap);
        Assert.Null(Spec().Linux!.Resources!.Memory);
        Assert.Equal(10ul, Spec(host: h => h.MemorySwappiness = 10).Linux!.Resources!.Memory!.Swappiness);
        Assert.True(Spec(host: h => { h.Memory = 64 * MiB; h.OomKillDisable = true; }).Linux!.Resources!.Memory!.DisableOomKiller);
    }

    [Fact]
    public void MemoryValidation()
    {
        Assert.Equal("Minimum memory limit allowed is 6MB", Error(host: h => h.Memory = 4 * MiB));
        Assert.Equal("Minimum memoryswap limit should be larger than memory limit, see usage", Error(host: h => { h.Memory = 64 * MiB; h.MemorySwap = 32 * MiB; }));
        Assert.Equal("You should always set the Memory limit when using Memoryswap limit, see usage", Error(host: h => h.MemorySwap = 64 * MiB));
        Assert.Equal("Minimum memory reservation allowed is 6MB", Error(host: h => h.MemoryReservation = MiB));
        Assert.Equal("Minimum memory limit can not be less than memory reservation limit, see usage", Error(host: h => { h.Memory = 10 * MiB; h.MemoryReservation = 20 * MiB; }));
        Assert.Equal("Invalid value: 101, valid memory swappiness range is 0-100", Error(host: h => h.MemorySwappiness = 101));
    }

    [Fact]
    public void An_update_may_change_swap_alone_but_nothing_else_loosens()
    {
        var swapOnly = new Wharf.Api.Models.HostConfig { MemorySwap = 64 * MiB };
        ResourceTranslator.Validate(swapOnly, new FakeHostLimits(), update: true);
        var tiny = new Wharf.Api.Models.HostConfig { Memory = MiB };
        Assert.Equal("Minimum memory limit allowed is 6MB",
            Assert.Throws<BadRequestException>(() => ResourceTranslator.Validate(tiny, new FakeHostLimits(), update: true)).Message);
    }

    [Fact]
    public void CpuTranslation()
    {
        var cpu = Spec(host: h => { h.NanoCpus = 1_500_000_000; h.CpuShares = 512; h.CpusetCpus = "0-1"; h.CpusetMems = "0"; }).Linux!.Resources!.Cpu!;
        Assert.Equal(100_000ul, cpu.Period);
        Assert.Equal(150_000L, cpu.Quota);
        Assert.Equal(512ul, cpu.Shares);
        Assert.Equal("0-1", cpu.Cpus);
        Assert.Equal("0", cpu.Mems);
        var cfs = Spec(host: h => { h.CpuPeriod = 50_000; h.CpuQuota = 25_000; }).Linux!.Resources!.Cpu!;
        Assert.Equal((50_000ul, 25_000L), (cfs.Period!.Value, cfs.Quota!.Value));
        Assert.Null(Spec().Linux!.Resources!.Cpu);
    }

    [Fact]
    public void CpuValidation()
    {
        Assert.Equal("range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available", Error(host: h => h.NanoCpus = 3_000_000_000));
        Assert.Equal("range of CPUs is from 0.01 to 8.00, as there are only 8 CPUs available",
            Error(host: h => h.NanoCpus = 9_000_000_000, limits: new FakeHostLimits { CpuCount = 8 }));
        Assert.Equal("Conflicting options: Nano CPUs and CPU Period cannot both be set", Error(host: h => { h.NanoCpus = 1_000_000_000; h.CpuPeriod = 100_000; }));
        Assert.Equal("invalid CPU shares (-1): value must be a positive integer", Error(host: h => h.CpuShares = -1));
        Assert.Equal("CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)", Error(host: h => h.CpuPeriod = 10));
        Assert.Equal("CPU cfs quota can not be less than 1ms (i.e. 1000)", Error(host: h => h.CpuQuota = 10));
        Assert.Equal("Requested CPUs are not available - requested 0-3, available: 0-1", Error(host: h => h.CpusetCpus = "0-3"));
        Assert.Equal("Invalid value x for cpuset cpus: invalid format: x", Error(host: h => h.CpusetCpus = "x"));
    }

    [Fact]
    public void PidsAndBlkio()
    {
        Assert.Equal(100, Spec(host: h => h.PidsLimit = 100).Linux!.Resources!.Pids!.Limit);
        Assert.Equal(-1, Spec(host: h => h.PidsLimit = 0).Linux!.Resources!.Pids!.Limit);
        Assert.Null(Spec().Linux!.Resources!.Pids);
        Assert.Equal((ushort)300, Spec(host: h => h.BlkioWeight = 300).Linux!.Resources!.BlockIo!.Weight);
        Assert.Equal("Range of blkio weight is from 10 to 1000", Error(host: h => h.BlkioWeight = 5));
        var io = Spec(host: h => h.BlkioDeviceReadBps = [new() { Path = "/dev/sda", Rate = 1024 }]).Linux!.Resources!.BlockIo!;
        var t = Assert.Single(io.ThrottleReadBpsDevice!);
        Assert.Equal((8L, 0L, 1024ul), (t.Major, t.Minor, t.Rate));
    }

    [Fact]
    public void RlimitsDefaultToTheDaemonsAndAreClampedToItsHardLimit()
    {
        var limits = new FakeHostLimits { NofileSoft = 1024, NofileHard = 20000 };
        var r = Assert.Single(Spec(limits: limits).Process!.Rlimits!);
        Assert.Equal(("RLIMIT_NOFILE", 1024ul, 20000ul), (r.Type, r.Soft, r.Hard));

        var result = SpecTestSupport.Build(host: h => h.Ulimits = [new() { Name = "nofile", Soft = 65536, Hard = 65536 }, new() { Name = "nproc", Soft = 100, Hard = 200 }], limits: limits);
        Assert.Equal(["RLIMIT_NOFILE 20000:20000", "RLIMIT_NPROC 100:200"], result.Spec.Process!.Rlimits!.Select(x => $"{x.Type} {x.Soft}:{x.Hard}"));
        Assert.Contains("exceeds the daemon's hard limit 20000", Assert.Single(result.Warnings));

        var within = SpecTestSupport.Build(host: h => h.Ulimits = [new() { Name = "nofile", Soft = 100, Hard = 1000 }], limits: limits);
        Assert.Empty(within.Warnings);
        Assert.Equal(1000ul, within.Spec.Process!.Rlimits![0].Hard);

        var privileged = new FakeHostLimits { CanRaiseHardLimits = true };
        Assert.Equal(65536ul, Spec(host: h => h.Ulimits = [new() { Name = "nofile", Soft = 65536, Hard = 65536 }], limits: privileged).Process!.Rlimits![0].Hard);
        Assert.Equal(ulong.MaxValue, Spec(host: h => h.Ulimits = [new() { Name = "core", Soft = -1, Hard = -1 }]).Process!.Rlimits![0].Hard);

        Assert.Equal("invalid ulimit type: bogus", Error(host: h => h.Ulimits = [new() { Name = "bogus", Soft = 1, Hard = 1 }]));
        Assert.Equal("ulimit soft limit must be less than or equal to hard limit: 10 > 5", Error(host: h => h.Ulimits = [new() { Name = "nofile", Soft = 10, Hard = 5 }]));
    }
}
