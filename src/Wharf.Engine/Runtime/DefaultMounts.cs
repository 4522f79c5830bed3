using Wharf.Engine.Runtime.Spec;

namespace Wharf.Engine.Runtime;

/// <summary>The mounts and path lists every container starts from (Docker's oci defaults).</summary>
public static class DefaultMounts
{
    public static List<OciMount> Create(long shmSize) =>
    [
        new() { Destination = "/proc", Type = "proc", Source = "proc", Options = ["nosuid", "noexec", "nodev"] },
        new() { Destination = "/dev", Type = "tmpfs", Source = "tmpfs", Options = ["nosuid", "strictatime", "mode=755", "size=65536k"] },
        new() { Destination = "/dev/pts", Type = "devpts", Source = "devpts", Options = ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"] },
        new() { Destination = "/sys", Type = "sysfs", Source = "sysfs", Options = ["nosuid", "noexec", "nodev", "ro"] },
        new() { Destination = "/sys/fs/cgroup", Type = "cgroup", Source = "cgroup", Options = ["ro", "nosuid", "noexec", "nodev"] },
        new() { Destination = "/dev/mqueue", Type = "mqueue", Source = "mqueue", Options = ["nosuid", "noexec", "nodev"] },
        new() { Destination = "/dev/shm", Type = "tmpfs", Source = "shm", Options = ["nosuid", "noexec", "nodev", "mode=1777", $"size={shmSize}"] },
    ];

    /// <summary>Paths covered so the container cannot read them (kernel internals, host firmware).</summary>
    public static readonly IReadOnlyList<string> MaskedPaths =
    [
        "/proc/acpi", "/proc/asound", "/proc/interrupts", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
        "/proc/sched_debug", "/proc/scsi", "/proc/timer_list", "/proc/timer_stats",
        "/sys/devices/virtual/powercap", "/sys/firmware",
    ];

    /// <summary>Paths made read-only (kernel tunables).</summary>
    public static readonly IReadOnlyList<string> ReadonlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

    /// <summary>Device cgroup rules of an unprivileged container: deny all, then the basic character devices; fuse stays denied.</summary>
    public static List<OciDeviceCgroup> DeviceRules() =>
    [
        new() { Allow = false, Access = "rwm" },
        new() { Allow = true, Type = "c", Major = 1, Minor = 5, Access = "rwm" },   // /dev/zero
        new() { Allow = true, Type = "c", Major = 1, Minor = 3, Access = "rwm" },   // /dev/null
        new() { Allow = true, Type = "c", Major = 1, Minor = 9, Access = "rwm" },   // /dev/urandom
        new() { Allow = true, Type = "c", Major = 1, Minor = 8, Access = "rwm" },   // /dev/random
        new() { Allow = true, Type = "c", Major = 5, Minor = 0, Access = "rwm" },   // /dev/tty
        new() { Allow = true, Type = "c", Major = 5, Minor = 1, Access = "rwm" },   // /dev/console
        new() { Allow = false, Type = "c", Major = 10, Minor = 229, Access = "rwm" }, // /dev/fuse
    ];
}
