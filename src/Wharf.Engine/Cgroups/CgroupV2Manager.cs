using Wharf.Api.Models;

namespace Wharf.Engine.Cgroups;

/// <summary>cgroup v2 hosts: one unified directory per cgroup.</summary>
public sealed class CgroupV2Manager : CgroupManagerBase
{
    public CgroupV2Manager(CgroupHost host, string procRoot = "/proc") : base(host, procRoot)
    {
        if (!host.IsV2)
        {
            throw new ArgumentException("host is not cgroup v2", nameof(host));
        }
    }

    public override string Version => "2";

    protected override string? PrimaryDirectory(CgroupPaths paths) => paths.Unified;

    protected override CgroupSample ReadStatsCore(CgroupPaths paths, CgroupFileReader r, DateTime read, long timestamp)
    {
        string dir = paths.Unified!;
        var sample = new CgroupSample { Read = read, Timestamp = timestamp };

        if (!r.TryRead(Path.Combine(dir, "cpu.stat"), out var cpuStat))
        {
            throw new CgroupNotFoundException(dir);
        }
        var u = sample.Cpu.CpuUsage;
        var t = sample.Cpu.ThrottlingData;
        if (CgroupFileReader.TryFindKey(cpuStat, "usage_usec", out ulong v))
        {
            u.TotalUsage = v * 1000;
        }
        if (CgroupFileReader.TryFindKey(cpuStat, "user_usec", out v))
        {
            u.UsageInUsermode = v * 1000;
        }
        if (CgroupFileReader.TryFindKey(cpuStat, "system_usec", out v))
        {
            u.UsageInKernelmode = v * 1000;
        }
        if (CgroupFileReader.TryFindKey(cpuStat, "nr_periods", out v))
        {
            t.Periods = v;
        }
        if (CgroupFileReader.TryFindKey(cpuStat, "nr_throttled", out v))
        {
            t.ThrottledPeriods = v;
        }
        if (CgroupFileReader.TryFindKey(cpuStat, "throttled_usec", out v))
        {
            t.ThrottledTime = v * 1000;
        }

        var m = sample.Memory;
        if (r.TryReadUInt64(Path.Combine(dir, "memory.current"), out v))
        {
            m.Usage = v;
            if (r.TryReadUInt64(Path.Combine(dir, "memory.max"), out ulong limit))
            {
                m.Limit = limit;
            }
            m.Stats = r.ReadKeyValues(Path.Combine(dir, "memory.stat")) ?? new Dictionary<string, ulong>();
        }

        if (r.TryReadUInt64(Path.Combine(dir, "pids.current"), out v))
        {
            sample.Pids.Current = v;
            if (r.TryReadUInt64(Path.Combine(dir, "pids.max"), out ulong pmax) && pmax != ulong.MaxValue)
            {
                sample.Pids.Limit = pmax;
            }
        }

        if (r.TryRead(Path.Combine(dir, "io.stat"), out var io))
        {
            var list = new List<BlkioStatEntry>();
            ParseIoStat(io, list);
            sample.Blkio.IoServiceBytesRecursive = list;
        }
        return sample;
    }

    /// <summary>io.stat "8:0 rbytes=1 wbytes=2 rios=3 ..." → Docker's v2 entries: op "read" and "write" bytes per device.</summary>
    internal static void ParseIoStat(ReadOnlySpan<char> text, List<BlkioStatEntry> into)
    {
        foreach (var range in text.Split('\n'))
        {
            var line = text[range].Trim();
            int sp = line.IndexOf(' ');
            if (sp <= 0)
            {
                continue;
            }
            var dev = line[..sp];
            int colon = dev.IndexOf(':');
            if (colon <= 0
                || !CgroupFileReader.TryParseUInt64(dev[..colon], out ulong major)
                || !CgroupFileReader.TryParseUInt64(dev[(colon + 1)..], out ulong minor))
            {
                continue;
            }
            var kv = line[(sp + 1)..];
            ulong rbytes = Token(kv, "rbytes");
            ulong wbytes = Token(kv, "wbytes");
            into.Add(new BlkioStatEntry { Major = major, Minor = minor, Op = "read", Value = rbytes });
            into.Add(new BlkioStatEntry { Major = major, Minor = minor, Op = "write", Value = wbytes });
        }
    }

    /// <summary>Value of "key=value" in a space-separated list; 0 when absent.</summary>
    private static ulong Token(ReadOnlySpan<char> list, string key)
    {
        foreach (var range in list.Split(' '))
        {
            var tok = list[range];
            if (tok.Length > key.Length && tok[key.Length] == '=' && tok.StartsWith(key, StringComparison.Ordinal)
                && CgroupFileReader.TryParseUInt64(tok[(key.Length + 1)..], out ulong v))
            {
                return v;
            }
        }
        return 0;
    }

    protected internal override (string? File, string Key) OomCounterFile(CgroupPaths paths)
        => (paths.Unified is string d ? Path.Combine(d, "memory.events") : null, "oom_kill");

    protected internal override string? OomEventFile(CgroupPaths paths)
        => paths.Unified is string d ? Path.Combine(d, "memory.events") : null;

    public override FreezerState ReadFreezerState(CgroupPaths paths)
    {
        string dir = paths.Unified!;
        string? events = ReadText(Path.Combine(dir, "cgroup.events"));
        if (events == null)
        {
            throw new CgroupNotFoundException(dir);
        }
        string? freeze = ReadText(Path.Combine(dir, "cgroup.freeze"))?.Trim();
        bool frozen = CgroupFileReader.TryFindKey(events, "frozen", out ulong f) && f == 1;
        return (freeze, frozen) switch
        {
            (_, true) => FreezerState.Frozen,
            ("1", false) => FreezerState.Freezing,
            (null, false) => FreezerState.Unknown,
            _ => FreezerState.Thawed,
        };
    }

    public override void ApplyUpdate(CgroupPaths paths, ResourceUpdate update)
    {
        string dir = paths.Unified!;
        foreach (var w in update.ToV2Writes())
        {
            string file = Path.Combine(dir, w.File);
            if (w.File == "io.bfq.weight" && !File.Exists(file))
            {
                continue;
            }
            if (w.File == "io.weight" && File.Exists(Path.Combine(dir, "io.bfq.weight")))
            {
                continue;
            }
            WriteFile(file, w.Value);
        }
    }

    protected override IEnumerable<string> CreatableDirectories(CgroupPaths paths)
    {
        yield return paths.Unified!;
    }
}
