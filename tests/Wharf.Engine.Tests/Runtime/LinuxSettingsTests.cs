using Wharf.Engine.Runtime;
using Wharf.Engine.Runtime.Spec;
using static Wharf.Engine.Tests.Runtime.SpecTestSupport;

namespace Wharf.Engine.Tests.Runtime;

public class LinuxSettingsTests
{
    private sealed class Resolver : INamespaceResolver
    {
        public string GetNamespacePath(string container, string namespaceType) =>
            container == "other" ? $"/proc/4242/ns/{(namespaceType == "network" ? "net" : namespaceType)}" : throw new NotFoundException($"No such container: {container}");
    }

    [Fact]
    public void DefaultNamespacesMaskedPathsDevicesAndCgroupPath()
    {
        var linux = Spec().Linux!;
        Assert.Equal(["mount", "network", "uts", "pid", "ipc"], linux.Namespaces.Select(n => n.ToString()));
        Assert.Contains("/proc/kcore", linux.MaskedPaths!);
        Assert.Contains("/sys/firmware", linux.MaskedPaths!);
        Assert.Equal(["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"], linux.ReadonlyPaths);
        Assert.Equal("deny a *:* rwm", linux.Resources!.Devices![0].ToString());
        Assert.Contains("allow c 1:3 rwm", linux.Resources.Devices.Select(d => d.ToString()));
        Assert.Contains("deny c 10:229 rwm", linux.Resources.Devices.Select(d => d.ToString()));
        Assert.Empty(linux.Devices!);
        Assert.Equal("/wharf/" + Id, linux.CgroupsPath);
        Assert.Equal("0 2147483647", linux.Sysctl!["net.ipv4.ping_group_range"]);
        Assert.Equal("0", linux.Sysctl["net.ipv4.ip_unprivileged_port_start"]);
    }

    [Fact]
    public void HostAndContainerModes()
    {
        var linux = Spec(host: h => { h.NetworkMode = "host"; h.PidMode = "host"; h.IpcMode = "host"; h.UTSMode = "host"; }).Linux!;
        Assert.Equal(["mount"], linux.Namespaces.Select(n => n.Type));
        Assert.Null(linux.Sysctl);
        Assert.Null(Spec(host: h => h.UTSMode = "host").Hostname);

        var joined = Spec(host: h => { h.NetworkMode = "container:other"; h.PidMode = "container:other"; h.IpcMode = "container:other"; },
            request: r => r with { Namespaces = new Resolver() }).Linux!;
        Assert.Equal(["mount", "network=/proc/4242/ns/net", "uts", "pid=/proc/4242/ns/pid", "ipc=/proc/4242/ns/ipc"], joined.Namespaces.Select(n => n.ToString()));
        Assert.Null(joined.Sysctl);

        var prepared = Spec(host: h => h.NetworkMode = "bridge", request: r => r with { NetworkNamespacePath = "/run/wharf/netns/abc" }).Linux!;
        Assert.Equal("network=/run/wharf/netns/abc", prepared.Namespaces[1].ToString());

        Assert.Equal(["mount", "network", "uts", "pid", "ipc", "cgroup"], Spec(request: r => r with { CgroupVersion = 2 }).Linux!.Namespaces.Select(n => n.ToString()));
        Assert.Equal("invalid IPC mode: bogus", Error(host: h => h.IpcMode = "bogus"));
        Assert.Equal("invalid PID mode: container:", Error(host: h => h.PidMode = "container:"));
        Assert.Equal("invalid UTS mode: private", Error(host: h => h.UTSMode = "private"));
        Assert.Equal("invalid cgroup namespace mode: bogus", Error(host: h => h.CgroupnsMode = "bogus"));
    }

    [Fact]
    public void CgroupParents()
    {
        Assert.Equal("/custom/" + Id, Spec(host: h => h.CgroupParent = "/custom/").Linux!.CgroupsPath);
        Assert.Equal("/test-parent/" + Id, Spec(request: r => r with { CgroupParent = "/test-parent" }).Linux!.CgroupsPath);
        Assert.Equal("system.slice:wharf:" + Id, Spec(request: r => r with { CgroupDriver = CgroupDriver.Systemd }).Linux!.CgroupsPath);
        Assert.Equal("cgroup-parent for systemd cgroup should be a valid slice named as \"xxx.slice\"",
            Error(host: h => h.CgroupParent = "foo", request: r => r with { CgroupDriver = CgroupDriver.Systemd }));
    }

