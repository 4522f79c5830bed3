namespace Wharf.Engine.Cgroups;

/// <summary>How cgroups are mounted on the host.</summary>
public enum CgroupMode
{
    /// <summary>No cgroup filesystem found.</summary>
    None,

    /// <summary>cgroup v1 controllers only.</summary>
    Legacy,

    /// <summary>cgroup v1 controllers plus a cgroup2 mount (usually /sys/fs/cgroup/unified) beside them.</summary>
    Hybrid,

    /// <summary>Pure cgroup v2.</summary>
    Unified,
}

/// <summary>
/// The cgroup layout of this host, found through /proc/self/mountinfo: where each v1 controller is
/// mounted, or the v2 root, which controllers exist, and where a container's cgroup lives.
/// </summary>
public sealed class CgroupHost
{
    /// <summary>Known v1 subsystem names (super options of a v1 mount that name a controller).</summary>
    public static readonly IReadOnlySet<string> KnownV1Controllers = new HashSet<string>(StringComparer.Ordinal)
    {
        "cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "net_cls", "net_prio", "blkio",
        "perf_event", "hugetlb", "pids", "rdma", "misc", "debug",
    };

    private CgroupHost(CgroupMode mode, Dictionary<string, string> v1Mounts, string? unifiedMount,
        HashSet<string> controllers, HashSet<string> unifiedControllers, CgroupFeatures features)
    {
        Mode = mode;
        V1Mounts = v1Mounts;
        UnifiedMount = unifiedMount;
        Controllers = controllers;
        UnifiedControllers = unifiedControllers;
        Features = features;
    }

    public CgroupMode Mode { get; }

    /// <summary>"2" on a pure v2 host, "1" otherwise (hybrid counts as v1, as Docker reports it).</summary>
    public string Version => Mode == CgroupMode.Unified ? "2" : "1";

    public bool IsV2 => Mode == CgroupMode.Unified;

    /// <summary>v1 hierarchies: controller name (or "name=systemd" for named hierarchies) → mount point.
    /// Co-mounted controllers (cpu,cpuacct) map to the same directory.</summary>
    public IReadOnlyDictionary<string, string> V1Mounts { get; }

    /// <summary>Mount point of the cgroup2 filesystem: the v2 root, or the hybrid "unified" mount.</summary>
    public string? UnifiedMount { get; }

    /// <summary>Controllers containers can be limited with: the mounted v1 controllers, or the v2 root's
    /// cgroup.controllers.</summary>
    public IReadOnlySet<string> Controllers { get; }

    /// <summary>Controllers bound to the cgroup2 hierarchy (on a hybrid host usually none, or hugetlb).</summary>
    public IReadOnlySet<string> UnifiedControllers { get; }

    /// <summary>What `docker info` reports about resource limits.</summary>
    public CgroupFeatures Features { get; }

    /// <summary>Discovers the host layout from /proc/self/mountinfo.</summary>
    public static CgroupHost Discover(string mountInfoPath = "/proc/self/mountinfo")
        => FromMountInfo(File.ReadAllText(mountInfoPath));

    /// <summary>Builds the layout from mountinfo text; files under the mount points are probed for features.</summary>
    public static CgroupHost FromMountInfo(string mountInfoText)
    {
        var v1 = new Dictionary<string, string>(StringComparer.Ordinal);
        string? unified = null;
        foreach (var m in MountInfo.Parse(mountInfoText))
        {
            if (m.FsType == "cgroup2")
            {
                // Prefer the conventional locations when there are several cgroup2 mounts.
                if (unified == null || m.MountPoint == "/sys/fs/cgroup" || m.MountPoint == "/sys/fs/cgroup/unified")
                {
                    unified = m.MountPoint;
                }
            }
            else if (m.FsType == "cgroup")
            {
                foreach (string opt in m.SuperOptionList)
                {
                    if (KnownV1Controllers.Contains(opt) || opt.StartsWith("name=", StringComparison.Ordinal))
                    {
                        v1.TryAdd(opt, m.MountPoint);
                    }
                }
            }
        }

        var unifiedControllers = new HashSet<string>(StringComparer.Ordinal);
        if (unified != null)
        {
            string? text = TryRead(Path.Combine(unified, "cgroup.controllers"));
            if (text != null)
            {
                unifiedControllers.UnionWith(text.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries));
            }
        }

        bool hasV1Controllers = v1.Keys.Any(k => !k.StartsWith("name=", StringComparison.Ordinal));
        CgroupMode mode = hasV1Controllers
            ? (unified != null ? CgroupMode.Hybrid : CgroupMode.Legacy)
            : (unified != null ? CgroupMode.Unified : CgroupMode.None);

        var controllers = new HashSet<string>(StringComparer.Ordinal);
        if (mode == CgroupMode.Unified)
        {
            controllers.UnionWith(unifiedControllers);
        }
        else
        {
            controllers.UnionWith(v1.Keys.Where(k => !k.StartsWith("name=", StringComparison.Ordinal)));
        }

        var features = mode == CgroupMode.Unified
            ? CgroupFeatures.ForV2(unified!, controllers)
            : CgroupFeatures.ForV1(v1);
        return new CgroupHost(mode, v1, unified, controllers, unifiedControllers, features);
    }

    /// <summary>Mount point of a v1 controller (null when not mounted), or the v2 root on a v2 host.</summary>
    public string? ControllerRoot(string controller)
    {
        if (IsV2)
        {
            return UnifiedMount;
        }
        return V1Mounts.TryGetValue(controller, out var mp) ? mp : null;
    }

    /// <summary>
    /// The directories of the cgroup a container gets with the cgroupfs driver: <c>/&lt;parent&gt;/&lt;id&gt;</c>
    /// under every v1 hierarchy (and the hybrid unified mount), or under the v2 root.
    /// </summary>
    public CgroupPaths PathsFor(string parent, string id)
    {
        if (string.IsNullOrEmpty(id) || id.Contains('/') || id is "." or "..")
        {
            throw new ArgumentException($"invalid cgroup name \"{id}\"", nameof(id));
        }
        return PathsForRelative(NormalizeRelative(parent) + "/" + id);
    }

    /// <summary>The directories of an existing cgroup given its path relative to the hierarchy roots
    /// (as in /proc/PID/cgroup or an OCI cgroupsPath).</summary>
    public CgroupPaths PathsForRelative(string relative)
    {
        string rel = NormalizeRelative(relative);
        if (rel.Length == 0)
        {
            throw new ArgumentException("the root cgroup is not a container cgroup", nameof(relative));
        }
        if (IsV2)
        {
            return new CgroupPaths("2", rel, UnifiedMount + rel, new Dictionary<string, string>());
        }
        var dirs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (controller, mount) in V1Mounts)
        {
            dirs[controller] = mount + rel;
        }
        return new CgroupPaths("1", rel, UnifiedMount != null ? UnifiedMount + rel : null, dirs);
    }

    /// <summary>"wharf", "/wharf/", "//wharf" → "/wharf"; "" or "/" → "". Refuses ".." components.</summary>
    public static string NormalizeRelative(string path)
    {
        var parts = (path ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        foreach (string p in parts)
        {
            if (p is "." or "..")
            {
                throw new ArgumentException($"invalid cgroup path \"{path}\"", nameof(path));
            }
        }
        return parts.Length == 0 ? "" : "/" + string.Join('/', parts);
    }

    private static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
