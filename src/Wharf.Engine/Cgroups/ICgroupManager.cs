namespace Wharf.Engine.Cgroups;

/// <summary>
/// What wharfd needs from cgroups. The OCI runtime creates a container's cgroup from the spec's
/// cgroupsPath (<c>/&lt;parent&gt;/&lt;id&gt;</c>, cgroupfs driver) and freezes/thaws it; wharfd reads stats,
/// detects OOM kills, changes limits of running containers and removes what is left after removal.
/// Implementations: <see cref="CgroupV1Manager"/>, <see cref="CgroupV2Manager"/>, <see cref="FakeCgroupManager"/>.
/// </summary>
public interface ICgroupManager
{
    /// <summary>"1" or "2" (a hybrid host is "1").</summary>
    string Version { get; }

    /// <summary>Where a container's cgroup lives.</summary>
    CgroupPaths PathsFor(string parent, string id);

    /// <summary>True when the cgroup directory exists (in the memory hierarchy on v1).</summary>
    bool Exists(CgroupPaths paths);

    /// <summary>Reads the current counters; cheap (a handful of small reads, no process spawns).</summary>
    /// <exception cref="CgroupNotFoundException">the cgroup does not exist.</exception>
    CgroupSample ReadStats(CgroupPaths paths);

    /// <summary>The kernel's count of OOM kills in this cgroup (memory.events or memory.oom_control
    /// <c>oom_kill</c>); null when the cgroup is gone or the kernel does not count them.</summary>
    ulong? ReadOomKillCount(CgroupPaths paths);

    /// <summary>Called when a container's process exits, before the runtime deletes the cgroup:
    /// true when the kernel OOM-killed a process of it (or a watcher saw one).</summary>
    Task<bool> WasOomKilledAsync(CgroupPaths paths, CancellationToken cancellationToken = default);

    /// <summary>A watcher raising an event for each OOM kill in the cgroups it watches.</summary>
    IOomWatcher CreateOomWatcher();

    /// <summary>PIDs in the cgroup (cgroup.procs), as seen from the host.</summary>
    IReadOnlyList<int> ListPids(CgroupPaths paths);

    /// <summary>Freezer state (v1 freezer.state; v2 cgroup.events "frozen").</summary>
    FreezerState ReadFreezerState(CgroupPaths paths);

    /// <summary>Writes new limits into the cgroup files of a running container.</summary>
    void ApplyUpdate(CgroupPaths paths, ResourceUpdate update);

    /// <summary>Creates the cgroup directories (tests, and pre-creation before a runtime joins them).</summary>
    void Create(CgroupPaths paths);

    /// <summary>Moves a process into the cgroup (every hierarchy on v1).</summary>
    void AddProcess(CgroupPaths paths, int pid);

    /// <summary>
    /// Removes the container's cgroup in every hierarchy, deepest first; retries while it still has
    /// exiting tasks. Only directories strictly below <paramref name="parent"/> are touched.
    /// Returns true when nothing is left.
    /// </summary>
    Task<bool> RemoveAsync(string parent, string id, CancellationToken cancellationToken = default);

    /// <summary>Removes the parent cgroup itself when it is empty in every hierarchy.</summary>
    bool RemoveParentIfEmpty(string parent);

    /// <summary>Names of the cgroups directly below <paramref name="parent"/> in any hierarchy.</summary>
    IReadOnlyList<string> ListChildren(string parent);
}

/// <summary>An OOM kill in a watched cgroup.</summary>
/// <param name="Key">The key the cgroup was registered with (the container id).</param>
/// <param name="OomKillCount">The kernel's counter after the event (0 when not counted).</param>
public sealed record OomEvent(string Key, ulong OomKillCount);

/// <summary>Watches cgroups for OOM kills without polling (v2: inotify on memory.events; v1: eventfd on memory.oom_control).</summary>
public interface IOomWatcher : IDisposable
{
    /// <summary>Raised on the watcher's thread for each OOM kill seen.</summary>
    event Action<OomEvent>? Oom;

    /// <summary>Starts watching a cgroup; false when its memory controller is not there.</summary>
    bool Watch(string key, CgroupPaths paths);

    /// <summary>Stops watching.</summary>
    void Unwatch(string key);

    /// <summary>True when this watcher saw an OOM kill for the key (kept after the cgroup is gone until Unwatch).</summary>
    bool SawOom(string key);
}