    [Fact]
    public void PrivilegedLiftsConfinement()
    {
        var spec = Spec(host: h => h.Privileged = true);
        var linux = spec.Linux!;
        Assert.Null(linux.MaskedPaths);
        Assert.Null(linux.ReadonlyPaths);
        Assert.Null(linux.Seccomp);
        Assert.Equal(["/dev/null", "/dev/sda", "/dev/fuse"], linux.Devices!.Select(d => d.Path));
        Assert.Equal("allow a *:* rwm", Assert.Single(linux.Resources!.Devices!).ToString());
        Assert.DoesNotContain("ro", spec.Mounts.Single(m => m.Destination == "/sys").Options!);
        Assert.DoesNotContain("ro", spec.Mounts.Single(m => m.Destination == "/sys/fs/cgroup").Options!);
        Assert.Null(spec.Process!.ApparmorProfile);
    }

    [Fact]
    public void SystemPathsUnconfinedAndDevices()
    {
        var linux = Spec(host: h => { h.MaskedPaths = []; h.ReadonlyPaths = []; }).Linux!;
        Assert.Empty(linux.MaskedPaths!);
        Assert.Empty(linux.ReadonlyPaths!);

        var withDevice = Spec(host: h =>
        {
            h.Devices = [new() { PathOnHost = "/dev/sda", PathInContainer = "/dev/xvda", CgroupPermissions = "r" }];
            h.DeviceCgroupRules = ["c 42:* rmw"];
        }).Linux!;
        var dev = Assert.Single(withDevice.Devices!);
        Assert.Equal(("/dev/xvda", "b", 8L, 0L), (dev.Path, dev.Type, dev.Major, dev.Minor));
        Assert.Contains("allow b 8:0 r", withDevice.Resources!.Devices!.Select(d => d.ToString()));
        Assert.Contains("allow c 42:* rmw", withDevice.Resources.Devices!.Select(d => d.ToString()));
        Assert.Equal("invalid device cgroup rule format: 'c 42 rwm'", Error(host: h => h.DeviceCgroupRules = ["c 42 rwm"]));
        Assert.Equal("error gathering device information while adding custom device \"/dev/nope\": not a device node",
            Error(host: h => h.Devices = [new() { PathOnHost = "/dev/nope" }]));
    }

    [Theory]
    [InlineData("net.core.somaxconn", null, null)]
    [InlineData("net.core.somaxconn", "host", "sysctl \"net.core.somaxconn\" not allowed in host network namespace")]
    [InlineData("kernel.shmmax", null, null)]
    [InlineData("kernel.msgmax", null, null)]
    [InlineData("fs.mqueue.msg_max", null, null)]
    [InlineData("kernel.shm_rmid_forced", "ipchost", "sysctl \"kernel.shm_rmid_forced\" is not allowed in the hosts ipc namespace")]
    [InlineData("kernel.domainname", null, null)]
    [InlineData("kernel.hostname", null, "sysctl \"kernel.hostname\" is not allowed as it conflicts with the OCI \"hostname\" field")]
    [InlineData("vm.swappiness", null, "sysctl \"vm.swappiness\" is not in a separate kernel namespace")]
    [InlineData("kernel.pid_max", null, "sysctl \"kernel.pid_max\" is not in a separate kernel namespace")]
    public void SysctlsMustBeNamespaced(string name, string? mode, string? error)
    {
        void Host(Wharf.Api.Models.HostConfig h)
        {
            h.Sysctls = new() { [name] = "1" };
            if (mode == "host") h.NetworkMode = "host";
            if (mode == "ipchost") h.IpcMode = "host";
        }
        if (error is null)
        {
            Assert.Equal("1", Spec(host: Host).Linux!.Sysctl![name]);
        }
        else
        {
            Assert.Equal(error, Error(host: Host));
        }
    }
}
