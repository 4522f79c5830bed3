using System.Diagnostics;
using Wharf.Api.Models;
using Wharf.Engine.Cgroups;

namespace Wharf.Engine.Tests.Cgroups;

public class StatsSamplerTests
{
    private static (FakeCgroupManager Fake, CgroupPaths Paths) Setup()
    {
        var fake = new FakeCgroupManager();
        var paths = fake.PathsFor("wharf", "c1");
        fake.Create(paths);
        return (fake, paths);
    }

    [Fact]
    public void CpuPercentTheWayTheDockerCliComputesIt()
    {
        // The swagger example frame: 121359 ns of container CPU over 729814450000000 ns of host CPU on 4 CPUs.
        var frame = new ContainerStats
        {
            CpuStats = new CpuStats
            {
                CpuUsage = new CpuUsage { TotalUsage = 100215355, PercpuUsage = [8646879, 24472255, 36438778, 30657443] },
                SystemCpuUsage = 739306590000000,
                OnlineCpus = 4,
            },
            PreCpuStats = new CpuStats
            {
                CpuUsage = new CpuUsage { TotalUsage = 100093996 },
                SystemCpuUsage = 9492140000000,
                OnlineCpus = 4,
            },
        };
        double expected = 121359.0 / 729814450000000.0 * 4 * 100;
        Assert.Equal(expected, DockerStatsMath.CpuPercent(frame), 15);

        // One full CPU busy on a 2-CPU host for 1 s: container 1e9 ns, system 2e9 ns → 100 %.
        var busy = new CpuStats { CpuUsage = new CpuUsage { TotalUsage = 3_000_000_000 }, SystemCpuUsage = 12_000_000_000, OnlineCpus = 2 };
        Assert.Equal(100.0, DockerStatsMath.CpuPercent(2_000_000_000, 10_000_000_000, busy), 9);

        // Without online_cpus the CLI counts percpu_usage entries.
        busy.OnlineCpus = 0;
        busy.CpuUsage.PercpuUsage = [1, 2, 3, 4];
        Assert.Equal(200.0, DockerStatsMath.CpuPercent(2_000_000_000, 10_000_000_000, busy), 9);

        // No precpu (one-shot) or no change: 0.
        Assert.Equal(0.0, DockerStatsMath.CpuPercent(new ContainerStats()));
        Assert.Equal(0.0, DockerStatsMath.CpuPercent(3_000_000_000, 12_000_000_000, busy));
    }

    [Fact]
    public void MemoryPercentTheWayTheDockerCliComputesIt()
    {
        var v1 = new MemoryStats { Usage = 100 << 20, Limit = 400 << 20, Stats = new() { ["total_inactive_file"] = 20 << 20, ["inactive_file"] = 1 } };
        Assert.Equal(80 << 20, DockerStatsMath.MemoryUsageNoCache(v1));
        Assert.Equal(20.0, DockerStatsMath.MemoryPercent(v1), 9);
        var v2 = new MemoryStats { Usage = 100 << 20, Limit = 200 << 20, Stats = new() { ["inactive_file"] = 50 << 20 } };
        Assert.Equal(25.0, DockerStatsMath.MemoryPercent(v2), 9);
        Assert.Equal(0.0, DockerStatsMath.MemoryPercent(new MemoryStats { Usage = 5 }));
        var net = new Dictionary<string, ContainerNetworkStats> { ["eth0"] = new() { RxBytes = 5338, TxBytes = 648 }, ["eth5"] = new() { RxBytes = 4641, TxBytes = 690 } };
        Assert.Equal((9979.0, 1338.0), DockerStatsMath.Network(net));
    }

    [Fact]
    public async Task NoStreamAnswersFromCachedSamplesWithPrecpu()
    {
        var (fake, paths) = Setup();
        using var sampler = new StatsSampler(fake) { Interval = TimeSpan.FromSeconds(30), FirstPairGap = TimeSpan.FromMilliseconds(10) };

        // First request: no history, so two samples a short gap apart.
        var first = await sampler.GetAsync("c1", "web", paths);
        Assert.Equal(2, fake.StatsReads);
        Assert.Equal("/web", first.Name);
        Assert.Equal("c1", first.Id);
        Assert.Equal(20_000_000UL, first.CpuStats.CpuUsage.TotalUsage);
        Assert.Equal(10_000_000UL, first.PreCpuStats.CpuUsage.TotalUsage);
        Assert.True(first.PreRead < first.Read);
        Assert.Equal(2.0, DockerStatsMath.CpuPercent(first), 9); // 10 ms over 1 s system on 2 CPUs

        // Within the interval: answered at once from the cache, no read.
        var sw = Stopwatch.StartNew();
        var second = await sampler.GetAsync("c1", "web", paths);
        sw.Stop();
        Assert.Equal(2, fake.StatsReads);
        Assert.Same(first.CpuStats, second.CpuStats);
        Assert.True(sw.ElapsedMilliseconds < 50);

        // one-shot: the current sample, no precpu.
        var oneShot = await sampler.GetAsync("c1", "web", paths, oneShot: true);
        Assert.Equal(0UL, oneShot.PreCpuStats.CpuUsage.TotalUsage);
        Assert.Equal(default, oneShot.PreRead);
        Assert.Equal(2, fake.StatsReads);
    }

