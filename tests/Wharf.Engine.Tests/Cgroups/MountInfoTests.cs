using Wharf.Engine.Cgroups;

namespace Wharf.Engine.Tests.Cgroups;

public class MountInfoTests
{
    // Separate v1 controllers plus a hybrid "unified" cgroup2 mount (this CI host's layout).
    internal const string HybridSeparate = """
        22 1 0:21 / / rw,relatime - overlay overlay rw,lowerdir=/a,upperdir=/b,workdir=/c
        31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
        32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
        33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
        34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
        35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
        36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices
        37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
        38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
        39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
        40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
        41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
        """;

    // Debian/Ubuntu-style v1 with co-mounted cpu,cpuacct and net_cls,net_prio, optional fields present.
    internal const string LegacyCoMounted = """
        25 30 0:23 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
        26 25 0:24 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:10 - cgroup cgroup rw,xattr,release_agent=/lib/systemd/systemd-cgroups-agent,name=systemd
        29 25 0:27 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:13 - cgroup cgroup rw,cpu,cpuacct
        30 25 0:28 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,net_cls,net_prio
        31 25 0:29 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,memory
        32 25 0:30 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:16 master:3 - cgroup cgroup rw,pids
        33 25 0:31 / /sys/fs/cgroup/hugetlb rw,nosuid,nodev,noexec,relatime shared:17 - cgroup cgroup rw,hugetlb
        """;

    internal const string PureV2 = """
        24 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
        27 24 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
        """;

    [Fact]
    public void ParsesFieldsOptionalFieldsAndSuperOptions()
    {
        Assert.True(MountInfo.TryParseLine(
            "32 25 0:30 / /sys/fs/cgroup/pids rw,nosuid,relatime shared:16 master:3 - cgroup cgroup rw,pids", out var e));
        Assert.Equal(32, e.MountId);
        Assert.Equal(25, e.ParentId);
        Assert.Equal("0:30", e.MajorMinor);
        Assert.Equal("/", e.Root);
        Assert.Equal("/sys/fs/cgroup/pids", e.MountPoint);
        Assert.Equal("rw,nosuid,relatime", e.MountOptions);
        Assert.Equal(["shared:16", "master:3"], e.OptionalFields);
        Assert.Equal("cgroup", e.FsType);
        Assert.Equal("cgroup", e.Source);
        Assert.Equal(["rw", "pids"], e.SuperOptionList);
    }

    [Fact]
    public void NoOptionalFields()
    {
        Assert.True(MountInfo.TryParseLine("41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw", out var e));
        Assert.Empty(e.OptionalFields);
        Assert.Equal("cgroup2", e.FsType);
    }

    [Fact]
    public void UnescapesOctalSequencesInPaths()
    {
        Assert.True(MountInfo.TryParseLine(
            @"50 31 0:40 /my\040dir /mnt/with\040space\011tab\134back rw - cgroup cg\040src rw,memory", out var e));
        Assert.Equal("/my dir", e.Root);
        Assert.Equal("/mnt/with space\ttab\\back", e.MountPoint);
        Assert.Equal("cg src", e.Source);
        Assert.Equal("/mnt/with space\ttab\\back", MountInfo.Parse(@"50 31 0:40 / /mnt/with\040space\011tab\134back rw - cgroup cgroup rw,memory")[0].MountPoint);
    }

    [Fact]
    public void SkipsMalformedLines()
    {
        var list = MountInfo.Parse("garbage\n\n1 2 3\n41 31 0:38 / /u rw - cgroup2 cgroup2 rw\n");
        Assert.Single(list);
    }

    [Fact]
    public void HybridWithSeparateControllers()
    {
        var host = CgroupHost.FromMountInfo(HybridSeparate);
        Assert.Equal(CgroupMode.Hybrid, host.Mode);
        Assert.Equal("1", host.Version);
        Assert.Equal("/sys/fs/cgroup/cpu", host.V1Mounts["cpu"]);
        Assert.Equal("/sys/fs/cgroup/cpuacct", host.V1Mounts["cpuacct"]);
        Assert.Equal("/sys/fs/cgroup/memory", host.V1Mounts["memory"]);
        Assert.Equal("/sys/fs/cgroup/systemd", host.V1Mounts["name=systemd"]);
        Assert.Equal("/sys/fs/cgroup/unified", host.UnifiedMount);
        Assert.Contains("pids", host.Controllers);
        Assert.DoesNotContain("name=systemd", host.Controllers);

        var p = host.PathsFor("wharf", "abc");
        Assert.Equal("/wharf/abc", p.Relative);
        Assert.Equal("/sys/fs/cgroup/memory/wharf/abc", p.For("memory"));
        Assert.Equal("/sys/fs/cgroup/cpuacct/wharf/abc", p.For("cpuacct"));
        Assert.Equal("/sys/fs/cgroup/unified/wharf/abc", p.Unified);
        Assert.Contains("/sys/fs/cgroup/systemd/wharf/abc", p.AllDirectories);
        Assert.Equal(10, p.AllDirectories.Count);
    }

