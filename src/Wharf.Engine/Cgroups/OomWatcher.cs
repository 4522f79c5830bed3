using System.Buffers.Binary;
using System.Globalization;
using Wharf.Engine.Native;

namespace Wharf.Engine.Cgroups;

/// <summary>
/// One thread blocked in poll(2) for all watched cgroups. v2: a single inotify descriptor with an
/// IN_MODIFY watch on each memory.events; v1: an eventfd per cgroup registered through
/// cgroup.event_control for memory.oom_control. Each notification is confirmed against the
/// kernel's oom_kill counter (v1 kernels older than 4.13 have none: then every notification counts).
/// </summary>
internal sealed class OomWatcher : IOomWatcher
{
    private const int EAGAIN = 11;

    private readonly CgroupManagerBase _manager;
    private readonly bool _v2;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<int, Entry> _byWd = [];
    private readonly int _wakeFd;
    private int _inotifyFd = -1;
    private Thread? _thread;
    private volatile bool _disposed;

    private sealed class Entry(string key, CgroupPaths paths)
    {
        public string Key { get; } = key;
        public CgroupPaths Paths { get; } = paths;
        public int Wd { get; set; } = -1;
        public int EventFd { get; set; } = -1;
        public int ControlFd { get; set; } = -1;
        public ulong LastCount { get; set; }
        public bool Saw { get; set; }
        public bool Gone { get; set; }
    }

    public OomWatcher(CgroupManagerBase manager)
    {
        _manager = manager;
        _v2 = manager.Version == "2";
        _wakeFd = Libc.EventFd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (_wakeFd < 0)
        {
            throw Libc.LastError("eventfd", "");
        }
    }

    public event Action<OomEvent>? Oom;

    internal event Action? Disposed;

