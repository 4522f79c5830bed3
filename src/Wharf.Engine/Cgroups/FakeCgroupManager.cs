using System.Diagnostics;

namespace Wharf.Engine.Cgroups;

/// <summary>
/// In-memory cgroups for tests of code that uses <see cref="ICgroupManager"/> (daemon, sampler):
/// cgroups are created with <see cref="Create"/>, their counters set through <see cref="Get"/>.
/// </summary>
public sealed class FakeCgroupManager : ICgroupManager
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, FakeCgroup> _cgroups = new(StringComparer.Ordinal);
    private readonly List<FakeOomWatcher> _watchers = [];
    private int _statsReads;

    /// <summary>State of one fake cgroup.</summary>
    public sealed class FakeCgroup
    {
        /// <summary>Builds each sample; by default counters grow by 10 ms CPU and 1 s system time per read.</summary>
        public Func<int, CgroupSample>? SampleFactory { get; set; }
        public List<int> Pids { get; } = [];
        public ulong OomKills { get; set; }
        public FreezerState Freezer { get; set; } = FreezerState.Thawed;
        public List<ResourceUpdate> Updates { get; } = [];
        public int Reads { get; set; }
    }

    public FakeCgroupManager(string version = "2") => Version = version;

    public string Version { get; }

    /// <summary>Total <see cref="ReadStats"/> calls.</summary>
    public int StatsReads => Volatile.Read(ref _statsReads);

    /// <summary>Relative paths of the cgroups that exist.</summary>
    public IReadOnlyList<string> Existing
    {
        get
        {
            lock (_lock)
            {
                return _cgroups.Keys.Order(StringComparer.Ordinal).ToList();
            }
        }
    }

    public CgroupPaths PathsFor(string parent, string id)
    {
        if (string.IsNullOrEmpty(id) || id.Contains('/') || id is "." or "..")
        {
            throw new ArgumentException($"invalid cgroup name \"{id}\"", nameof(id));
        }
        string rel = CgroupHost.NormalizeRelative(parent) + "/" + id;
        return new CgroupPaths(Version, rel, "/fake" + rel, new Dictionary<string, string>());
    }

    /// <summary>The state of an existing cgroup.</summary>
    public FakeCgroup Get(CgroupPaths paths)
    {
        lock (_lock)
        {
            return _cgroups.TryGetValue(paths.Relative, out var c) ? c : throw new CgroupNotFoundException(paths.Relative);
        }
    }

    public bool Exists(CgroupPaths paths)
    {
        lock (_lock)
        {
            return _cgroups.ContainsKey(paths.Relative);
        }
    }

    public CgroupSample ReadStats(CgroupPaths paths)
    {
        var c = Get(paths);
        Interlocked.Increment(ref _statsReads);
        int n = ++c.Reads;
        if (c.SampleFactory != null)
        {
            return c.SampleFactory(n);
        }
        var s = new CgroupSample { Read = DateTime.UtcNow, Timestamp = Stopwatch.GetTimestamp() };
        s.Cpu.CpuUsage.TotalUsage = (ulong)n * 10_000_000;
        s.Cpu.SystemCpuUsage = (ulong)n * 1_000_000_000;
        s.Cpu.OnlineCpus = 2;
        s.Memory.Usage = 1 << 20;
        s.Memory.Limit = 1 << 30;
        s.Memory.Stats = new Dictionary<string, ulong> { ["inactive_file"] = 0 };
        s.Pids.Current = (ulong)Math.Max(1, c.Pids.Count);
        return s;
    }

    public ulong? ReadOomKillCount(CgroupPaths paths)
    {
        lock (_lock)
        {
            return _cgroups.TryGetValue(paths.Relative, out var c) ? c.OomKills : null;
        }
    }

    public Task<bool> WasOomKilledAsync(CgroupPaths paths, CancellationToken cancellationToken = default)
        => Task.FromResult(ReadOomKillCount(paths) is > 0);

    /// <summary>Simulates the kernel killing a process of the cgroup for lack of memory.</summary>
    public void TriggerOom(CgroupPaths paths)
    {
        ulong count;
        lock (_lock)
        {
            var c = Get(paths);
            count = ++c.OomKills;
        }
        FakeOomWatcher[] watchers;
        lock (_watchers)
        {
            watchers = _watchers.ToArray();
        }
        foreach (var w in watchers)
        {
            w.Raise(paths, count);
        }
    }

    public IOomWatcher CreateOomWatcher()
    {
        var w = new FakeOomWatcher(this);
        lock (_watchers)
        {
            _watchers.Add(w);
        }
        return w;
    }

    public IReadOnlyList<int> ListPids(CgroupPaths paths)
    {
        lock (_lock)
        {
            return Get(paths).Pids.Order().ToList();
        }
    }

    public FreezerState ReadFreezerState(CgroupPaths paths) => Get(paths).Freezer;

    public void ApplyUpdate(CgroupPaths paths, ResourceUpdate update)
    {
        lock (_lock)
        {
            Get(paths).Updates.Add(update);
        }
    }

    public void Create(CgroupPaths paths)
    {
        lock (_lock)
        {
            _cgroups.TryAdd(paths.Relative, new FakeCgroup());
        }
    }

    public void AddProcess(CgroupPaths paths, int pid)
    {
        lock (_lock)
        {
            Get(paths).Pids.Add(pid);
        }
    }

    public Task<bool> RemoveAsync(string parent, string id, CancellationToken cancellationToken = default)
    {
        var paths = PathsFor(parent, id);
        lock (_lock)
        {
            foreach (var key in _cgroups.Keys.Where(k => k == paths.Relative || k.StartsWith(paths.Relative + "/", StringComparison.Ordinal)).ToList())
            {
                _cgroups.Remove(key);
            }
        }
        return Task.FromResult(true);
    }

    public bool RemoveParentIfEmpty(string parent) => ListChildren(parent).Count == 0;

    public IReadOnlyList<string> ListChildren(string parent)
    {
        string prefix = CgroupHost.NormalizeRelative(parent) + "/";
        lock (_lock)
        {
            return _cgroups.Keys
                .Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
                .Select(k => k[prefix.Length..].Split('/')[0])
                .Distinct().Order(StringComparer.Ordinal).ToList();
        }
    }

    private sealed class FakeOomWatcher(FakeCgroupManager owner) : IOomWatcher
    {
        private readonly Dictionary<string, (CgroupPaths Paths, bool Saw)> _watched = new(StringComparer.Ordinal);

        public event Action<OomEvent>? Oom;

        public bool Watch(string key, CgroupPaths paths)
        {
            if (!owner.Exists(paths))
            {
                return false;
            }
            lock (_watched)
            {
                _watched[key] = (paths, false);
            }
            return true;
        }

        public void Unwatch(string key)
        {
            lock (_watched)
            {
                _watched.Remove(key);
            }
        }

        public bool SawOom(string key)
        {
            lock (_watched)
            {
                return _watched.TryGetValue(key, out var w) && w.Saw;
            }
        }

        internal void Raise(CgroupPaths paths, ulong count)
        {
            var keys = new List<string>();
            lock (_watched)
            {
                foreach (var (key, w) in _watched.ToList())
                {
                    if (w.Paths.Relative == paths.Relative)
                    {
                        _watched[key] = (w.Paths, true);
                        keys.Add(key);
                    }
                }
            }
            foreach (var k in keys)
            {
                Oom?.Invoke(new OomEvent(k, count));
            }
        }

        public void Dispose()
        {
            lock (owner._watchers)
            {
                owner._watchers.Remove(this);
            }
        }
    }
}
