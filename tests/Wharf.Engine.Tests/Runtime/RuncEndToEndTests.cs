using System.Diagnostics;
using Wharf.Api.Models;
using Wharf.Engine.Runtime;

namespace Wharf.Engine.Tests.Runtime;

/// <summary>
/// Generates specs for a busybox rootfs and runs them with runc. Needs root, runc and busybox-static;
/// without them the tests return early. Everything is removed afterwards: containers, the test's own
/// cgroup parent in every hierarchy, temp directories.
/// </summary>
public sealed class RuncEndToEndTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wharf-runc-").FullName;
    private readonly string _cgroupParent = "wharf-test-" + Guid.NewGuid().ToString("N")[..12];
    private readonly List<string> _ids = [];
    private static readonly Lazy<string?> Rootfs = new(PrepareRootfsTar);

    private string StateRoot => Path.Combine(_dir, "state");

    /// <summary>Root with runc installed: then the busybox rootfs must build, or the test fails.</summary>
    private static bool Ready()
    {
        if (Environment.UserName != "root" || !(File.Exists("/usr/sbin/runc") || File.Exists("/usr/bin/runc")))
        {
            return false;
        }
        Assert.True(Rootfs.Value is not null, "scripts/make-busybox-rootfs.sh failed (is busybox-static installed?)");
        return true;
    }

    [Fact]
    public async Task EchoHelloRunsAndExitsZero()
    {
        if (!Ready()) return;
        var (code, stdout, stderr) = await RunAsync(c => c.Cmd = ["echo", "hello"]);
        Assert.True(code == 0, stderr);
        Assert.Equal("hello\n", stdout);
        Assert.Empty(Directory.GetDirectories(StateRoot)); // runc run removes the container it ran

        var (code2, _, _) = await RunAsync(c => c.Cmd = ["sh", "-c", "exit 7"]);
        Assert.Equal(7, code2);
    }

    [Fact]
    public async Task ProcessSeesItsConfiguration()
    {
        if (!Ready()) return;
        var (code, stdout, stderr) = await RunAsync(c =>
        {
            c.Cmd = ["sh", "-c", "id -u; id -g; hostname; pwd; echo $FOO; cat /etc/hostname; ulimit -n; cat /proc/self/status | grep CapEff"];
            c.User = "nobody";
            c.Hostname = "web";
            c.WorkingDir = "/tmp";
            c.Env = ["FOO=bar"];
        });
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n');
        Assert.Equal(["65534", "65534", "web", "/tmp", "bar", "web"], lines[..6]);
        Assert.Equal(HostLimits.Instance.GetRlimit("nofile").Soft.ToString(System.Globalization.CultureInfo.InvariantCulture), lines[6]);
        Assert.Equal("CapEff:\t0000000000000000", lines[7]); // a non-root user has no effective capabilities
    }

    [Fact]
    public async Task DefaultSeccompBlocksNamespacesAndMountButNotOrdinaryWork()
    {
        if (!Ready()) return;
        const string script = "unshare -U true 2>/dev/null; echo unshare=$?; mount -t tmpfs none /mnt 2>/dev/null; echo mount=$?; ls / >/dev/null; echo ls=$?";
        var (code, stdout, stderr) = await RunAsync(c => c.Cmd = ["sh", "-c", script]);
        Assert.True(code == 0, stderr);
        Assert.DoesNotContain("unshare=0", stdout);
        Assert.DoesNotContain("mount=0", stdout);
        Assert.Contains("ls=0", stdout);

        // unshare -U needs no capability: only the seccomp profile stops it.
        var (_, unconfined, _) = await RunAsync(c => c.Cmd = ["sh", "-c", script], h => h.SecurityOpt = ["seccomp=unconfined"]);
        Assert.Contains("unshare=0", unconfined);
        Assert.DoesNotContain("mount=0", unconfined);
    }

    [Fact]
    public async Task PrivilegedCanMount()
    {
        if (!Ready()) return;
        var (code, stdout, stderr) = await RunAsync(c => c.Cmd = ["sh", "-c", "mount -t tmpfs none /mnt && echo mounted && ls /dev | grep -c . "],
            h => h.Privileged = true);
        Assert.True(code == 0, stderr);
        Assert.StartsWith("mounted\n", stdout);
    }

    [Fact]
    public async Task ResourcesAndReadOnlyRootfsApply()
    {
        if (!Ready()) return;
        var (code, stdout, stderr) = await RunAsync(
            c => c.Cmd = ["sh", "-c", "touch /x 2>/dev/null; echo touch=$?; touch /tmp/y; echo tmp=$?; df /dev/shm | tail -1"],
            h => { h.ReadonlyRootfs = true; h.Tmpfs = new() { ["/tmp"] = "size=1m" }; h.Memory = 64L << 20; h.PidsLimit = 50; h.ShmSize = 2L << 20; });
        Assert.True(code == 0, stderr);
        Assert.Contains("touch=1", stdout);
        Assert.Contains("tmp=0", stdout);
        Assert.Contains(" 2048 ", stdout);
    }

    [Fact]
    public async Task InitRunsAsPid1()
    {
        if (!Ready() || !File.Exists("/usr/bin/tini-static")) return;
        var (code, stdout, stderr) = await RunAsync(c => c.Cmd = ["sh", "-c", "cat /proc/1/cmdline | tr '\\0' ' '"], h => h.Init = true);
        Assert.True(code == 0, stderr);
        Assert.StartsWith("/sbin/docker-init -- sh -c", stdout);
    }

    private async Task<(int Code, string Stdout, string Stderr)> RunAsync(Action<ContainerConfig> config, Action<HostConfig>? host = null)
    {
        var id = Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");
        _ids.Add(id);
        var bundle = Path.Combine(_dir, id[..12]);
        var rootfs = Path.Combine(bundle, "rootfs");
        Directory.CreateDirectory(rootfs);
        await Exec("tar", ["-xf", Rootfs.Value!, "-C", rootfs, "--numeric-owner"]);
        Directory.CreateDirectory(Path.Combine(rootfs, "mnt"));
        var c = new ContainerConfig();
        config(c);
        var hc = new HostConfig();
        host?.Invoke(hc);
        var hostname = string.IsNullOrEmpty(c.Hostname) ? id[..12] : c.Hostname;
        File.WriteAllText(Path.Combine(bundle, "hostname"), hostname + "\n");
        File.WriteAllText(Path.Combine(bundle, "hosts"), $"127.0.0.1\tlocalhost\n127.0.0.1\t{hostname}\n");
        File.WriteAllText(Path.Combine(bundle, "resolv.conf"), "nameserver 127.0.0.1\n");
        var result = new OciSpecBuilder().Build(new OciSpecRequest
        {
            ContainerId = id, Config = c, HostConfig = hc, RootfsPath = rootfs,
            HostnamePath = Path.Combine(bundle, "hostname"), HostsPath = Path.Combine(bundle, "hosts"),
            ResolvConfPath = Path.Combine(bundle, "resolv.conf"),
            CgroupParent = "/" + _cgroupParent,
            CgroupVersion = Directory.Exists("/sys/fs/cgroup/memory") ? 1 : 2,
        });
        await OciSpecBuilder.WriteAsync(result.Spec, bundle);
        return await Exec("runc", ["--root", StateRoot, "run", "--bundle", bundle, id]);
    }

    private static async Task<(int, string, string)> Exec(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = p.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = p.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(true);
            throw;
        }
        return (p.ExitCode, await stdout, await stderr);
    }

    private static string? PrepareRootfsTar()
    {
        var script = FindScript();
        if (script is null) return null;
        var tar = Path.Combine(Path.GetTempPath(), $"wharf-busybox-{Environment.ProcessId}.tar");
        var (code, _, _) = Exec("bash", [script, tar]).GetAwaiter().GetResult();
        if (code != 0) return null;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(tar);
        return tar;
    }

    private static string? FindScript()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var s = Path.Combine(d.FullName, "scripts", "make-busybox-rootfs.sh");
            if (File.Exists(s)) return s;
        }
        return null;
    }

    public void Dispose()
    {
        foreach (var id in _ids)
        {
            try
            {
                Exec("runc", ["--root", StateRoot, "delete", "-f", id]).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
            }
        }
        // The test's own cgroup parent, in every hierarchy (v1 controllers and the v2 tree).
        if (Directory.Exists("/sys/fs/cgroup"))
        {
            foreach (var root in Directory.GetDirectories("/sys/fs/cgroup").Append("/sys/fs/cgroup"))
            {
                RemoveCgroup(Path.Combine(root, _cgroupParent));
            }
        }
        try
        {
            Directory.Delete(_dir, true);
        }
        catch (IOException)
        {
        }
    }

    private static void RemoveCgroup(string dir)
    {
        if (!Directory.Exists(dir)) return;
        foreach (var sub in Directory.GetDirectories(dir)) RemoveCgroup(sub);
        try
        {
            Directory.Delete(dir, false);
        }
        catch (IOException)
        {
        }
    }
}
