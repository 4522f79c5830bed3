using System.Diagnostics;
using System.Globalization;
using Wharf.Api.Models;
using Wharf.Engine.Native;

namespace Wharf.Engine.Cgroups;

/// <summary>Behaviour common to the v1 and v2 managers: file access, removal, process lists.</summary>
public abstract class CgroupManagerBase : ICgroupManager
{
    private const int EBUSY = 16;

    private readonly CgroupFileReader _reader = new();
    private readonly Lock _readLock = new();
    private readonly string _procStat;

    protected CgroupManagerBase(CgroupHost host, string procRoot)
    {
        Host = host;
        ProcRoot = procRoot;
        _procStat = Path.Combine(procRoot, "stat");
        MachineMemory = ReadMachineMemory(Path.Combine(procRoot, "meminfo"));
    }

    public CgroupHost Host { get; }

    /// <summary>Root of the proc filesystem ("/proc"; a fake tree in tests).</summary>
    public string ProcRoot { get; }

    /// <summary>MemTotal in bytes; Docker caps an unlimited memory limit to it in stats.</summary>
    public ulong MachineMemory { get; }

    /// <summary>How long <see cref="RemoveAsync"/> retries a busy cgroup (tasks still exiting).</summary>
    public TimeSpan RemoveTimeout { get; set; } = TimeSpan.FromSeconds(3);

    public abstract string Version { get; }

    /// <summary>Controller whose directory tells whether the cgroup exists and holds cgroup.procs.</summary>
    protected abstract string? PrimaryDirectory(CgroupPaths paths);

    public CgroupPaths PathsFor(string parent, string id) => Host.PathsFor(parent, id);

    public bool Exists(CgroupPaths paths) => PrimaryDirectory(paths) is string d && Directory.Exists(d);

    public CgroupSample ReadStats(CgroupPaths paths)
    {
        lock (_readLock)
        {
            var read = DateTime.UtcNow;
            long ts = Stopwatch.GetTimestamp();
            var sample = ReadStatsCore(paths, _reader, read, ts);
            if (SystemCpu.TryRead(_reader, _procStat, out ulong sys, out uint online))
            {
                sample.Cpu.SystemCpuUsage = sys;
                sample.Cpu.OnlineCpus = online;
            }
            if (MachineMemory > 0 && sample.Memory.Limit > MachineMemory)
            {
                sample.Memory.Limit = MachineMemory;
            }
            return sample;
        }
    }

    /// <summary>Reads the version-specific counters; throws <see cref="CgroupNotFoundException"/> when gone.</summary>
    protected abstract CgroupSample ReadStatsCore(CgroupPaths paths, CgroupFileReader reader, DateTime read, long timestamp);

    public ulong? ReadOomKillCount(CgroupPaths paths)
    {
        var (file, key) = OomCounterFile(paths);
        if (file == null)
        {
            return null;
        }
        lock (_readLock)
        {
            return _reader.TryReadKey(file, key, out ulong v) ? v : null;
        }
    }

    /// <summary>The file and key of the kernel's OOM-kill counter.</summary>
    protected internal abstract (string? File, string Key) OomCounterFile(CgroupPaths paths);

    /// <summary>The file whose change signals an OOM event (v2 memory.events, v1 memory.oom_control).</summary>
    protected internal abstract string? OomEventFile(CgroupPaths paths);

    public virtual Task<bool> WasOomKilledAsync(CgroupPaths paths, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        bool killed = ReadOomKillCount(paths) is > 0;
        if (!killed)
        {
            foreach (var w in _watchers)
            {
                if (w.SawOomFor(paths))
                {
                    killed = true;
                    break;
                }
            }
        }
        return Task.FromResult(killed);
    }

    private readonly List<OomWatcher> _watchers = [];

    public IOomWatcher CreateOomWatcher()
    {
        var w = new OomWatcher(this);
        lock (_watchers)
        {
            _watchers.Add(w);
        }
        w.Disposed += () =>
        {
            lock (_watchers)
            {
                _watchers.Remove(w);
            }
        };
        return w;
    }

