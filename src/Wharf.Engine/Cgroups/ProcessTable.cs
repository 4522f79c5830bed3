using System.Globalization;
using System.Text;

namespace Wharf.Engine.Cgroups;

/// <summary>`docker top` output: column titles and one row of strings per process.</summary>
public sealed record ProcessTableResult(IReadOnlyList<string> Titles, IReadOnlyList<IReadOnlyList<string>> Processes);

/// <summary>
/// Renders `ps -ef` and `ps aux` rows for a set of PIDs from /proc without spawning ps, with procps'
/// column rules (C and %CPU over the process lifetime, STIME/START as HH:MM, MonDD or year, ps TTY names).
/// </summary>
public sealed class ProcessTable
{
    private static readonly string[] s_efTitles = ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"];
    private static readonly string[] s_auxTitles = ["USER", "PID", "%CPU", "%MEM", "VSZ", "RSS", "TTY", "STAT", "START", "TIME", "COMMAND"];

    private readonly string _procRoot;
    private readonly string _passwdPath;
    private readonly Func<DateTimeOffset> _now;
    private readonly TimeZoneInfo _zone;

    public ProcessTable(string procRoot = "/proc", string passwdPath = "/etc/passwd",
        Func<DateTimeOffset>? now = null, TimeZoneInfo? zone = null)
    {
        _procRoot = procRoot;
        _passwdPath = passwdPath;
        _now = now ?? (() => DateTimeOffset.UtcNow);
        _zone = zone ?? TimeZoneInfo.Local;
    }

    /// <summary>True for the ps_args this table renders: none, -ef (-e -f, ef), aux (-aux, axu...).</summary>
    public static bool IsSupported(string? psArgs) => Classify(psArgs) != null;

    /// <summary>Rows for <paramref name="pids"/>; processes that exited meanwhile are skipped.</summary>
    /// <exception cref="NotSupportedException">ps_args other than -ef or aux.</exception>
    public ProcessTableResult Render(IEnumerable<int> pids, string? psArgs = null)
    {
        bool aux = Classify(psArgs) ?? throw new NotSupportedException(
            $"ps_args \"{psArgs}\" is not supported: use -ef (the default) or aux");
        var users = ReadUsers();
        var host = ReadHost();
        var rows = new List<IReadOnlyList<string>>();
        foreach (int pid in pids.Order())
        {
            var p = ReadProcess(pid);
            if (p == null)
            {
                continue;
            }
            rows.Add(aux ? AuxRow(p, users, host) : EfRow(p, users, host));
        }
        return new ProcessTableResult(aux ? s_auxTitles : s_efTitles, rows);
    }

    private static bool? Classify(string? psArgs)
    {
        string a = (psArgs ?? "").Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (a.Length == 0 || a is "ef" or "fe")
        {
            return false;
        }
        var set = new SortedSet<char>(a);
        return set.SetEquals("aux") ? true : null;
    }

    private sealed record HostInfo(double Uptime, long BootTime, ulong MemTotalKb);

    private sealed record Proc(int Pid, char State, int Ppid, int Pgrp, int Session, int TtyNr, int Tpgid,
        ulong Utime, ulong Stime, long Nice, long Threads, ulong StartTicks, ulong Vsize, long RssPages,
        uint Uid, string Comm, string Cmdline);

