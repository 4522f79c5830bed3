using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Wharf.Shim.Tests;

/// <summary>A busybox root filesystem shared by all tests (read-only in every bundle).</summary>
public static class Rootfs
{
    private static readonly Lazy<string> Dir = new(Build);

    public static string Path => Dir.Value;

    private static string Build()
    {
        // Remove what crashed earlier runs left behind.
        foreach (var stale in Directory.GetDirectories(System.IO.Path.GetTempPath(), "wharf-shim-tests-rootfs-*"))
        {
            if (int.TryParse(stale[(stale.LastIndexOf('-') + 1)..], out int owner) && !Directory.Exists("/proc/" + owner))
            {
                try
                {
                    Directory.Delete(stale, true);
                }
                catch (IOException)
                {
                }
            }
        }
        string root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "wharf-shim-tests-rootfs-" + Environment.ProcessId);
        string tar = root + ".tar";
        Directory.CreateDirectory(root);
        Harness.Run("/bin/bash", Harness.RepoFile("scripts/make-busybox-rootfs.sh"), tar);
        Harness.Run("tar", "-C", root, "-xf", tar);
        File.Delete(tar);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(root, true);
            }
            catch (IOException)
            {
            }
        };
        return root;
    }
}

/// <summary>
/// One container under a shim: a bundle, a private runc root, a state dir, all in a temp dir, cleaned up
/// in Dispose whatever happened (runc delete -f, shim killed, cgroups removed).
/// </summary>
public sealed class Harness : IDisposable
{
    public const string CgroupParent = "wharf-test-shim";
    public readonly string Id = "t" + Guid.NewGuid().ToString("N")[..12];
    public readonly string Dir = Directory.CreateTempSubdirectory("wharf-shim-").FullName;
    public string Bundle => System.IO.Path.Combine(Dir, "bundle");
    public string RuncRoot => System.IO.Path.Combine(Dir, "runc");
    public string StateDir => System.IO.Path.Combine(Dir, "state");
    public string LogPath => System.IO.Path.Combine(StateDir, Id + "-json.log");
    public string Socket => System.IO.Path.Combine(StateDir, "shim.sock");

