using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Wharf.Engine.Logs;

namespace Wharf.Shim.Tests;

public sealed class ShimTests
{
    private static string Text(LogRecord r) => Encoding.UTF8.GetString(r.Bytes);

    [Fact]
    public void OutputGoesToJsonFileWithStreamsAndTimes()
    {
        using var h = new Harness(["sh", "-c", "echo out1; echo err1 >&2; sleep 0.1; echo out2"]);
        long before = LogTime.NowNanos();
        h.LaunchOk();
        var exit = h.Wait();
        long after = LogTime.NowNanos();
        Assert.Equal(0, exit.GetProperty("exitCode").GetInt32());
        var recs = new JsonFileLogReader(h.LogPath).ReadAll();
        Assert.Equal(["out1\n", "out2\n"], recs.Where(r => r.Stream == LogStream.Stdout).Select(Text).ToArray());
        Assert.Equal(["err1\n"], recs.Where(r => r.Stream == LogStream.Stderr).Select(Text).ToArray());
        Assert.All(recs, r => Assert.InRange(r.TimeNanos, before, after));
        Assert.True(recs.First(r => Text(r) == "out2\n").TimeNanos - recs.First(r => Text(r) == "out1\n").TimeNanos >= 90_000_000);
        // Every line is Docker's exact shape.
        foreach (var line in File.ReadAllLines(h.LogPath))
        {
            Assert.Matches("^\\{\"log\":\".*\",\"stream\":\"std(out|err)\",\"time\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,9})?Z\"\\}$", line);
        }
        var finished = LogTime.TryParseRfc3339(Encoding.ASCII.GetBytes(exit.GetProperty("finishedAt").GetString()!), out long fin);
        Assert.True(finished && fin >= recs[^1].TimeNanos);
        Assert.Equal("", Harness.Run("runc", "--root", h.RuncRoot, "list", "-q").Trim());
    }

    [Fact]
    public void ExitCodeIsRecorded()
    {
        using var h = new Harness(["sh", "-c", "exit 3"]);
        int pid = h.LaunchOk();
        Assert.True(pid > 0);
        Assert.Equal(3, h.Wait().GetProperty("exitCode").GetInt32());
        var rec = h.ExitRecord();
        Assert.Equal(3, rec.GetProperty("exitCode").GetInt32());
        Assert.Equal(0, rec.GetProperty("signal").GetInt32());
        Assert.False(rec.GetProperty("oomKilled").GetBoolean());
    }

    [Fact]
    public void OomKillIsDetected()
    {
        using var h = new Harness(["sh", "-c", "a=aaaaaaaaaa; while true; do a=$a$a; done"], edit: spec =>
            spec["linux"]!["resources"] = new System.Text.Json.Nodes.JsonObject
            {
                ["memory"] = new System.Text.Json.Nodes.JsonObject { ["limit"] = 16L << 20, ["swap"] = 16L << 20 },
            });
        h.LaunchOk();
        var exit = h.Wait();
        Assert.Equal(137, exit.GetProperty("exitCode").GetInt32());
        Assert.True(exit.GetProperty("oomKilled").GetBoolean());
    }

    [Fact]
    public void KillNineGives137()
    {
        using var h = new Harness(["sleep", "1000"]);
        h.LaunchOk();
        int shim = h.ShimPid;
        var state = h.Request("{\"op\":\"state\"}");
        Assert.True(state.GetProperty("running").GetBoolean());
        using var waiter = h.Connect("{\"op\":\"wait\"}");
        Assert.True(h.Request("{\"op\":\"kill\",\"signal\":9}").GetProperty("ok").GetBoolean());
        var exit = System.Text.Json.JsonDocument.Parse(Harness.ReadLine(waiter)).RootElement;
        Assert.Equal(137, exit.GetProperty("exitCode").GetInt32());
        Assert.Equal(9, exit.GetProperty("signal").GetInt32());
        Assert.Equal(137, h.ExitRecord().GetProperty("exitCode").GetInt32());
        h.WaitShimGone(shim);
        Assert.False(File.Exists(h.Socket));
        Assert.Equal("", Harness.Run("runc", "--root", h.RuncRoot, "list", "-q").Trim());
    }

    [Fact]
    public void RotatesAtASmallMaxSize()
    {
        using var h = new Harness(["sh", "-c", "i=0; while [ $i -lt 400 ]; do echo line-$i; i=$((i+1)); done"]);
        h.LaunchOk("--log-opt", "max-size=1k", "--log-opt", "max-file=3");
        Assert.Equal(0, h.Wait().GetProperty("exitCode").GetInt32());
        h.ExitRecord();
        Assert.True(File.Exists(h.LogPath + ".1"));
        Assert.True(File.Exists(h.LogPath + ".2"));
        Assert.False(File.Exists(h.LogPath + ".3"));
        foreach (var f in new[] { h.LogPath, h.LogPath + ".1", h.LogPath + ".2" })
        {
            Assert.InRange(new FileInfo(f).Length, 1, 1024 + 100);
        }
        var nums = new JsonFileLogReader(h.LogPath).ReadAll().Select(r => int.Parse(Text(r).Trim()[5..])).ToArray();
        Assert.Equal(399, nums[^1]);
        Assert.Equal(Enumerable.Range(nums[0], nums.Length), nums);
    }