    public bool Watch(string key, CgroupPaths paths)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        string? file = _manager.OomEventFile(paths);
        if (file == null || !File.Exists(file))
        {
            return false;
        }
        var entry = new Entry(key, paths) { LastCount = _manager.ReadOomKillCount(paths) ?? 0 };
        lock (_lock)
        {
            if (_byKey.ContainsKey(key))
            {
                RemoveLocked(key);
            }
            if (_v2)
            {
                if (_inotifyFd < 0)
                {
                    _inotifyFd = Libc.InotifyInit1(Libc.IN_CLOEXEC | Libc.IN_NONBLOCK);
                    if (_inotifyFd < 0)
                    {
                        throw Libc.LastError("inotify_init1", "");
                    }
                }
                int wd = Libc.InotifyAddWatch(_inotifyFd, file, Libc.IN_MODIFY);
                if (wd < 0)
                {
                    return false;
                }
                entry.Wd = wd;
                _byWd[wd] = entry;
            }
            else if (!RegisterV1(entry, file))
            {
                return false;
            }
            _byKey[key] = entry;
            if (_thread == null)
            {
                _thread = new Thread(Loop) { IsBackground = true, Name = "cgroup-oom-watcher" };
                _thread.Start();
            }
        }
        Wake();
        return true;
    }

    private static bool RegisterV1(Entry entry, string oomControl)
    {
        int efd = Libc.EventFd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (efd < 0)
        {
            return false;
        }
        int cfd = Libc.Open(oomControl, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (cfd < 0)
        {
            Libc.Close(efd);
            return false;
        }
        try
        {
            string control = Path.Combine(Path.GetDirectoryName(oomControl)!, "cgroup.event_control");
            File.WriteAllText(control, efd.ToString(CultureInfo.InvariantCulture) + " " + cfd.ToString(CultureInfo.InvariantCulture));
        }
        catch (IOException)
        {
            Libc.Close(efd);
            Libc.Close(cfd);
            return false;
        }
        entry.EventFd = efd;
        entry.ControlFd = cfd;
        return true;
    }

    public void Unwatch(string key)
    {
        lock (_lock)
        {
            RemoveLocked(key);
        }
        Wake();
    }

    public bool SawOom(string key)
    {
        lock (_lock)
        {
            return _byKey.TryGetValue(key, out var e) && e.Saw;
        }
    }

    internal bool SawOomFor(CgroupPaths paths)
    {
        lock (_lock)
        {
            foreach (var e in _byKey.Values)
            {
                if (e.Saw && e.Paths.Relative == paths.Relative)
                {
                    return true;
                }
            }
        }
        return false;
    }

    private void RemoveLocked(string key)
    {
        if (!_byKey.Remove(key, out var e))
        {
            return;
        }
        CloseEntry(e);
    }

    private void CloseEntry(Entry e)
    {
        if (e.Wd >= 0)
        {
            _byWd.Remove(e.Wd);
            if (!e.Gone)
            {
                Libc.InotifyRmWatch(_inotifyFd, e.Wd);
            }
            e.Wd = -1;
        }
        if (e.EventFd >= 0)
        {
            Libc.Close(e.EventFd);
            e.EventFd = -1;
        }
        if (e.ControlFd >= 0)
        {
            Libc.Close(e.ControlFd);
            e.ControlFd = -1;
        }
        e.Gone = true;
    }

    private unsafe void Wake()
    {
        ulong one = 1;
        Libc.Write(_wakeFd, (byte*)&one, 8);
    }

    private unsafe void Loop()
    {
        var fds = new List<Libc.PollFd>();
        var owners = new List<Entry?>();
        byte[] buf = new byte[4096];
        while (!_disposed)
        {
            fds.Clear();
            owners.Clear();
            fds.Add(new Libc.PollFd { Fd = _wakeFd, Events = Libc.POLLIN });
            owners.Add(null);
            lock (_lock)
            {
                if (_v2 && _inotifyFd >= 0)
                {
                    fds.Add(new Libc.PollFd { Fd = _inotifyFd, Events = Libc.POLLIN });
                    owners.Add(null);
                }
                foreach (var e in _byKey.Values)
                {
                    if (e.EventFd >= 0)
                    {
                        fds.Add(new Libc.PollFd { Fd = e.EventFd, Events = Libc.POLLIN });
                        owners.Add(e);
                    }
                }
            }
            var arr = fds.ToArray();
            int n;
            fixed (Libc.PollFd* p = arr)
            {
                n = Libc.Poll(p, (nuint)arr.Length, -1);
            }
            if (n < 0)
            {
                if (Libc.LastErrno == Libc.EINTR)
                {
                    continue;
                }
                return;
            }
            if (_disposed)
            {
                return;
            }
            var fired = new List<OomEvent>();
            for (int i = 0; i < arr.Length; i++)
            {
                if (arr[i].REvents == 0)
                {
                    continue;
                }
                fixed (byte* b = buf)
                {
                    if (i == 0)
                    {
                        Libc.Read(_wakeFd, b, 8);
                    }
                    else if (owners[i] is Entry e)
                    {
                        Libc.Read(e.EventFd, b, 8);
                        lock (_lock)
                        {
                            OnNotified(e, fired, v1: true);
                        }
                    }
                    else
                    {
                        DrainInotify(b, buf.Length, fired);
                    }
                }
            }
            foreach (var ev in fired)
            {
                try
                {
                    Oom?.Invoke(ev);
                }
                catch (Exception)
                {
                    // A faulty handler must not stop the watcher.
                }
            }
        }
    }

    private unsafe void DrainInotify(byte* b, int size, List<OomEvent> fired)
    {
        while (true)
        {
            nint len = Libc.Read(_inotifyFd, b, (nuint)size);
            if (len <= 0)
            {
                if (len < 0 && Libc.LastErrno == EAGAIN)
                {
                    return;
                }
                return;
            }
            var span = new ReadOnlySpan<byte>(b, (int)len);
            int off = 0;
            lock (_lock)
            {
                while (off + 16 <= span.Length)
                {
                    int wd = BinaryPrimitives.ReadInt32LittleEndian(span[off..]);
                    uint mask = BinaryPrimitives.ReadUInt32LittleEndian(span[(off + 4)..]);
                    int nameLen = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(off + 12)..]);
                    off += 16 + nameLen;
                    if (!_byWd.TryGetValue(wd, out var e))
                    {
                        continue;
                    }
                    if ((mask & Libc.IN_IGNORED) != 0)
                    {
                        // memory.events is gone with its cgroup.
                        _byWd.Remove(wd);
                        e.Wd = -1;
                        e.Gone = true;
                        continue;
                    }
                    OnNotified(e, fired, v1: false);
                }
            }
        }
    }

    private void OnNotified(Entry e, List<OomEvent> fired, bool v1)
    {
        ulong? count = _manager.ReadOomKillCount(e.Paths);
        // The kernel signals the OOM (v1 eventfd; v2 "oom" in memory.events) before it picks and kills a
        // victim and counts oom_kill: give the counter a moment to catch up.
        for (int i = 0; i < 40 && count is ulong c && c <= e.LastCount; i++)
        {
            Thread.Sleep(5);
            count = _manager.ReadOomKillCount(e.Paths);
        }
        if (count == null)
        {
            string? file = _manager.OomEventFile(e.Paths);
            if (file == null || !File.Exists(file))
            {
                // The cgroup was removed (v1 signals the eventfd on removal too).
                CloseEntry(e);
                return;
            }
            if (v1)
            {
                // Kernel without an oom_kill counter: the notification itself is the OOM.
                e.Saw = true;
                fired.Add(new OomEvent(e.Key, 0));
            }
            return;
        }
        if (count.Value > e.LastCount)
        {
            e.LastCount = count.Value;
            e.Saw = true;
            fired.Add(new OomEvent(e.Key, count.Value));
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        Wake();
        _thread?.Join(TimeSpan.FromSeconds(2));
        lock (_lock)
        {
            foreach (var e in _byKey.Values)
            {
                CloseEntry(e);
            }
            _byKey.Clear();
            if (_inotifyFd >= 0)
            {
                Libc.Close(_inotifyFd);
                _inotifyFd = -1;
            }
        }
        Libc.Close(_wakeFd);
        Disposed?.Invoke();
    }
}
