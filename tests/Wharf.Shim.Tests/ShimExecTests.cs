using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Wharf.Shim.Tests;

/// <summary>`wharf-shim exec`: one extra process in a running container, on its own control socket.</summary>
public sealed class ShimExecTests
{
    private static (int Code, string Line, string StateDir) LaunchExec(Harness h, string[] args, params string[] extra)
    {
        string state = Path.Combine(h.Dir, "exec-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(state);
        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(h.Bundle, "config.json")))!;
        var process = spec["process"]!.DeepClone();
        process["args"] = new JsonArray(args.Select(a => (JsonNode)JsonValue.Create(a)!).ToArray());
        process["terminal"] = extra.Contains("--tty");
        string file = Path.Combine(state, "process.json");
        File.WriteAllText(file, process.ToJsonString());
        var psi = new ProcessStartInfo(Harness.ShimPath) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "exec", "--id", h.Id, "--runtime", "runc", "--runtime-root", h.RuncRoot, "--state-dir", state, "--process", file }.Concat(extra))
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        string line = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return (p.ExitCode, line, state);
    }

    private static Socket Connect(string state, string request)
    {
        var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        s.Connect(new UnixDomainSocketEndPoint(Path.Combine(state, "shim.sock")));
        s.Send(Encoding.UTF8.GetBytes(request + "\n"));
        return s;
    }

    private static byte[] ReadAll(Socket s)
    {
        var ms = new MemoryStream();
        var buf = new byte[4096];
        s.ReceiveTimeout = 20000;
        int n;
        while ((n = s.Receive(buf)) > 0)
        {
            ms.Write(buf, 0, n);
        }
        return ms.ToArray();
    }

    private static (string Out, string Err) Demux(byte[] data)
    {
        var o = new StringBuilder();
        var e = new StringBuilder();
        int i = 0;
        while (i + 8 <= data.Length)
        {
            int len = (int)BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(i + 4));
            (data[i] == 2 ? e : o).Append(Encoding.UTF8.GetString(data, i + 8, len));
            i += 8 + len;
        }
        return (o.ToString(), e.ToString());
    }

    private static JsonElement ExitRecord(string state)
    {
        string p = Path.Combine(state, "exit.json");
        for (int i = 0; i < 200 && !File.Exists(p); i++)
        {
            Thread.Sleep(50);
        }
        return JsonDocument.Parse(File.ReadAllText(p)).RootElement.Clone();
    }

    [Fact]
    public void ExecOutputIsHeldForTheFirstAttachAndTheExitIsRecorded()
    {
        using var h = new Harness(["sleep", "1000"]);
        h.LaunchOk();
        var (code, line, state) = LaunchExec(h, ["sh", "-c", "echo out; echo err >&2; exit 4"]);
        Assert.True(code == 0, line);
        // The process has most likely exited already: its output waits for us.
        Thread.Sleep(300);
        using var waiter = Connect(state, "{\"op\":\"wait\"}");
        using var s = Connect(state, "{\"op\":\"attach\",\"stdin\":false,\"stdout\":true,\"stderr\":true}");
        Assert.Contains("\"ok\":true", Harness.ReadLine(s));
        var (o, e) = Demux(ReadAll(s));
        Assert.Equal("out\n", o);
        Assert.Equal("err\n", e);
        var exit = JsonDocument.Parse(Harness.ReadLine(waiter)).RootElement;
        Assert.Equal(4, exit.GetProperty("exitCode").GetInt32());
        Assert.Equal(4, ExitRecord(state).GetProperty("exitCode").GetInt32());
        // The container itself still runs.
        Assert.True(h.Request("{\"op\":\"state\"}").GetProperty("running").GetBoolean());
    }

    [Fact]
    public void ExecStdinReachesTheProcessAndKillSignalsOnlyIt()
    {
        using var h = new Harness(["sleep", "1000"]);
        h.LaunchOk();
        var (code, line, state) = LaunchExec(h, ["wc", "-c"], "--stdin");
        Assert.True(code == 0, line);
        using (var s = Connect(state, "{\"op\":\"attach\",\"stdin\":true,\"stdout\":true,\"stderr\":true,\"stdinOnce\":true}"))
        {
            Assert.Contains("\"ok\":true", Harness.ReadLine(s));
            s.Send("hello"u8.ToArray());
            s.Shutdown(SocketShutdown.Send);
            Assert.Equal("5", Demux(ReadAll(s)).Out.Trim());
        }
        Assert.Equal(0, ExitRecord(state).GetProperty("exitCode").GetInt32());

        var (code2, line2, state2) = LaunchExec(h, ["sleep", "1000"], "--detach");
        Assert.True(code2 == 0, line2);
        Assert.True(JsonDocument.Parse(Harness.ReadLine(Connect(state2, "{\"op\":\"kill\",\"signal\":9}"))).RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(137, ExitRecord(state2).GetProperty("exitCode").GetInt32());
        Assert.True(h.Request("{\"op\":\"state\"}").GetProperty("running").GetBoolean());
    }

    [Fact]
    public void ExecUnderATerminal()
    {
        using var h = new Harness(["sleep", "1000"]);
        h.LaunchOk();
        var (code, line, state) = LaunchExec(h, ["sh", "-c", "tty; exit 2"], "--tty");
        Assert.True(code == 0, line);
        using var s = Connect(state, "{\"op\":\"attach\",\"stdin\":false,\"stdout\":true,\"stderr\":true}");
        Assert.Contains("\"tty\":true", Harness.ReadLine(s));
        Assert.Contains("/dev/pts/", Encoding.UTF8.GetString(ReadAll(s)));
        Assert.Equal(2, ExitRecord(state).GetProperty("exitCode").GetInt32());
    }

    [Fact]
    public void AMissingCommandIsReportedByTheLauncher()
    {
        using var h = new Harness(["sleep", "1000"]);
        h.LaunchOk();
        var (code, line, state) = LaunchExec(h, ["nosuchcommand"]);
        Assert.Equal(1, code);
        Assert.Contains("executable file not found in $PATH", line);
        Assert.False(File.Exists(Path.Combine(state, "shim.sock")));
        Assert.True(h.Request("{\"op\":\"state\"}").GetProperty("running").GetBoolean());
    }
}
