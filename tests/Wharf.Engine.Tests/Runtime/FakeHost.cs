using Wharf.Api.Models;
using Wharf.Engine.Runtime;
using Wharf.Engine.Runtime.Spec;

namespace Wharf.Engine.Tests.Runtime;

internal sealed class FakeHostLimits : IHostLimits
{
    public int CpuCount { get; set; } = 2;
    public ulong NofileSoft { get; set; } = 20000;
    public ulong NofileHard { get; set; } = 20000;
    public bool CanRaiseHardLimits { get; set; }
    public IReadOnlySet<string> AvailableCapabilities { get; set; } =
        Capabilities.All.Where(c => c != "CAP_SYS_RESOURCE").ToHashSet();
    public Version KernelVersion { get; set; } = new(6, 1);
    public string Architecture { get; set; } = "amd64";
    public HashSet<string> Sysctls { get; } = ["net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start"];

    public (ulong Soft, ulong Hard) GetRlimit(string name) =>
        name is "nofile" ? (NofileSoft, NofileHard) : (ulong.MaxValue, ulong.MaxValue);

    public bool SysctlExists(string name) => Sysctls.Contains(name);
}

internal sealed class FakeHostDevices : IHostDevices
{
    public List<OciLinuxDevice> Devices { get; } =
    [
        new() { Path = "/dev/null", Type = "c", Major = 1, Minor = 3, FileMode = 0x1B6 },
        new() { Path = "/dev/sda", Type = "b", Major = 8, Minor = 0, FileMode = 0x1B0 },
        new() { Path = "/dev/fuse", Type = "c", Major = 10, Minor = 229, FileMode = 0x1B6 },
    ];

    public IReadOnlyList<OciLinuxDevice> All() => Devices.Select(Copy).ToList();

    public OciLinuxDevice? Get(string path) => Devices.FirstOrDefault(d => d.Path == path) is { } d ? Copy(d) : null;

    private static OciLinuxDevice Copy(OciLinuxDevice d) => new()
    {
        Path = d.Path, Type = d.Type, Major = d.Major, Minor = d.Minor, FileMode = d.FileMode, Uid = d.Uid, Gid = d.Gid,
    };
}

/// <summary>A tiny rootfs with /etc/passwd and /etc/group for user resolution.</summary>
internal sealed class FakeRootfs : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("wharf-rootfs-").FullName;

    public FakeRootfs(string? passwd = null, string? group = null)
    {
        Directory.CreateDirectory(System.IO.Path.Combine(Path, "etc"));
        File.WriteAllText(System.IO.Path.Combine(Path, "etc/passwd"), passwd ??
            "root:x:0:0:root:/root:/bin/sh\n" +
            "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n" +
            "app:x:1000:1000:App:/home/app:/bin/sh\n" +
            "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
        File.WriteAllText(System.IO.Path.Combine(Path, "etc/group"), group ??
            "root:x:0:\n" +
            "daemon:x:1:\n" +
            "audio:x:29:app\n" +
            "video:x:44:app,other\n" +
            "app:x:1000:\n" +
            "staff:x:50:\n" +
            "nogroup:x:65534:\n");
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, true); } catch (IOException) { }
    }
}

internal static class SpecTestSupport
{
    public const string Id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    public static OciSpecResult Build(Action<ContainerConfig>? config = null, Action<HostConfig>? host = null,
        FakeHostLimits? limits = null, Func<OciSpecRequest, OciSpecRequest>? request = null, string? rootfs = null)
    {
        using var fake = rootfs is null ? new FakeRootfs() : null;
        var c = new ContainerConfig { Cmd = ["sh"] };
        config?.Invoke(c);
        var hc = new HostConfig();
        host?.Invoke(hc);
        var req = new OciSpecRequest
        {
            ContainerId = Id,
            Config = c,
            HostConfig = hc,
            RootfsPath = rootfs ?? fake!.Path,
            HostnamePath = "/var/lib/wharf/containers/x/hostname",
            HostsPath = "/var/lib/wharf/containers/x/hosts",
            ResolvConfPath = "/var/lib/wharf/containers/x/resolv.conf",
        };
        if (request is not null) req = request(req);
        return new OciSpecBuilder(limits ?? new FakeHostLimits(), new FakeHostDevices()).Build(req);
    }

    public static OciSpec Spec(Action<ContainerConfig>? config = null, Action<HostConfig>? host = null, FakeHostLimits? limits = null,
        Func<OciSpecRequest, OciSpecRequest>? request = null) => Build(config, host, limits, request).Spec;

    public static string Error(Action<ContainerConfig>? config = null, Action<HostConfig>? host = null, FakeHostLimits? limits = null,
        Func<OciSpecRequest, OciSpecRequest>? request = null)
    {
        var e = Assert.Throws<BadRequestException>(() => Build(config, host, limits, request));
        Assert.Equal(400, e.StatusCode);
        return e.Message;
    }
}
