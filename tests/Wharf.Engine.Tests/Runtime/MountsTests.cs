using Wharf.Engine.Runtime;
using static Wharf.Engine.Tests.Runtime.SpecTestSupport;

namespace Wharf.Engine.Tests.Runtime;

public class MountsTests
{
    [Fact]
    public void DefaultsThenGeneratedFilesInDockersOrder()
    {
        var mounts = Spec().Mounts;
        Assert.Equal(["/proc", "/dev", "/dev/pts", "/sys", "/sys/fs/cgroup", "/dev/mqueue", "/dev/shm",
            "/etc/resolv.conf", "/etc/hostname", "/etc/hosts"], mounts.Select(m => m.Destination));
        var shm = mounts.Single(m => m.Destination == "/dev/shm");
        Assert.Equal(["nosuid", "noexec", "nodev", "mode=1777", "size=67108864"], shm.Options);
        Assert.Equal(["nosuid", "noexec", "nodev", "ro"], mounts.Single(m => m.Destination == "/sys").Options);
        Assert.Contains("ro", mounts.Single(m => m.Destination == "/sys/fs/cgroup").Options!);
        var hosts = mounts.Single(m => m.Destination == "/etc/hosts");
        Assert.Equal(("bind", "/var/lib/wharf/containers/x/hosts"), (hosts.Type, hosts.Source));
        Assert.Equal(["rbind", "rprivate"], hosts.Options);
    }

    [Fact]
    public void ShmSizeAndIpcNone()
    {
        Assert.Contains("size=1048576", Spec(host: h => h.ShmSize = 1 << 20).Mounts.Single(m => m.Destination == "/dev/shm").Options!);
        Assert.DoesNotContain(Spec(host: h => h.IpcMode = "none").Mounts, m => m.Destination == "/dev/shm");
        var shared = Spec(request: r => r with { ShmPath = "/var/lib/wharf/containers/y/shm" }).Mounts.Single(m => m.Destination == "/dev/shm");
        Assert.Equal("bind", shared.Type);
    }

    [Fact]
    public void UserMountsAreSortedParentsFirstAndReplaceDefaults()
    {
        var spec = Spec(host: h => h.Tmpfs = new() { ["/run"] = "size=10m,exec", ["/data/cache"] = "" },
            request: r => r with
            {
                Mounts =
                [
                    new UserMount("/srv/deep", "/data/a/b"),
                    new UserMount("/srv/data", "/data", Options: ["rbind", "ro", "rprivate"]),
                    new UserMount("/srv/resolv", "/etc/resolv.conf", Options: ["rbind", "ro"]),
                    new UserMount("/srv/mq", "/dev/mqueue/"),
                ],
            });
        var dests = spec.Mounts.Select(m => m.Destination).ToList();
        Assert.Equal(["/proc", "/dev", "/dev/pts", "/sys", "/sys/fs/cgroup", "/dev/shm",
            "/data", "/run", "/etc/resolv.conf", "/dev/mqueue", "/data/cache", "/etc/hostname", "/etc/hosts", "/data/a/b"], dests);
        Assert.Equal("/srv/resolv", spec.Mounts.Single(m => m.Destination == "/etc/resolv.conf").Source);
        Assert.Equal(["rbind"], spec.Mounts.Single(m => m.Destination == "/data/a/b").Options);
        var run = spec.Mounts.Single(m => m.Destination == "/run");
        Assert.Equal("tmpfs", run.Type);
        Assert.Equal(["nosuid", "nodev", "rprivate", "size=10m", "exec"], run.Options);
        Assert.Equal(["noexec", "nosuid", "nodev", "rprivate"], spec.Mounts.Single(m => m.Destination == "/data/cache").Options);
    }

    [Fact]
    public void UserDevReplacesEverythingUnderDev()
    {
        var dests = Spec(request: r => r with { Mounts = [new UserMount("/srv/dev", "/dev")] }).Mounts.Select(m => m.Destination);
        Assert.DoesNotContain("/dev/pts", dests);
        Assert.DoesNotContain("/dev/shm", dests);
        Assert.Single(dests, d => d == "/dev");
    }

    [Fact]
    public void ReadOnlyRootfs()
    {
        var spec = Spec(host: h => { h.ReadonlyRootfs = true; h.Tmpfs = new() { ["/tmp"] = "" }; });
        Assert.True(spec.Root!.Readonly);
        foreach (var m in spec.Mounts)
        {
            var ro = m.Options!.Contains("ro");
            switch (m.Destination)
            {
                case "/proc" or "/dev" or "/dev/pts" or "/dev/shm" or "/dev/mqueue" or "/tmp":
                    Assert.False(ro, m.Destination);
                    break;
                default:
                    Assert.True(ro, m.Destination);
                    break;
            }
        }
        Assert.Equal(["rbind", "ro", "rprivate"], spec.Mounts.Single(m => m.Destination == "/etc/hosts").Options);
        Assert.False(Spec().Root!.Readonly);
    }

    [Fact]
    public void RelativeMountDestinationIsRefused()
    {
        Assert.Equal("invalid mount config: mount path must be absolute: data",
            Error(request: r => r with { Mounts = [new UserMount("/srv", "data")] }));
        Assert.Equal("Duplicate mount point: /data",
            Error(host: h => h.Tmpfs = new() { ["/data"] = "" }, request: r => r with { Mounts = [new UserMount("/srv", "/data/")] }));
    }

    [Fact]
    public void SharedBindMakesRootPropagationShared()
    {
        Assert.Equal("shared", Spec(request: r => r with { Mounts = [new UserMount("/srv", "/data", Options: ["rbind", "rshared"])] }).Linux!.RootfsPropagation);
        Assert.Null(Spec().Linux!.RootfsPropagation);
    }

    [Fact]
    public void TmpfsOptionMerging()
    {
        Assert.Equal(["nodev", "exec", "size=2m", "suid", "rshared"],
            TmpfsOptions.Merge(["noexec", "nosuid", "nodev", "rprivate", "size=1m", "exec", "size=2m", "suid", "rshared"]));
    }
}
