using System.Text.Json;
using Wharf.Api.Json;
using Wharf.Api.Models;
using Wharf.Engine.Cgroups;

namespace Wharf.Engine.Tests.Cgroups;

public class CgroupStatsTests
{
    private const string ProcStat = """
        cpu  175883 10 70108 244541 1387 3 284 113 0 0
        cpu0 88380 0 31815 125498 289 0 69 50 0 0
        cpu1 87502 0 38293 119042 1098 0 214 62 0 0
        intr 1 2 3
        btime 1700000000
        """;

    private const string MemInfo = "MemTotal:        4000000 kB\nMemFree:  100 kB\n";

    // user+nice+system+idle+iowait+irq+softirq (steal excluded) in 1/100 s → ns.
    private const ulong ExpectedSystemNs = (175883UL + 10 + 70108 + 244541 + 1387 + 3 + 284) * 10_000_000;

    private static void WriteProc(TempDir dir)
    {
        dir.Write("proc/stat", ProcStat);
        dir.Write("proc/meminfo", MemInfo);
    }

    internal static (CgroupV1Manager Manager, CgroupPaths Paths) V1Fixture(TempDir dir)
    {
        WriteProc(dir);
        string cg = Path.Combine(dir.Path, "cg");
        var host = CgroupHost.FromMountInfo(MountInfoTests.HybridSeparate.Replace("/sys/fs/cgroup", cg, StringComparison.Ordinal));
        var mgr = new CgroupV1Manager(host, Path.Combine(dir.Path, "proc"));
        var p = host.PathsFor("wharf", "c1");
        string rel = "wharf/c1/";
        dir.Write("cg/memory/" + rel + "memory.usage_in_bytes", "6537216\n");
        dir.Write("cg/memory/" + rel + "memory.max_usage_in_bytes", "6651904\n");
        dir.Write("cg/memory/" + rel + "memory.failcnt", "3\n");
        dir.Write("cg/memory/" + rel + "memory.limit_in_bytes", "67108864\n");
        dir.Write("cg/memory/" + rel + "memory.memsw.limit_in_bytes", "67108864\n");
        dir.Write("cg/memory/" + rel + "memory.stat", "cache 0\nrss 6537216\nrss_huge 6291456\ntotal_inactive_file 1000\ninactive_file 1000\nhierarchical_memory_limit 67108864\n");
        dir.Write("cg/memory/" + rel + "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
        dir.Write("cg/cpuacct/" + rel + "cpuacct.usage", "100215355\n");
        dir.Write("cg/cpuacct/" + rel + "cpuacct.usage_percpu", "8646879 24472255 \n");
        dir.Write("cg/cpuacct/" + rel + "cpuacct.stat", "user 5\nsystem 3\n");
        dir.Write("cg/cpu/" + rel + "cpu.stat", "nr_periods 10\nnr_throttled 2\nthrottled_time 12345\nnr_bursts 0\n");
        dir.Write("cg/pids/" + rel + "pids.current", "3\n");
        dir.Write("cg/pids/" + rel + "pids.max", "max\n");
        dir.Write("cg/memory/" + rel + "cgroup.procs", "42\n7\n");
        dir.Write("cg/blkio/" + rel + "blkio.throttle.io_service_bytes_recursive", "8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\n8:0 Async 12288\n8:0 Discard 0\n8:0 Total 12288\nTotal 12288\n");
        dir.Write("cg/blkio/" + rel + "blkio.throttle.io_serviced_recursive", "8:0 Read 1\n8:0 Write 2\nTotal 3\n");
        dir.Write("cg/freezer/" + rel + "freezer.state", "FROZEN\n");
        return (mgr, p);
    }

    internal static (CgroupV2Manager Manager, CgroupPaths Paths) V2Fixture(TempDir dir)
    {
        WriteProc(dir);
        string cg = Path.Combine(dir.Path, "cg");
        dir.Write("cg/cgroup.controllers", "cpu io memory pids\n");
        var host = CgroupHost.FromMountInfo(MountInfoTests.PureV2.Replace("/sys/fs/cgroup", cg, StringComparison.Ordinal));
        var mgr = new CgroupV2Manager(host, Path.Combine(dir.Path, "proc"));
        var p = host.PathsFor("wharf", "c2");
        string rel = "cg/wharf/c2/";
        dir.Write(rel + "cpu.stat", "usage_usec 100215\nuser_usec 50000\nsystem_usec 30000\nnr_periods 4\nnr_throttled 1\nthrottled_usec 77\n");
        dir.Write(rel + "memory.current", "6537216\n");
        dir.Write(rel + "memory.max", "max\n");
        dir.Write(rel + "memory.stat", "anon 4096\nfile 8192\ninactive_file 2048\nactive_file 6144\npgfault 964\n");
        dir.Write(rel + "memory.events", "low 0\nhigh 0\nmax 5\noom 1\noom_kill 1\noom_group_kill 0\n");
        dir.Write(rel + "pids.current", "2\n");
        dir.Write(rel + "pids.max", "100\n");
        dir.Write(rel + "io.stat", "8:0 rbytes=1024 wbytes=2048 rios=1 wios=2 dbytes=0 dios=0\n253:1 rbytes=5 wbytes=6 rios=0 wios=0 dbytes=0 dios=0\n");
        dir.Write(rel + "cgroup.procs", "100\n");
        dir.Write(rel + "cgroup.events", "populated 1\nfrozen 0\n");
        dir.Write(rel + "cgroup.freeze", "0\n");
        return (mgr, p);
    }

    [Fact]
    public void ReadsV1Stats()
    {
        using var dir = new TempDir();
        var (mgr, p) = V1Fixture(dir);
        var s = mgr.ReadStats(p);
        Assert.Equal(100215355UL, s.Cpu.CpuUsage.TotalUsage);
        Assert.Equal([8646879UL, 24472255UL], s.Cpu.CpuUsage.PercpuUsage!);
        Assert.Equal(50_000_000UL, s.Cpu.CpuUsage.UsageInUsermode);
        Assert.Equal(30_000_000UL, s.Cpu.CpuUsage.UsageInKernelmode);
        Assert.Equal(ExpectedSystemNs, s.Cpu.SystemCpuUsage);
        Assert.Equal(2u, s.Cpu.OnlineCpus);
        Assert.Equal(10UL, s.Cpu.ThrottlingData.Periods);
        Assert.Equal(2UL, s.Cpu.ThrottlingData.ThrottledPeriods);
        Assert.Equal(12345UL, s.Cpu.ThrottlingData.ThrottledTime);
        Assert.Equal(6537216UL, s.Memory.Usage);
        Assert.Equal(6651904UL, s.Memory.MaxUsage);
        Assert.Equal(3UL, s.Memory.Failcnt);
        Assert.Equal(67108864UL, s.Memory.Limit);
        Assert.Equal(6291456UL, s.Memory.Stats!["rss_huge"]);
        Assert.Equal(6, s.Memory.Stats.Count);
        Assert.Equal(3UL, s.Pids.Current);
        Assert.Equal(0UL, s.Pids.Limit);
        var bytes = s.Blkio.IoServiceBytesRecursive!;
        Assert.Equal(6, bytes.Count); // device lines, without the "Total" line
        Assert.Equal(("Read", 4096UL), (bytes[0].Op, bytes[0].Value));
        Assert.Equal((8UL, 0UL), (bytes[0].Major, bytes[0].Minor));
        Assert.Equal(2, s.Blkio.IoServicedRecursive!.Count);
        Assert.Empty(s.Blkio.IoQueuedRecursive!);
        Assert.Equal((4096UL, 8192UL), DockerStatsMath.BlockIo(s.Blkio));
        Assert.Equal(2UL, mgr.ReadOomKillCount(p));
        Assert.Equal([7, 42], mgr.ListPids(p));
        Assert.Equal(FreezerState.Frozen, mgr.ReadFreezerState(p));
    }

    [Fact]
    public void UnlimitedMemoryIsCappedToHostMemory()
    {
        using var dir = new TempDir();
        var (mgr, p) = V1Fixture(dir);
        dir.Write("cg/memory/wharf/c1/memory.limit_in_bytes", "9223372036854771712\n");
        Assert.Equal(4000000UL * 1024, mgr.ReadStats(p).Memory.Limit);
    }

    [Fact]
    public async Task ReadsV2Stats()
    {
        using var dir = new TempDir();
        var (mgr, p) = V2Fixture(dir);
        var s = mgr.ReadStats(p);
        Assert.Equal(100_215_000UL, s.Cpu.CpuUsage.TotalUsage);
        Assert.Null(s.Cpu.CpuUsage.PercpuUsage);
        Assert.Equal(50_000_000UL, s.Cpu.CpuUsage.UsageInUsermode);
        Assert.Equal(30_000_000UL, s.Cpu.CpuUsage.UsageInKernelmode);
        Assert.Equal(77_000UL, s.Cpu.ThrottlingData.ThrottledTime);
        Assert.Equal(ExpectedSystemNs, s.Cpu.SystemCpuUsage);
        Assert.Equal(6537216UL, s.Memory.Usage);
        Assert.Equal(0UL, s.Memory.MaxUsage);
        Assert.Equal(4000000UL * 1024, s.Memory.Limit); // "max" capped to MemTotal like Docker
        Assert.Equal(2048UL, s.Memory.Stats!["inactive_file"]);
        Assert.Equal((2UL, 100UL), (s.Pids.Current, s.Pids.Limit));
        var io = s.Blkio.IoServiceBytesRecursive!;
        Assert.Equal(4, io.Count);
        Assert.Equal(("read", 1024UL), (io[0].Op, io[0].Value));
        Assert.Equal(("write", 2048UL), (io[1].Op, io[1].Value));
        Assert.Equal((253UL, 1UL), (io[2].Major, io[2].Minor));
        Assert.Null(s.Blkio.IoServicedRecursive);
        Assert.Equal(1UL, mgr.ReadOomKillCount(p));
        Assert.True(await mgr.WasOomKilledAsync(p));
        Assert.Equal([100], mgr.ListPids(p));
        Assert.Equal(FreezerState.Thawed, mgr.ReadFreezerState(p));
        dir.Write("cg/wharf/c2/cgroup.freeze", "1\n");
        Assert.Equal(FreezerState.Freezing, mgr.ReadFreezerState(p));
        dir.Write("cg/wharf/c2/cgroup.events", "populated 1\nfrozen 1\n");
        Assert.Equal(FreezerState.Frozen, mgr.ReadFreezerState(p));
        Assert.Equal(6537216.0 - 2048, DockerStatsMath.MemoryUsageNoCache(s.Memory));
    }

    [Fact]
    public async Task MissingCgroupIsReported()
    {
        using var dir = new TempDir();
        var (mgr, _) = V2Fixture(dir);
        var gone = mgr.PathsFor("wharf", "nope");
        Assert.Throws<CgroupNotFoundException>(() => mgr.ReadStats(gone));
        Assert.Null(mgr.ReadOomKillCount(gone));
        Assert.False(await mgr.WasOomKilledAsync(gone));
        Assert.False(mgr.Exists(gone));

        var (v1, _) = V1Fixture(dir);
        Assert.Throws<CgroupNotFoundException>(() => v1.ReadStats(v1.PathsFor("wharf", "nope")));
    }

    [Fact]
    public void SystemCpuParsing()
    {
        Assert.True(SystemCpu.TryParse(ProcStat, out ulong ns, out uint cpus));
        Assert.Equal(ExpectedSystemNs, ns);
        Assert.Equal(2u, cpus);
        Assert.False(SystemCpu.TryParse("intr 1\n", out _, out _));
    }

    [Fact]
    public void ReadsThisHostsProcStat()
    {
        Assert.True(SystemCpu.TryRead(new CgroupFileReader(), "/proc/stat", out ulong ns, out uint cpus));
        Assert.True(ns > 0);
        Assert.Equal((uint)Environment.ProcessorCount, cpus);
    }

    [Fact]
    public void SerializesWithDockerFieldNames()
    {
        using var dir = new TempDir();
        var (mgr, p) = V1Fixture(dir);
        var s = mgr.ReadStats(p);
        var frame = new ContainerStats
        {
            Id = "abc",
            Name = "/web",
            Read = new DateTime(2015, 1, 8, 22, 57, 31, DateTimeKind.Utc).AddTicks(5479207),
            CpuStats = s.Cpu,
            MemoryStats = s.Memory,
            PidsStats = s.Pids,
            BlkioStats = s.Blkio,
        };
        string json = JsonSerializer.Serialize(frame, WharfJsonContext.Default.ContainerStats);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal("2015-01-08T22:57:31.5479207Z", root.GetProperty("read").GetString());
        Assert.Equal("0001-01-01T00:00:00Z", root.GetProperty("preread").GetString());
        Assert.Equal(3, root.GetProperty("pids_stats").GetProperty("current").GetInt32());
        Assert.False(root.GetProperty("pids_stats").TryGetProperty("limit", out _));
        Assert.Equal(100215355UL, root.GetProperty("cpu_stats").GetProperty("cpu_usage").GetProperty("total_usage").GetUInt64());
        Assert.Equal(2, root.GetProperty("cpu_stats").GetProperty("cpu_usage").GetProperty("percpu_usage").GetArrayLength());
        Assert.Equal(2, root.GetProperty("cpu_stats").GetProperty("online_cpus").GetInt32());
        Assert.Equal(12345, root.GetProperty("cpu_stats").GetProperty("throttling_data").GetProperty("throttled_time").GetInt32());
        Assert.False(root.GetProperty("precpu_stats").TryGetProperty("system_cpu_usage", out _));
        Assert.Equal(3, root.GetProperty("memory_stats").GetProperty("failcnt").GetInt32());
        Assert.Equal(6291456, root.GetProperty("memory_stats").GetProperty("stats").GetProperty("rss_huge").GetInt64());
        Assert.Equal("Read", root.GetProperty("blkio_stats").GetProperty("io_service_bytes_recursive")[0].GetProperty("op").GetString());
        Assert.Equal(0, root.GetProperty("num_procs").GetInt32());
        Assert.Equal(JsonValueKind.Object, root.GetProperty("storage_stats").ValueKind);
        Assert.Equal("/web", root.GetProperty("name").GetString());
        Assert.False(root.TryGetProperty("networks", out _));
        Assert.DoesNotContain("Read\":", json.Replace("\"op\":\"Read\"", "", StringComparison.Ordinal), StringComparison.Ordinal);

        // Round trip, including Go's nine fractional digits.
        var back = JsonSerializer.Deserialize(json.Replace("5479207Z", "547920715Z", StringComparison.Ordinal), WharfJsonContext.Default.ContainerStats)!;
        Assert.Equal(frame.Read, back.Read);
        Assert.Equal(frame.CpuStats.CpuUsage.TotalUsage, back.CpuStats.CpuUsage.TotalUsage);
    }

    [Fact]
    public void V2FrameLeavesOutV1OnlyFields()
    {
        using var dir = new TempDir();
        var (mgr, p) = V2Fixture(dir);
        var s = mgr.ReadStats(p);
        var frame = new ContainerStats { CpuStats = s.Cpu, MemoryStats = s.Memory, BlkioStats = s.Blkio, PidsStats = s.Pids };
        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(frame, WharfJsonContext.Default.ContainerStats));
        var root = doc.RootElement;
        Assert.False(root.GetProperty("cpu_stats").GetProperty("cpu_usage").TryGetProperty("percpu_usage", out _));
        Assert.False(root.GetProperty("memory_stats").TryGetProperty("max_usage", out _));
        Assert.False(root.GetProperty("memory_stats").TryGetProperty("failcnt", out _));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("blkio_stats").GetProperty("io_serviced_recursive").ValueKind);
        Assert.Equal(100, root.GetProperty("pids_stats").GetProperty("limit").GetInt32());
    }

    [Fact]
    public void GoTimeFormat()
    {
        Assert.Equal("0001-01-01T00:00:00Z", GoTimeJsonConverter.Format(default));
        Assert.Equal("2024-02-03T04:05:06.1Z", GoTimeJsonConverter.Format(new DateTime(2024, 2, 3, 4, 5, 6, 100, DateTimeKind.Utc)));
        Assert.Equal("2024-02-03T04:05:06Z", GoTimeJsonConverter.Format(new DateTime(2024, 2, 3, 4, 5, 6, DateTimeKind.Utc)));
    }
}