    public static string ShimPath
    {
        get
        {
            string? env = Environment.GetEnvironmentVariable("WHARF_SHIM");
            if (!string.IsNullOrEmpty(env))
            {
                return env;
            }
            string config = AppContext.BaseDirectory.Contains("/bin/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
            return RepoFile("src/Wharf.Shim/bin/" + config + "/net10.0/wharf-shim");
        }
    }

    public static string RepoFile(string rel)
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d != null && !File.Exists(System.IO.Path.Combine(d.FullName, "Wharf.sln")))
        {
            d = d.Parent;
        }
        return System.IO.Path.Combine(d?.FullName ?? throw new InvalidOperationException("repo root not found"), rel);
    }

    public Harness(string[] args, bool terminal = false, Action<JsonNode>? edit = null)
    {
        Directory.CreateDirectory(Bundle);
        Directory.CreateDirectory(RuncRoot);
        Run("runc", "spec", "--bundle", Bundle);
        var spec = JsonNode.Parse(File.ReadAllText(System.IO.Path.Combine(Bundle, "config.json")))!;
        spec["process"]!["args"] = new JsonArray(args.Select(a => (JsonNode)JsonValue.Create(a)!).ToArray());
        spec["process"]!["terminal"] = terminal;
        spec["root"]!["path"] = Rootfs.Path;
        spec["root"]!["readonly"] = true;
        spec["hostname"] = Id;
        spec["linux"]!["cgroupsPath"] = CgroupParent + "/" + Id;
        edit?.Invoke(spec);
        File.WriteAllText(System.IO.Path.Combine(Bundle, "config.json"), spec.ToJsonString());
    }

    public List<string> Args(params string[] extra)
    {
        var a = new List<string>
        {
            "--id", Id, "--bundle", Bundle, "--runtime", "runc", "--runtime-root", RuncRoot,
            "--state-dir", StateDir, "--log-driver", "json-file", "--log-path", LogPath,
        };
        a.AddRange(extra);
        return a;
    }

    /// <summary>Runs the launcher; returns its exit code and the readiness line it printed.</summary>
    public (int Code, string Line) Launch(params string[] extra)
    {
        var psi = new ProcessStartInfo(ShimPath) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in Args(extra))
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        string line = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return (p.ExitCode, line);
    }

    public int LaunchOk(params string[] extra)
    {
        var (code, line) = Launch(extra);
        Assert.True(code == 0, "launcher failed: " + line);
        using var doc = JsonDocument.Parse(line);
        return doc.RootElement.GetProperty("pid").GetInt32();
    }

    public int ShimPid => int.Parse(File.ReadAllText(System.IO.Path.Combine(StateDir, "shim.pid")).Trim());

    public Socket Connect(string request)
    {
        var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        s.Connect(new UnixDomainSocketEndPoint(Socket));
        s.Send(Encoding.UTF8.GetBytes(request + "\n"));
        return s;
    }

    public static string ReadLine(Socket s)
    {
        var sb = new List<byte>();
        var b = new byte[1];
        s.ReceiveTimeout = 20000;
        while (s.Receive(b) == 1 && b[0] != '\n')
        {
            sb.Add(b[0]);
        }
        return Encoding.UTF8.GetString(sb.ToArray());
    }

    public JsonElement Request(string request)
    {
        using var s = Connect(request);
        return JsonDocument.Parse(ReadLine(s)).RootElement.Clone();
    }

    public JsonElement Wait()
    {
        try
        {
            return Request("{\"op\":\"wait\"}");
        }
        catch (SocketException)
        {
            // Already gone: the record is on disk.
            return ExitRecord();
        }
    }

    public JsonElement ExitRecord()
    {
        string p = System.IO.Path.Combine(StateDir, "exit.json");
        for (int i = 0; i < 200 && !File.Exists(p); i++)
        {
            Thread.Sleep(50);
        }
        return JsonDocument.Parse(File.ReadAllText(p)).RootElement.Clone();
    }

    /// <summary>Waits until the shim process is gone (it exits after recording the exit).</summary>
    public void WaitShimGone(int pid)
    {
        for (int i = 0; i < 200 && Directory.Exists("/proc/" + pid) && !IsZombie(pid); i++)
        {
            Thread.Sleep(50);
        }
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            return File.ReadAllText("/proc/" + pid + "/stat").Split(')')[1].Trim().StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
        }
    }

    public static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string o = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException(file + " " + string.Join(' ', args) + ": " + err.Result);
        }
        return o;
    }

    public void Dispose()
    {
        try
        {
            if (File.Exists(System.IO.Path.Combine(StateDir, "shim.pid")))
            {
                try
                {
                    int pid = ShimPid;
                    if (File.Exists(System.IO.Path.Combine(StateDir, "exit.json")))
                    {
                        WaitShimGone(pid); // it is finishing (runtime delete): let it
                    }
                    using var shim = Process.GetProcessById(pid);
                    shim.Kill();
                    shim.WaitForExit(5000);
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or IOException)
                {
                }
            }
            try
            {
                Run("runc", "--root", RuncRoot, "delete", "-f", Id);
            }
            catch (InvalidOperationException)
            {
            }
            foreach (var ctl in Directory.GetDirectories("/sys/fs/cgroup"))
            {
                foreach (var d in new[] { System.IO.Path.Combine(ctl, CgroupParent, Id), System.IO.Path.Combine(ctl, CgroupParent) })
                {
                    try
                    {
                        if (Directory.Exists(d))
                        {
                            Directory.Delete(d); // rmdir; fails harmlessly while other tests still use the parent
                        }
                    }
                    catch (IOException)
                    {
                    }
                    catch (UnauthorizedAccessException)
                    {
                    }
                }
            }
        }
        finally
        {
            for (int i = 0; i < 3; i++)
            {
                try
                {
                    Directory.Delete(Dir, true);
                    break;
                }
                catch (IOException)
                {
                    Thread.Sleep(100);
                }
            }
        }
    }
}
