using Wharf.Api.Models;

namespace Wharf.Engine.Cgroups;

/// <summary>cgroup v1 (and hybrid) hosts: one directory per controller hierarchy.</summary>
public sealed class CgroupV1Manager : CgroupManagerBase
{
    /// <summary>Controllers a container's cgroup is created in by <see cref="CgroupManagerBase.Create"/>.</summary>
    private static readonly string[] s_createOrder = ["memory", "pids", "cpu", "cpuacct", "blkio", "freezer", "devices"];

    public CgroupV1Manager(CgroupHost host, string procRoot = "/proc") : base(host, procRoot)
    {
        if (host.IsV2)
        {
            throw new ArgumentException("host is cgroup v2", nameof(host));
        }
    }

    public override string Version => "1";

    protected override string? PrimaryDirectory(CgroupPaths paths)
        => paths.For("memory") ?? paths.For("pids") ?? paths.For("cpu") ?? paths.V1.Values.FirstOrDefault();

    protected override CgroupSample ReadStatsCore(CgroupPaths paths, CgroupFileReader r, DateTime read, long timestamp)
    {
        var sample = new CgroupSample { Read = read, Timestamp = timestamp, Blkio = EmptyV1Blkio() };
        bool any = false;

        if (paths.For("memory") is string mem && r.TryReadUInt64(Path.Combine(mem, "memory.usage_in_bytes"), out ulong usage))
        {
            any = true;
            var m = sample.Memory;
            m.Usage = usage;
            if (r.TryReadUInt64(Path.Combine(mem, "memory.max_usage_in_bytes"), out ulong max))
            {
                m.MaxUsage = max;
            }
            if (r.TryReadUInt64(Path.Combine(mem, "memory.failcnt"), out ulong failcnt))
            {
                m.Failcnt = failcnt;
            }
            if (r.TryReadUInt64(Path.Combine(mem, "memory.limit_in_bytes"), out ulong limit))
            {
                m.Limit = limit;
            }
            m.Stats = r.ReadKeyValues(Path.Combine(mem, "memory.stat")) ?? new Dictionary<string, ulong>();
        }

        string? cpuacct = paths.For("cpuacct");
        if (cpuacct != null && r.TryReadUInt64(Path.Combine(cpuacct, "cpuacct.usage"), out ulong total))
        {
            any = true;
            var u = sample.Cpu.CpuUsage;
            u.TotalUsage = total;
            if (r.TryRead(Path.Combine(cpuacct, "cpuacct.usage_percpu"), out var percpu))
            {
                var list = new List<ulong>(Environment.ProcessorCount);
                foreach (var range in percpu.Split(' '))
                {
                    var f = percpu[range].Trim();
                    if (f.Length > 0 && CgroupFileReader.TryParseUInt64(f, out ulong v))
                    {
                        list.Add(v);
                    }
                }
                u.PercpuUsage = list;
            }
            if (r.TryRead(Path.Combine(cpuacct, "cpuacct.stat"), out var stat))
            {
                if (CgroupFileReader.TryFindKey(stat, "user", out ulong user))
                {
                    u.UsageInUsermode = user * SystemCpu.NanosecondsPerTick;
                }
                if (CgroupFileReader.TryFindKey(stat, "system", out ulong sys))
                {
                    u.UsageInKernelmode = sys * SystemCpu.NanosecondsPerTick;
                }
            }
        }

        if (paths.For("cpu") is string cpu && r.TryRead(Path.Combine(cpu, "cpu.stat"), out var cpuStat))
        {
            var t = sample.Cpu.ThrottlingData;
            if (CgroupFileReader.TryFindKey(cpuStat, "nr_periods", out ulong periods))
            {
                t.Periods = periods;
            }
            if (CgroupFileReader.TryFindKey(cpuStat, "nr_throttled", out ulong throttled))
            {
                t.ThrottledPeriods = throttled;
            }
            if (CgroupFileReader.TryFindKey(cpuStat, "throttled_time", out ulong time))
            {
                t.ThrottledTime = time;
            }
        }

        if (paths.For("pids") is string pids && r.TryReadUInt64(Path.Combine(pids, "pids.current"), out ulong current))
        {
            any = true;
            sample.Pids.Current = current;
            if (r.TryReadUInt64(Path.Combine(pids, "pids.max"), out ulong pmax) && pmax != ulong.MaxValue)
            {
                sample.Pids.Limit = pmax;
            }
        }

        if (paths.For("blkio") is string blkio)
        {
            var b = sample.Blkio;
            b.IoServiceBytesRecursive = ReadBlkio(r, blkio, "io_service_bytes_recursive", fallbacks: true);
            b.IoServicedRecursive = ReadBlkio(r, blkio, "io_serviced_recursive", fallbacks: true);
            b.IoQueuedRecursive = ReadBlkio(r, blkio, "io_queued_recursive", fallbacks: false);
            b.IoServiceTimeRecursive = ReadBlkio(r, blkio, "io_service_time_recursive", fallbacks: false);
            b.IoWaitTimeRecursive = ReadBlkio(r, blkio, "io_wait_time_recursive", fallbacks: false);
            b.IoMergedRecursive = ReadBlkio(r, blkio, "io_merged_recursive", fallbacks: false);
            b.IoTimeRecursive = ReadBlkio(r, blkio, "time_recursive", fallbacks: false);
            b.SectorsRecursive = ReadBlkio(r, blkio, "sectors_recursive", fallbacks: false);
        }

        if (!any)
        {
            throw new CgroupNotFoundException(paths.Relative);
        }
        return sample;
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _absent = new(StringComparer.Ordinal);

    /// <summary>CFQ's blkio.X, else BFQ's blkio.bfq.X, else the throttle policy's blkio.throttle.X (as runc reads them).</summary>
    private List<BlkioStatEntry> ReadBlkio(CgroupFileReader r, string dir, string name, bool fallbacks)
    {
        var list = new List<BlkioStatEntry>();
        string[] candidates = fallbacks
            ? ["blkio." + name, "blkio.bfq." + name, "blkio.throttle." + name]
            : ["blkio." + name];
        foreach (string file in candidates)
        {
            if (_absent.ContainsKey(file))
            {
                continue;
            }
            string path = Path.Combine(dir, file);
            if (!r.TryRead(path, out var text))
            {
                // Files of a blkio policy the kernel lacks are missing in every cgroup: stop asking.
                if (Directory.Exists(dir))
                {
                    _absent.TryAdd(file, 0);
                }
                continue;
            }
            ParseBlkio(text, list);
            if (list.Count > 0)
            {
                break;
            }
        }
        return list;
    }

    /// <summary>Parses "8:0 Read 4096" lines (and "8:0 4096" for sectors/time); "Total" lines are skipped.</summary>
    internal static void ParseBlkio(ReadOnlySpan<char> text, List<BlkioStatEntry> into)
    {
        foreach (var range in text.Split('\n'))
        {
            var line = text[range].Trim();
            if (line.Length == 0 || line.StartsWith("Total"))
            {
                continue;
            }
            int sp1 = line.IndexOf(' ');
            if (sp1 <= 0)
            {
                continue;
            }
            var dev = line[..sp1];
            int colon = dev.IndexOf(':');
            if (colon <= 0
                || !CgroupFileReader.TryParseUInt64(dev[..colon], out ulong major)
                || !CgroupFileReader.TryParseUInt64(dev[(colon + 1)..], out ulong minor))
            {
                continue;
            }
            var rest = line[(sp1 + 1)..];
            int sp2 = rest.IndexOf(' ');
            string op = "";
            var num = rest;
            if (sp2 > 0)
            {
                op = rest[..sp2].ToString();
                num = rest[(sp2 + 1)..];
            }
            if (CgroupFileReader.TryParseUInt64(num.Trim(), out ulong value))
            {
                into.Add(new BlkioStatEntry { Major = major, Minor = minor, Op = op, Value = value });
            }
        }
    }

    protected internal override (string? File, string Key) OomCounterFile(CgroupPaths paths)
        => (paths.For("memory") is string m ? Path.Combine(m, "memory.oom_control") : null, "oom_kill");

    protected internal override string? OomEventFile(CgroupPaths paths)
        => paths.For("memory") is string m ? Path.Combine(m, "memory.oom_control") : null;

    public override FreezerState ReadFreezerState(CgroupPaths paths)
    {
        if (paths.For("freezer") is not string dir)
        {
            return FreezerState.Unknown;
        }
        string? text = ReadText(Path.Combine(dir, "freezer.state"));
        return text?.Trim() switch
        {
            "THAWED" => FreezerState.Thawed,
            "FREEZING" => FreezerState.Freezing,
            "FROZEN" => FreezerState.Frozen,
            null => throw new CgroupNotFoundException(dir),
            _ => FreezerState.Unknown,
        };
    }

    public override void ApplyUpdate(CgroupPaths paths, ResourceUpdate update)
    {
        ulong? memsw = paths.For("memory") is string m ? ReadNumber(Path.Combine(m, "memory.memsw.limit_in_bytes")) : null;
        foreach (var w in update.ToV1Writes(memsw))
        {
            string dir = paths.For(w.Controller)
                ?? throw new NotSupportedException($"cgroup controller {w.Controller} is not mounted");
            WriteFile(Path.Combine(dir, w.File), w.Value);
        }
    }

    protected override IEnumerable<string> CreatableDirectories(CgroupPaths paths)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string c in s_createOrder)
        {
            if (paths.For(c) is string d && seen.Add(d))
            {
                yield return d;
            }
        }
    }
}