    [Fact]
    public void SurvivesTheDeathOfItsLauncher()
    {
        using var h = new Harness(["sh", "-c", "while true; do echo tick; sleep 0.1; done"]);
        string cmd = "'" + Harness.ShimPath + "' " + string.Join(' ', h.Args().Select(a => "'" + a + "'")) + "; exec sleep 1000";
        using var launcher = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", cmd]) { RedirectStandardOutput = true })!;
        string ready = launcher.StandardOutput.ReadLine() ?? "";
        Assert.StartsWith("{\"pid\":", ready);
        int shim = h.ShimPid;
        launcher.Kill(entireProcessTree: true);
        launcher.WaitForExit();
        Thread.Sleep(300);
        Assert.True(Directory.Exists("/proc/" + shim));
        long size1 = new FileInfo(h.LogPath).Length;
        Thread.Sleep(500);
        Assert.True(new FileInfo(h.LogPath).Length > size1, "the shim kept logging");
        Assert.True(h.Request("{\"op\":\"state\"}").GetProperty("running").GetBoolean());
        // A fresh client (wharfd after a restart) can still stop it and learn the exit.
        h.Request("{\"op\":\"kill\",\"signal\":9}");
        Assert.Equal(137, h.Wait().GetProperty("exitCode").GetInt32());
    }

    private static byte[] ReadExactly(Socket s, int n)
    {
        var buf = new byte[n];
        int got = 0;
        s.ReceiveTimeout = 20000;
        while (got < n)
        {
            int r = s.Receive(buf, got, n - got, SocketFlags.None);
            if (r == 0)
            {
                throw new EndOfStreamException();
            }
            got += r;
        }
        return buf;
    }

    private static (int Stream, string Text) ReadFrame(Socket s)
    {
        var hdr = ReadExactly(s, 8);
        int len = (hdr[4] << 24) | (hdr[5] << 16) | (hdr[6] << 8) | hdr[7];
        return (hdr[0], Encoding.UTF8.GetString(ReadExactly(s, len)));
    }

    private static bool AtEof(Socket s)
    {
        s.ReceiveTimeout = 20000;
        return s.Receive(new byte[16]) == 0;
    }

    [Fact]
    public void AttachSeesLiveOutputAndSendsStdin()
    {
        using var h = new Harness(["sh", "-c", "cat; echo done >&2"]);
        h.LaunchOk("--stdin");
        using var a = h.Connect("{\"op\":\"attach\",\"stdin\":true,\"stdout\":true,\"stderr\":true,\"stdinOnce\":true}");
        using var b = h.Connect("{\"op\":\"attach\",\"stdout\":true,\"stderr\":false}");
        Assert.Contains("\"ok\":true", Harness.ReadLine(a));
        Assert.Contains("\"tty\":false", Harness.ReadLine(b));
        a.Send("hello\n"u8.ToArray());
        Assert.Equal((1, "hello\n"), ReadFrame(a));
        Assert.Equal((1, "hello\n"), ReadFrame(b));
        a.Send("again\n"u8.ToArray());
        Assert.Equal((1, "again\n"), ReadFrame(a));
        a.Shutdown(SocketShutdown.Send); // stdin EOF; StdinOnce closes the container's stdin
        Assert.Equal((2, "done\n"), ReadFrame(a));
        Assert.True(AtEof(a));
        Assert.Equal((1, "again\n"), ReadFrame(b));
        Assert.True(AtEof(b));
        Assert.Equal(0, h.ExitRecord().GetProperty("exitCode").GetInt32());
        var recs = new JsonFileLogReader(h.LogPath).ReadAll();
        Assert.Equal(["hello\n", "again\n", "done\n"], recs.Select(Text).ToArray());
    }

    [Fact]
    public void DetachKeysLeaveTheContainerRunning()
    {
        using var h = new Harness(["cat"]);
        h.LaunchOk("--stdin", "--detach-keys", "ctrl-x,q");
        using var a = h.Connect("{\"op\":\"attach\",\"stdin\":true}");
        Harness.ReadLine(a);
        a.Send("ab\u0018c\n"u8.ToArray()); // a lone first key is passed through
        Assert.Equal((1, "ab\u0018c\n"), ReadFrame(a));
        a.Send("\u0018q"u8.ToArray());
        Assert.True(AtEof(a));
        Assert.True(h.Request("{\"op\":\"state\"}").GetProperty("running").GetBoolean());
        h.Request("{\"op\":\"kill\",\"signal\":9}");
        Assert.Equal(137, h.Wait().GetProperty("exitCode").GetInt32());
    }

