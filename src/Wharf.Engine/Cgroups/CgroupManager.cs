namespace Wharf.Engine.Cgroups;

/// <summary>Creates the manager that fits the host.</summary>
public static class CgroupManager
{
    /// <summary>Discovers the host's cgroup layout and returns the v1 or v2 manager.</summary>
    public static CgroupManagerBase Create(string mountInfoPath = "/proc/self/mountinfo", string procRoot = "/proc")
        => Create(CgroupHost.Discover(mountInfoPath), procRoot);

    /// <summary>The manager for a known layout.</summary>
    public static CgroupManagerBase Create(CgroupHost host, string procRoot = "/proc")
        => host.Mode switch
        {
            CgroupMode.Unified => new CgroupV2Manager(host, procRoot),
            CgroupMode.Legacy or CgroupMode.Hybrid => new CgroupV1Manager(host, procRoot),
            _ => throw new NotSupportedException("no cgroup filesystem is mounted (see /proc/self/mountinfo)"),
        };
}