    [Fact]
    public void LegacyWithCoMountedCpuAndCpuacct()
    {
        var host = CgroupHost.FromMountInfo(LegacyCoMounted);
        Assert.Equal(CgroupMode.Legacy, host.Mode);
        Assert.Equal("1", host.Version);
        Assert.Null(host.UnifiedMount);
        Assert.Equal("/sys/fs/cgroup/cpu,cpuacct", host.V1Mounts["cpu"]);
        Assert.Equal("/sys/fs/cgroup/cpu,cpuacct", host.V1Mounts["cpuacct"]);
        Assert.Equal("/sys/fs/cgroup/net_cls,net_prio", host.V1Mounts["net_prio"]);
        Assert.DoesNotContain("xattr", host.V1Mounts.Keys);
        Assert.DoesNotContain("release_agent=/lib/systemd/systemd-cgroups-agent", host.V1Mounts.Keys);
        var p = host.PathsFor("/wharf/", "c1");
        Assert.Equal(p.For("cpu"), p.For("cpuacct"));
        // Co-mounted hierarchies are one directory: cpu,cpuacct + net_cls,net_prio + memory + pids + hugetlb + systemd.
        Assert.Equal(6, p.AllDirectories.Count);
        Assert.Null(p.Unified);
    }

    [Fact]
    public void PureV2Host()
    {
        var host = CgroupHost.FromMountInfo(PureV2.Replace("/sys/fs/cgroup", "/nonexistent/cg", StringComparison.Ordinal));
        Assert.Equal(CgroupMode.Unified, host.Mode);
        Assert.Equal("2", host.Version);
        Assert.Empty(host.V1Mounts);
        var p = host.PathsFor("wharf", "x");
        Assert.True(p.IsV2);
        Assert.Equal("/nonexistent/cg/wharf/x", p.Unified);
        Assert.Equal("/nonexistent/cg/wharf/x", p.For("memory"));
        Assert.Single(p.AllDirectories);
    }

    [Fact]
    public void NoCgroupsAtAll()
    {
        var host = CgroupHost.FromMountInfo("24 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n");
        Assert.Equal(CgroupMode.None, host.Mode);
        Assert.Throws<NotSupportedException>(() => CgroupManager.Create(host));
    }

    [Fact]
    public void V2ControllersAndFeaturesComeFromTheRoot()
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "cgroup.controllers"), "cpuset cpu io memory hugetlb pids rdma misc\n");
        Directory.CreateDirectory(Path.Combine(dir.Path, "init.scope"));
        File.WriteAllText(Path.Combine(dir.Path, "init.scope", "memory.max"), "max\n");
        File.WriteAllText(Path.Combine(dir.Path, "init.scope", "memory.swap.max"), "max\n");
        var host = CgroupHost.FromMountInfo(PureV2.Replace("/sys/fs/cgroup", dir.Path, StringComparison.Ordinal));
        Assert.Equal(["cpu", "cpuset", "hugetlb", "io", "memory", "misc", "pids", "rdma"], host.Controllers.Order());
        var f = host.Features;
        Assert.True(f.MemoryLimit && f.SwapLimit && f.CpuCfsQuota && f.CpuShares && f.CPUSet && f.PidsLimit);
        Assert.False(f.OomKillDisable);
        Assert.False(f.KernelMemoryTCP);
        Assert.Empty(f.Warnings);
    }

    [Fact]
    public void V1FeaturesComeFromControlFiles()
    {
        using var dir = new TempDir();
        string text = HybridSeparate.Replace("/sys/fs/cgroup", dir.Path, StringComparison.Ordinal);
        foreach (var (c, files) in new[]
        {
            ("memory", new[] { "memory.limit_in_bytes", "memory.oom_control", "memory.kmem.tcp.limit_in_bytes", "memory.soft_limit_in_bytes" }),
            ("cpu", new[] { "cpu.shares", "cpu.cfs_quota_us", "cpu.cfs_period_us" }),
            ("cpuset", new[] { "cpuset.cpus" }),
        })
        {
            Directory.CreateDirectory(Path.Combine(dir.Path, c));
            foreach (var f in files)
            {
                File.WriteAllText(Path.Combine(dir.Path, c, f), "0\n");
            }
        }
        var host = CgroupHost.FromMountInfo(text);
        var ft = host.Features;
        Assert.True(ft.MemoryLimit);
        Assert.False(ft.SwapLimit); // no memory.memsw.limit_in_bytes
        Assert.True(ft.OomKillDisable);
        Assert.True(ft.KernelMemoryTCP);
        Assert.True(ft.CpuCfsQuota && ft.CpuCfsPeriod && ft.CpuShares && ft.CPUSet && ft.PidsLimit);
        Assert.Equal(["WARNING: No swap limit support"], ft.Warnings);
    }

    [Fact]
    public void RefusesBadNames()
    {
        var host = CgroupHost.FromMountInfo(HybridSeparate);
        Assert.Throws<ArgumentException>(() => host.PathsFor("wharf", "../etc"));
        Assert.Throws<ArgumentException>(() => host.PathsFor("wharf", "a/b"));
        Assert.Throws<ArgumentException>(() => host.PathsFor("../x", "a"));
        Assert.Throws<ArgumentException>(() => host.PathsFor("wharf", ""));
        Assert.Equal("/a/b", CgroupHost.NormalizeRelative("//a///b/"));
    }

    [Fact]
    public void ThisHostIsDiscovered()
    {
        var host = CgroupHost.Discover();
        Assert.NotEqual(CgroupMode.None, host.Mode);
        if (host.Mode != CgroupMode.Unified)
        {
            Assert.True(host.V1Mounts.ContainsKey("memory"));
            Assert.True(host.Features.MemoryLimit);
        }
    }
}

/// <summary>A temporary directory removed on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "wharf-cg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string relative, string content)
    {
        string full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