    [Fact]
    public void TtyModeWithResize()
    {
        using var h = new Harness(["sh"], terminal: true);
        h.LaunchOk("--tty", "--stdin", "--console-size", "24,80");
        using var a = h.Connect("{\"op\":\"attach\",\"stdin\":true}");
        Assert.Contains("\"tty\":true", Harness.ReadLine(a));
        a.Send("stty size\n"u8.ToArray());
        Assert.Contains("24 80", ReadUntil(a, "24 80"));
        Assert.True(h.Request("{\"op\":\"resize\",\"rows\":40,\"cols\":123}").GetProperty("ok").GetBoolean());
        a.Send("stty size\n"u8.ToArray());
        Assert.Contains("40 123", ReadUntil(a, "40 123"));
        a.Send("exit 5\n"u8.ToArray());
        Assert.Equal(5, h.Wait().GetProperty("exitCode").GetInt32());
        var log = string.Concat(new JsonFileLogReader(h.LogPath).ReadAll().Select(Text));
        Assert.Contains("40 123\r\n", log);
    }

    private static string ReadUntil(Socket s, string want)
    {
        var sb = new StringBuilder();
        var buf = new byte[4096];
        s.ReceiveTimeout = 20000;
        while (!sb.ToString().Contains(want, StringComparison.Ordinal))
        {
            int n = s.Receive(buf);
            if (n == 0)
            {
                break;
            }
            sb.Append(Encoding.UTF8.GetString(buf, 0, n));
        }
        return sb.ToString();
    }

    [Fact]
    public void MissingExecutableSurfacesTheRuntimeError()
    {
        using var h = new Harness(["nosuch"]);
        var (code, line) = h.Launch();
        Assert.Equal(1, code);
        Assert.Contains("exec: \\\"nosuch\\\": executable file not found in $PATH", line);
        Assert.StartsWith("{\"error\":", line);
        Assert.False(File.Exists(h.Socket));
        Assert.Equal("", Harness.Run("runc", "--root", h.RuncRoot, "list", "-q").Trim());
    }

    [Fact]
    public void ReadyFdReceivesTheMessageToo()
    {
        using var h = new Harness(["sleep", "3"]);
        // The message arrives on the pipe, and the pipe reaches EOF although the daemon lives on.
        string cmd = "mkfifo " + h.Dir + "/ready; cat " + h.Dir + "/ready > " + h.Dir + "/got & '" + Harness.ShimPath + "' "
                     + string.Join(' ', h.Args("--ready-fd", "5").Select(a => "'" + a + "'")) + " 5>" + h.Dir + "/ready >/dev/null; wait";
        var sw = Stopwatch.StartNew();
        Harness.Run("/bin/sh", "-c", cmd);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(2.5), "the ready pipe was held open by the daemon");
        Assert.StartsWith("{\"pid\":", File.ReadAllText(h.Dir + "/got"));
        Assert.Equal(0, h.ExitRecord().GetProperty("exitCode").GetInt32());
    }

    [Fact]
    public void WaitStartLetsAnAttachSeeTheFirstOutput()
    {
        using var h = new Harness(["echo", "first"]);
        var (code, line) = h.Launch("--wait-start");
        Assert.Equal(0, code);
        Assert.Contains("\"status\":\"created\"", line);
        using var a = h.Connect("{\"op\":\"attach\"}");
        Harness.ReadLine(a);
        Assert.Equal("created", h.Request("{\"op\":\"state\"}").GetProperty("status").GetString());
        Assert.True(h.Request("{\"op\":\"start\"}").GetProperty("ok").GetBoolean());
        Assert.Equal((1, "first\n"), ReadFrame(a));
        Assert.True(AtEof(a));
        Assert.Equal(0, h.ExitRecord().GetProperty("exitCode").GetInt32());
    }

    [Fact]
    public void LocalDriverWritesTheCompactFormat()
    {
        using var h = new Harness(["sh", "-c", "echo a; echo b >&2; printf c"]);
        h.LaunchOk("--log-driver", "local", "--log-path", h.LogPath + ".local");
        h.Wait();
        h.ExitRecord();
        var recs = new LocalLogReader(h.LogPath + ".local").ReadAll();
        Assert.Equal(["a\n", "c"], recs.Where(r => r.Stream == LogStream.Stdout).Select(Text).ToArray());
        Assert.Equal(["b\n"], recs.Where(r => r.Stream == LogStream.Stderr).Select(Text).ToArray());
        Assert.True(recs[^1].Partial || recs[^2].Partial);
    }

    [Fact]
    public void BadUsageIsReportedAsJson()
    {
        var psi = new ProcessStartInfo(Harness.ShimPath, ["--id", "x"]) { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        string o = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(2, p.ExitCode);
        Assert.StartsWith("{\"error\":", o);
    }
}
