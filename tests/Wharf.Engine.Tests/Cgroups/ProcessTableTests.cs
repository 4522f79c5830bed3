using Wharf.Engine.Cgroups;

namespace Wharf.Engine.Tests.Cgroups;

public class ProcessTableTests
{
    private const long BootTime = 1700000000;
    private const long Uptime = 34560000; // 400 days

    private static string StatLine(int pid, string comm, char state, int ppid, int pgrp, int session, int tty, int tpgid,
        ulong utime, ulong stime, int nice, int threads, ulong start, ulong vsize, long rss)
        => $"{pid} ({comm}) {state} {ppid} {pgrp} {session} {tty} {tpgid} 4194560 100 0 0 0 {utime} {stime} 0 0 20 {nice} {threads} 0 {start} {vsize} {rss} 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";

    private static ProcessTable FakeProc(TempDir dir)
    {
        dir.Write("proc/uptime", $"{Uptime}.00 1000.00\n");
        dir.Write("proc/stat", $"cpu  1 2 3 4 5 6 7 0 0 0\ncpu0 1 2 3 4 5 6 7 0 0 0\nbtime {BootTime}\nprocesses 100\n");
        dir.Write("proc/meminfo", "MemTotal:        4000000 kB\n");
        dir.Write("passwd", "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\n");

        // pid 1: a shell on pts/3, session leader in the foreground group, started 9999 s ago, 2999 s of CPU.
        dir.Write("proc/1/stat", StatLine(1, "my (weird) proc", 'S', 0, 1, 1, (136 << 8) | 3, 1,
            200000, 99900, 0, 1, (ulong)(Uptime - 9999) * 100, 8192000, 1000));
        dir.Write("proc/1/status", "Name:\tsh\nUid:\t1000\t1000\t1000\t1000\nGid:\t0\t0\t0\t0\n");
        dir.Write("proc/1/cmdline", "/bin/sh\0-c\0echo hi\0");

        // pid 42: niced, multithreaded, started two days ago, no tty.
        dir.Write("proc/42/stat", StatLine(42, "sleep", 'R', 1, 42, 1, 0, -1, 0, 0, 5, 4, (ulong)(Uptime - 172800) * 100, 4096000, 100));
        dir.Write("proc/42/status", "Uid:\t0\t0\t0\t0\n");
        dir.Write("proc/42/cmdline", "sleep\0infinity\0");

        // pid 7: a kernel thread from boot, empty cmdline.
        dir.Write("proc/7/stat", StatLine(7, "kworker/0:1", 'I', 2, 0, 0, 0, -1, 100000, 0, 0, 1, 100, 0, 0));
        dir.Write("proc/7/status", "Uid:\t0\t0\t0\t0\n");
        dir.Write("proc/7/cmdline", "");

        return new ProcessTable(Path.Combine(dir.Path, "proc"), Path.Combine(dir.Path, "passwd"),
            () => DateTimeOffset.FromUnixTimeSeconds(BootTime + Uptime), TimeZoneInfo.Utc);
    }

    [Fact]
    public void RendersPsEf()
    {
        using var dir = new TempDir();
        var t = FakeProc(dir).Render([42, 1, 7, 999]); // 999 exited meanwhile
        Assert.Equal(["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"], t.Titles);
        Assert.Equal(3, t.Processes.Count);
        Assert.Equal(["alice", "1", "0", "29", "19:26", "pts/3", "00:49:59", "/bin/sh -c echo hi"], t.Processes[0]);
        Assert.Equal(["root", "7", "2", "0", "2023", "?", "00:16:40", "[kworker/0:1]"], t.Processes[1]);
        Assert.Equal(["root", "42", "1", "0", "Dec16", "?", "00:00:00", "sleep infinity"], t.Processes[2]);
        Assert.Equal(t.Titles, FakeProc(dir).Render([1], "-ef").Titles);
    }

    [Fact]
    public void RendersPsAux()
    {
        using var dir = new TempDir();
        var t = FakeProc(dir).Render([1, 42], "aux");
        Assert.Equal(["USER", "PID", "%CPU", "%MEM", "VSZ", "RSS", "TTY", "STAT", "START", "TIME", "COMMAND"], t.Titles);
        long pageKb = Environment.SystemPageSize / 1024;
        Assert.Equal(["alice", "1", "29.9", (1000 * pageKb * 1000 / 4000000 / 10.0).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture),
            "8000", (1000 * pageKb).ToString(), "pts/3", "Ss+", "19:26", "49:59", "/bin/sh -c echo hi"], t.Processes[0]);
        Assert.Equal(["root", "42", "0.0", "0.0", "4000", (100 * pageKb).ToString(), "?", "RNl", "Dec16", "0:00", "sleep infinity"], t.Processes[1]);
    }

    [Fact]
    public void PsArgsSubset()
    {
        Assert.True(ProcessTable.IsSupported(null));
        Assert.True(ProcessTable.IsSupported(""));
        Assert.True(ProcessTable.IsSupported("-ef"));
        Assert.True(ProcessTable.IsSupported("aux"));
        Assert.True(ProcessTable.IsSupported("-aux"));
        Assert.False(ProcessTable.IsSupported("-o pid,comm"));
        using var dir = new TempDir();
        Assert.Throws<NotSupportedException>(() => FakeProc(dir).Render([1], "-o pid"));
    }

    [Fact]
    public void TtyNames()
    {
        Assert.Equal("?", ProcessTable.Tty(0));
        Assert.Equal("pts/0", ProcessTable.Tty(136 << 8));
        Assert.Equal("pts/300", ProcessTable.Tty((137 << 8) | 44));
        Assert.Equal("tty1", ProcessTable.Tty((4 << 8) | 1));
        Assert.Equal("ttyS0", ProcessTable.Tty((4 << 8) | 64));
    }
}