    [Fact]
    public async Task AfterTheIntervalOneNewReadGivesCurrentAndPrevious()
    {
        var (fake, paths) = Setup();
        using var sampler = new StatsSampler(fake) { Interval = TimeSpan.FromMilliseconds(50), FirstPairGap = TimeSpan.FromMilliseconds(5) };
        await sampler.GetAsync("c1", null, paths);
        Assert.Equal(2, fake.StatsReads);
        await Task.Delay(80);
        var s = await sampler.GetAsync("c1", null, paths);
        Assert.Equal(3, fake.StatsReads);
        Assert.Equal(30_000_000UL, s.CpuStats.CpuUsage.TotalUsage);
        Assert.Equal(20_000_000UL, s.PreCpuStats.CpuUsage.TotalUsage);
        Assert.Null(s.Name);
    }

    [Fact]
    public async Task OneShotOnAFreshContainerReadsOnce()
    {
        var (fake, paths) = Setup();
        using var sampler = new StatsSampler(fake);
        var s = await sampler.GetAsync("c1", "x", paths, oneShot: true);
        Assert.Equal(1, fake.StatsReads);
        Assert.Equal(10_000_000UL, s.CpuStats.CpuUsage.TotalUsage);
        Assert.Equal(0UL, s.PreCpuStats.SystemCpuUsage);
    }

    [Fact]
    public async Task StreamSharesOneBackgroundLoopAndStopsWithoutReaders()
    {
        var (fake, paths) = Setup();
        using var sampler = new StatsSampler(fake) { Interval = TimeSpan.FromMilliseconds(40) };
        using var cts = new CancellationTokenSource();
        var a = Collect(sampler.StreamAsync("c1", "web", paths, cts.Token), 4);
        var b = Collect(sampler.StreamAsync("c1", "web", paths, cts.Token), 4);
        var framesA = await a.WaitAsync(TimeSpan.FromSeconds(5));
        var framesB = await b.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(4, framesA.Count);
        Assert.Equal(4, framesB.Count);
        // Two readers, one loop: reads are about frames-per-reader, not twice that.
        Assert.InRange(fake.StatsReads, 4, 6);
        for (int i = 1; i < framesA.Count; i++)
        {
            Assert.True(framesA[i].CpuStats.CpuUsage.TotalUsage > framesA[i - 1].CpuStats.CpuUsage.TotalUsage);
            // precpu is the sample just before (the fake adds 10 ms of CPU per read).
            Assert.Equal(10_000_000UL, framesA[i].CpuStats.CpuUsage.TotalUsage - framesA[i].PreCpuStats.CpuUsage.TotalUsage);
        }
        int reads = fake.StatsReads;
        await Task.Delay(200);
        Assert.InRange(fake.StatsReads, reads, reads + 1); // loop ends once nobody streams
    }

    [Fact]
    public async Task StreamEndsWhenTheCgroupGoes()
    {
        var (fake, paths) = Setup();
        using var sampler = new StatsSampler(fake) { Interval = TimeSpan.FromMilliseconds(20) };
        var frames = new List<ContainerStats>();
        await Assert.ThrowsAsync<CgroupNotFoundException>(async () =>
        {
            await foreach (var f in sampler.StreamAsync("c1", "web", paths))
            {
                frames.Add(f);
                if (frames.Count == 2)
                {
                    await fake.RemoveAsync("wharf", "c1");
                }
            }
        });
        Assert.Equal(2, frames.Count);
        await Assert.ThrowsAsync<CgroupNotFoundException>(async () => await sampler.GetAsync("c1", "web", paths));
    }

    [Fact]
    public async Task NetworksComeFromTheExtensionPoint()
    {
        var (fake, paths) = Setup();
        using var sampler = new StatsSampler(fake) { Networks = new StaticNetworks() };
        var s = await sampler.GetAsync("c1", "web", paths, oneShot: true);
        Assert.Equal(42UL, s.Networks!["eth0"].RxBytes);
        Assert.Null(StatsSampler.Empty("c1", "web").Networks);
        Assert.Equal("/web", StatsSampler.Empty("c1", "web").Name);
    }

    [Fact]
    public async Task FakeManagerOomAndRemoval()
    {
        var (fake, paths) = Setup();
        using var w = fake.CreateOomWatcher();
        OomEvent? seen = null;
        w.Oom += e => seen = e;
        Assert.True(w.Watch("c1", paths));
        Assert.False(await fake.WasOomKilledAsync(paths));
        fake.TriggerOom(paths);
        Assert.True(await fake.WasOomKilledAsync(paths));
        Assert.Equal(new OomEvent("c1", 1), seen);
        Assert.True(w.SawOom("c1"));
        fake.Create(fake.PathsFor("wharf", "c2"));
        Assert.Equal(["c1", "c2"], fake.ListChildren("wharf"));
        Assert.True(await fake.RemoveAsync("wharf", "c1"));
        Assert.Equal(["/wharf/c2"], fake.Existing);
    }

    private static async Task<List<ContainerStats>> Collect(IAsyncEnumerable<ContainerStats> stream, int count)
    {
        var list = new List<ContainerStats>();
        await foreach (var f in stream)
        {
            list.Add(f);
            if (list.Count == count)
            {
                break;
            }
        }
        return list;
    }

    private sealed class StaticNetworks : INetworkStatsSource
    {
        public Dictionary<string, ContainerNetworkStats>? Read(string containerId)
            => new() { ["eth0"] = new ContainerNetworkStats { RxBytes = 42 } };
    }
}