    public IReadOnlyList<int> ListPids(CgroupPaths paths)
    {
        string? dir = PrimaryDirectory(paths) ?? throw new CgroupNotFoundException(paths.Relative);
        var pids = new List<int>();
        lock (_readLock)
        {
            if (!_reader.TryRead(Path.Combine(dir, "cgroup.procs"), out var text))
            {
                throw new CgroupNotFoundException(dir);
            }
            foreach (var r in text.Split('\n'))
            {
                if (int.TryParse(text[r].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                {
                    pids.Add(pid);
                }
            }
        }
        pids.Sort();
        return pids;
    }

    public abstract FreezerState ReadFreezerState(CgroupPaths paths);

    public abstract void ApplyUpdate(CgroupPaths paths, ResourceUpdate update);

    public void Create(CgroupPaths paths)
    {
        foreach (string dir in CreatableDirectories(paths))
        {
            Directory.CreateDirectory(dir);
        }
    }

    /// <summary>Directories <see cref="Create"/> makes (v1: each hierarchy; v2: the unified one).</summary>
    protected abstract IEnumerable<string> CreatableDirectories(CgroupPaths paths);

    public void AddProcess(CgroupPaths paths, int pid)
    {
        foreach (string dir in CreatableDirectories(paths))
        {
            WriteFile(Path.Combine(dir, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));
        }
    }

    public async Task<bool> RemoveAsync(string parent, string id, CancellationToken cancellationToken = default)
    {
        var paths = PathsFor(parent, id);
        var deadline = Stopwatch.GetTimestamp() + (long)(RemoveTimeout.TotalSeconds * Stopwatch.Frequency);
        int delayMs = 5;
        while (true)
        {
            bool allGone = true;
            foreach (string dir in paths.AllDirectories)
            {
                if (!RemoveTree(dir))
                {
                    allGone = false;
                }
            }
            if (allGone)
            {
                return true;
            }
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }
            await Task.Delay(delayMs, cancellationToken).ConfigureAwait(false);
            delayMs = Math.Min(delayMs * 2, 100);
        }
    }

    /// <summary>rmdir of a cgroup and its sub-cgroups, deepest first. True when it no longer exists.</summary>
    private static bool RemoveTree(string dir)
    {
        if (!Directory.Exists(dir))
        {
            return true;
        }
        try
        {
            foreach (string sub in Directory.EnumerateDirectories(dir))
            {
                RemoveTree(sub);
            }
        }
        catch (DirectoryNotFoundException)
        {
            return true;
        }
        if (Libc.Rmdir(dir) == 0)
        {
            return true;
        }
        int errno = Libc.LastErrno;
        if (errno == Libc.ENOENT)
        {
            return true;
        }
        if (errno is EBUSY or Libc.ENOTEMPTY)
        {
            // Tasks still exiting, or a sub-cgroup created meanwhile: the caller retries.
            return false;
        }
        throw Libc.Error("rmdir", dir, errno);
    }

    public bool RemoveParentIfEmpty(string parent)
    {
        string rel = CgroupHost.NormalizeRelative(parent);
        if (rel.Length == 0)
        {
            return false;
        }
        var paths = Host.PathsForRelative(rel);
        bool ok = true;
        foreach (string dir in paths.AllDirectories)
        {
            try
            {
                if (Directory.EnumerateDirectories(dir).Any())
                {
                    return false;
                }
            }
            catch (DirectoryNotFoundException)
            {
                // Removed meanwhile by another container's removal: nothing to keep here.
            }
        }
        foreach (string dir in paths.AllDirectories)
        {
            if (Directory.Exists(dir) && Libc.Rmdir(dir) != 0 && Libc.LastErrno != Libc.ENOENT)
            {
                ok = false;
            }
        }
        return ok;
    }

    public IReadOnlyList<string> ListChildren(string parent)
    {
        string rel = CgroupHost.NormalizeRelative(parent);
        var names = new SortedSet<string>(StringComparer.Ordinal);
        var dirs = rel.Length == 0
            ? (Host.IsV2 ? [Host.UnifiedMount!] : Host.V1Mounts.Values.Distinct().ToList())
            : Host.PathsForRelative(rel).AllDirectories;
        foreach (string dir in dirs)
        {
            try
            {
                foreach (string sub in Directory.EnumerateDirectories(dir))
                {
                    names.Add(Path.GetFileName(sub));
                }
            }
            catch (DirectoryNotFoundException)
            {
            }
        }
        return names.ToList();
    }

    /// <summary>Writes a control file (no truncation or creation semantics beyond what the kernel gives).</summary>
    protected static void WriteFile(string path, string value)
    {
        try
        {
            using var fs = new FileStream(path, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite, 1);
            var bytes = System.Text.Encoding.ASCII.GetBytes(value);
            fs.Write(bytes, 0, bytes.Length);
        }
        catch (FileNotFoundException)
        {
            throw new CgroupNotFoundException(path);
        }
        catch (DirectoryNotFoundException)
        {
            throw new CgroupNotFoundException(path);
        }
    }

    /// <summary>Reads a file into the shared buffer under the read lock and returns it as a string.</summary>
    protected string? ReadText(string path)
    {
        lock (_readLock)
        {
            return _reader.TryRead(path, out var t) ? t.ToString() : null;
        }
    }

    /// <summary>Reads one number under the read lock.</summary>
    protected ulong? ReadNumber(string path)
    {
        lock (_readLock)
        {
            return _reader.TryReadUInt64(path, out ulong v) ? v : null;
        }
    }

    /// <summary>Blank v1-style blkio stats (empty lists, as Docker sends them on v1).</summary>
    protected static BlkioStats EmptyV1Blkio() => new()
    {
        IoServiceBytesRecursive = [],
        IoServicedRecursive = [],
        IoQueuedRecursive = [],
        IoServiceTimeRecursive = [],
        IoWaitTimeRecursive = [],
        IoMergedRecursive = [],
        IoTimeRecursive = [],
        SectorsRecursive = [],
    };

    private static ulong ReadMachineMemory(string meminfo)
    {
        try
        {
            var reader = new CgroupFileReader();
            if (reader.TryRead(meminfo, out var text))
            {
                foreach (var r in text.Split('\n'))
                {
                    var line = text[r];
                    if (line.StartsWith("MemTotal:"))
                    {
                        var rest = line["MemTotal:".Length..].Trim();
                        int sp = rest.IndexOf(' ');
                        if (sp > 0)
                        {
                            rest = rest[..sp];
                        }
                        return CgroupFileReader.TryParseUInt64(rest, out ulong kb) ? kb * 1024 : 0;
                    }
                }
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }
}
