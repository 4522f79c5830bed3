using System.Text.Json;
using Wharf.Engine.Cgroups;

namespace Wharf.Engine.Tests.Cgroups;

public class ResourceUpdateTests
{
    [Fact]
    public void V1WritesRaiseMemswBeforeMemory()
    {
        var u = new ResourceUpdate { Memory = 256L << 20, MemorySwap = 512L << 20 };
        var raising = u.ToV1Writes(currentMemswLimit: 128UL << 20);
        Assert.Equal(["memory.memsw.limit_in_bytes", "memory.limit_in_bytes"], raising.Select(w => w.File));
        Assert.Equal("536870912", raising[0].Value);
        var lowering = u.ToV1Writes(currentMemswLimit: 1UL << 30);
        Assert.Equal(["memory.limit_in_bytes", "memory.memsw.limit_in_bytes"], lowering.Select(w => w.File));
    }

    [Fact]
    public void V1WritesForCpuPidsAndUnlimited()
    {
        var w = new ResourceUpdate { CpuShares = 512, NanoCpus = 1_500_000_000, PidsLimit = 0, Memory = -1, CpusetCpus = "0-1", BlkioWeight = 300 }.ToV1Writes();
        Assert.Equal(
        [
            new("memory", "memory.limit_in_bytes", "-1"),
            new("cpu", "cpu.shares", "512"),
            new("cpu", "cpu.cfs_period_us", "100000"),
            new("cpu", "cpu.cfs_quota_us", "150000"),
            new("cpuset", "cpuset.cpus", "0-1"),
            new("pids", "pids.max", "max"),
            new CgroupFileWrite("blkio", "blkio.weight", "300"),
        ], w);
    }

    [Fact]
    public void V2WritesConvertUnits()
    {
        var w = new ResourceUpdate { Memory = 64L << 20, MemorySwap = 128L << 20, CpuShares = 1024, CpuQuota = 50000, CpuPeriod = 100000, PidsLimit = 20, MemoryReservation = 32L << 20 }.ToV2Writes();
        Assert.Equal(
        [
            new("memory", "memory.max", "67108864"),
            new("memory", "memory.swap.max", "67108864"),
            new("memory", "memory.low", "33554432"),
            new("cpu", "cpu.weight", "39"),
            new("cpu", "cpu.max", "50000 100000"),
            new CgroupFileWrite("pids", "pids.max", "20"),
        ], w);
        Assert.Equal(1UL, ResourceUpdate.SharesToWeight(2));
        Assert.Equal(10000UL, ResourceUpdate.SharesToWeight(262144));
        Assert.Equal(1UL, ResourceUpdate.BlkioToIoWeight(10));
        Assert.Equal(4950UL, ResourceUpdate.BlkioToIoWeight(500));
        Assert.Equal(10000UL, ResourceUpdate.BlkioToIoWeight(1000));
        var unlimited = new ResourceUpdate { Memory = 0, MemorySwap = -1, CpuQuota = -1 }.ToV2Writes();
        Assert.Equal(["max", "max", "max 100000"], unlimited.Select(x => x.Value));
    }

    [Fact]
    public void RuncJson()
    {
        string json = new ResourceUpdate { Memory = 64L << 20, MemorySwap = -1, CpuShares = 512, NanoCpus = 250_000_000, PidsLimit = 10, CpusetMems = "0", BlkioWeight = 500 }.ToRuncJson();
        using var doc = JsonDocument.Parse(json);
        var r = doc.RootElement;
        Assert.Equal(64L << 20, r.GetProperty("memory").GetProperty("limit").GetInt64());
        Assert.Equal(-1, r.GetProperty("memory").GetProperty("swap").GetInt64());
        Assert.False(r.GetProperty("memory").TryGetProperty("reservation", out _));
        Assert.Equal(512, r.GetProperty("cpu").GetProperty("shares").GetInt32());
        Assert.Equal(25000, r.GetProperty("cpu").GetProperty("quota").GetInt32());
        Assert.Equal(100000, r.GetProperty("cpu").GetProperty("period").GetInt32());
        Assert.Equal("0", r.GetProperty("cpu").GetProperty("mems").GetString());
        Assert.Equal(10, r.GetProperty("pids").GetProperty("limit").GetInt32());
        Assert.Equal(500, r.GetProperty("blockIO").GetProperty("weight").GetInt32());
        Assert.Equal("{}", new ResourceUpdate().ToRuncJson());
        Assert.Equal("{\"pids\":{\"limit\":-1}}", new ResourceUpdate { PidsLimit = -1 }.ToRuncJson());
    }

    [Fact]
    public void AppliesToFakeTrees()
    {
        using var dir = new TempDir();
        var (v1, p1) = CgroupStatsTests.V1Fixture(dir);
        dir.Write("cg/pids/wharf/c1/pids.max", "max\n");
        dir.Write("cg/cpu/wharf/c1/cpu.shares", "1024\n");
        v1.ApplyUpdate(p1, new ResourceUpdate { Memory = 32L << 20, PidsLimit = 7, CpuShares = 256 });
        Assert.Equal("33554432", File.ReadAllText(Path.Combine(p1.For("memory")!, "memory.limit_in_bytes")));
        Assert.Equal("7", File.ReadAllText(Path.Combine(p1.For("pids")!, "pids.max")));
        Assert.Equal("256", File.ReadAllText(Path.Combine(p1.For("cpu")!, "cpu.shares")));

        var (v2, p2) = CgroupStatsTests.V2Fixture(dir);
        dir.Write("cg/wharf/c2/cpu.max", "max 100000\n");
        v2.ApplyUpdate(p2, new ResourceUpdate { Memory = 32L << 20, NanoCpus = 2_000_000_000 });
        Assert.Equal("33554432", File.ReadAllText(Path.Combine(p2.Unified!, "memory.max")));
        Assert.Equal("200000 100000", File.ReadAllText(Path.Combine(p2.Unified!, "cpu.max")));
        Assert.Throws<CgroupNotFoundException>(() => v2.ApplyUpdate(v2.PathsFor("wharf", "gone"), new ResourceUpdate { PidsLimit = 1 }));
    }
}