    private HostInfo ReadHost()
    {
        double uptime = 0;
        string? up = TryRead(Path.Combine(_procRoot, "uptime"));
        if (up != null)
        {
            double.TryParse(up.Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out uptime);
        }
        long btime = 0;
        ulong memKb = 0;
        foreach (var line in (TryRead(Path.Combine(_procRoot, "stat")) ?? "").Split('\n'))
        {
            if (line.StartsWith("btime ", StringComparison.Ordinal))
            {
                long.TryParse(line.AsSpan(6).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out btime);
            }
        }
        foreach (var line in (TryRead(Path.Combine(_procRoot, "meminfo")) ?? "").Split('\n'))
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length > 1)
                {
                    ulong.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out memKb);
                }
            }
        }
        return new HostInfo(uptime, btime, memKb);
    }

    private Proc? ReadProcess(int pid)
    {
        string dir = Path.Combine(_procRoot, pid.ToString(CultureInfo.InvariantCulture));
        string? stat = TryRead(Path.Combine(dir, "stat"));
        if (stat == null)
        {
            return null;
        }
        int open = stat.IndexOf('(');
        int close = stat.LastIndexOf(')');
        if (open < 0 || close < open)
        {
            return null;
        }
        string comm = stat[(open + 1)..close];
        string[] f = stat[(close + 1)..].Trim().Split(' ');
        if (f.Length < 22)
        {
            return null;
        }
        // f[k - 3] is field k of proc(5).
        static long L(string s) => long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) ? v : 0;
        static ulong U(string s) => ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out ulong v) ? v : 0;

        uint uid = 0;
        foreach (var line in (TryRead(Path.Combine(dir, "status")) ?? "").Split('\n'))
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
            {
                var u = line[4..].Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
                if (u.Length > 1)
                {
                    uint.TryParse(u[1], NumberStyles.None, CultureInfo.InvariantCulture, out uid);
                }
                break;
            }
        }
        string cmdline = TryRead(Path.Combine(dir, "cmdline")) ?? "";
        cmdline = cmdline.TrimEnd('\0').Replace('\0', ' ');
        return new Proc(pid, f[0].Length > 0 ? f[0][0] : '?', (int)L(f[1]), (int)L(f[2]), (int)L(f[3]), (int)L(f[4]),
            (int)L(f[5]), U(f[11]), U(f[12]), L(f[16]), L(f[17]), U(f[19]), U(f[20]), L(f[21]), uid, comm, cmdline);
    }

    private IReadOnlyList<string> EfRow(Proc p, Dictionary<uint, string> users, HostInfo host)
    {
        double elapsed = Elapsed(p, host);
        ulong cpuTicks = p.Utime + p.Stime;
        ulong c = elapsed >= 1 ? (ulong)(cpuTicks * 100 / SystemCpu.ClockTicksPerSecond / (ulong)elapsed) : 0;
        return
        [
            UserName(p.Uid, users),
            p.Pid.ToString(CultureInfo.InvariantCulture),
            p.Ppid.ToString(CultureInfo.InvariantCulture),
            Math.Min(c, 99).ToString(CultureInfo.InvariantCulture),
            StartTime(p, host),
            Tty(p.TtyNr),
            CpuTimeLong(cpuTicks / SystemCpu.ClockTicksPerSecond),
            p.Cmdline.Length > 0 ? p.Cmdline : "[" + p.Comm + "]",
        ];
    }

    private IReadOnlyList<string> AuxRow(Proc p, Dictionary<uint, string> users, HostInfo host)
    {
        double elapsed = Elapsed(p, host);
        ulong cpuTicks = p.Utime + p.Stime;
        ulong pcpu = elapsed >= 1 ? (ulong)(cpuTicks * 1000 / SystemCpu.ClockTicksPerSecond / (ulong)elapsed) : 0;
        ulong rssKb = (ulong)Math.Max(0, p.RssPages) * (ulong)Environment.SystemPageSize / 1024;
        ulong pmem = host.MemTotalKb > 0 ? rssKb * 1000 / host.MemTotalKb : 0;
        return
        [
            UserName(p.Uid, users),
            p.Pid.ToString(CultureInfo.InvariantCulture),
            Tenths(pcpu),
            Tenths(pmem),
            (p.Vsize / 1024).ToString(CultureInfo.InvariantCulture),
            rssKb.ToString(CultureInfo.InvariantCulture),
            Tty(p.TtyNr),
            Stat(p),
            StartTime(p, host),
            CpuTimeShort(cpuTicks / SystemCpu.ClockTicksPerSecond),
            p.Cmdline.Length > 0 ? p.Cmdline : "[" + p.Comm + "]",
        ];
    }

    private static double Elapsed(Proc p, HostInfo host)
        => Math.Max(0, host.Uptime - (double)p.StartTicks / SystemCpu.ClockTicksPerSecond);

    /// <summary>procps prints tenths as "0.0"; from 100.0 on without the decimal.</summary>
    private static string Tenths(ulong tenths)
        => tenths >= 1000
            ? (tenths / 10).ToString(CultureInfo.InvariantCulture)
            : (tenths / 10).ToString(CultureInfo.InvariantCulture) + "." + (tenths % 10).ToString(CultureInfo.InvariantCulture);

    /// <summary>STIME/START: HH:MM within 24 hours, MonDD within a year, else the year (local time).</summary>
    private string StartTime(Proc p, HostInfo host)
    {
        var started = DateTimeOffset.FromUnixTimeSeconds(host.BootTime + (long)(p.StartTicks / SystemCpu.ClockTicksPerSecond));
        var now = _now();
        var local = TimeZoneInfo.ConvertTime(started, _zone);
        var ago = now - started;
        if (ago < TimeSpan.FromHours(24))
        {
            return local.ToString("HH:mm", CultureInfo.InvariantCulture);
        }
        if (ago < TimeSpan.FromDays(365))
        {
            return local.ToString("MMMdd", CultureInfo.InvariantCulture);
        }
        return local.ToString("yyyy", CultureInfo.InvariantCulture);
    }

    /// <summary>ps -ef TIME: [DD-]HH:MM:SS.</summary>
    private static string CpuTimeLong(ulong seconds)
    {
        ulong d = seconds / 86400, h = seconds / 3600 % 24, m = seconds / 60 % 60, s = seconds % 60;
        string hms = string.Create(CultureInfo.InvariantCulture, $"{h:D2}:{m:D2}:{s:D2}");
        return d > 0 ? string.Create(CultureInfo.InvariantCulture, $"{d}-{hms}") : hms;
    }

    /// <summary>ps aux TIME: M:SS.</summary>
    private static string CpuTimeShort(ulong seconds)
        => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60}:{seconds % 60:D2}");

    /// <summary>ps STAT: state, then &lt; N s l + flags.</summary>
    private static string Stat(Proc p)
    {
        var sb = new StringBuilder().Append(p.State);
        if (p.Nice < 0)
        {
            sb.Append('<');
        }
        else if (p.Nice > 0)
        {
            sb.Append('N');
        }
        if (p.Session == p.Pid)
        {
            sb.Append('s');
        }
        if (p.Threads > 1)
        {
            sb.Append('l');
        }
        if (p.Tpgid > 0 && p.Tpgid == p.Pgrp)
        {
            sb.Append('+');
        }
        return sb.ToString();
    }

    /// <summary>Terminal name from tty_nr as ps prints it ("pts/0", "tty1", "ttyS0"; "?" for none).</summary>
    public static string Tty(int ttyNr)
    {
        if (ttyNr == 0)
        {
            return "?";
        }
        int major = (ttyNr >> 8) & 0xfff;
        int minor = (ttyNr & 0xff) | ((ttyNr >> 12) & 0xfff00);
        return major switch
        {
            >= 136 and <= 143 => "pts/" + ((major - 136) * 256 + minor).ToString(CultureInfo.InvariantCulture),
            4 when minor < 64 => "tty" + minor.ToString(CultureInfo.InvariantCulture),
            4 => "ttyS" + (minor - 64).ToString(CultureInfo.InvariantCulture),
            5 when minor == 0 => "tty",
            5 when minor == 1 => "console",
            _ => "?",
        };
    }

    private static string UserName(uint uid, Dictionary<uint, string> users)
        => users.TryGetValue(uid, out var n) ? n : uid.ToString(CultureInfo.InvariantCulture);

    private Dictionary<uint, string> ReadUsers()
    {
        var users = new Dictionary<uint, string>();
        foreach (var line in (TryRead(_passwdPath) ?? "").Split('\n'))
        {
            var f = line.Split(':');
            if (f.Length > 2 && uint.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out uint uid))
            {
                users.TryAdd(uid, f[0]);
            }
        }
        return users;
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
