using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;

namespace Wharf.IntegrationTests.Infrastructure;

/// <summary>
/// A private wharfd for one test class: its own temp data and exec roots, socket, pid file and per-daemon
/// names (nftables table, bridge, cgroup parent), so classes run in parallel and never touch an installed
/// Wharf. Dispose stops it and removes everything it made, also after failures.
/// </summary>
public sealed class WharfDaemon : IAsyncDisposable
{
    private Process? _process;
    private readonly StringBuilder _log = new();

    public string Id { get; } = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..8];
    public string Root { get; }
    public string DataRoot => Path.Combine(Root, "data");
    public string ExecRoot => Path.Combine(Root, "run");
    public string SocketPath => Path.Combine(ExecRoot, "wharf.sock");
    public string Host => "unix://" + SocketPath;
    public string DockerConfig => Path.Combine(Root, "docker-config");
    public List<string> ExtraArgs { get; } = [];
    /// <summary>A command that execs wharfd with its arguments (e.g. prlimit), or empty.</summary>
    public List<string> Wrapper { get; } = [];
    public string Log { get { lock (_log) return _log.ToString(); } }
    public int Pid => _process?.Id ?? 0;

    public WharfDaemon()
    {
        Root = Path.Combine(Path.GetTempPath(), "wharf-it-" + Id);
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(DockerConfig);
        File.WriteAllText(ConfigFile, "{}");
    }

    public string ConfigFile => Path.Combine(Root, "daemon.json");

    public static async Task<WharfDaemon> StartNewAsync(bool withBusybox = true, params string[] extraArgs)
    {
        var d = new WharfDaemon();
        d.ExtraArgs.AddRange(extraArgs);
        try
        {
            await d.StartAsync();
            if (withBusybox) await d.ImportBusyboxAsync();
            return d;
        }
        catch
        {
            await d.DisposeAsync();
            throw;
        }
    }

    public string Bridge => "wt" + Id;
    public string NftTable => "wharf_t" + Id;

    /// <summary>The default bridge's address: a /24 of 10.0.0.0/8 derived from the id, so parallel daemons never share a subnet.</summary>
    public string Bip => $"10.{Convert.ToByte(Id[..2], 16)}.{Convert.ToByte(Id[2..4], 16)}.1/24";

    /// <summary>False to leave the default bridge's subnet to daemon.json or the address pools.</summary>
    public bool PassBip { get; set; } = true;

    /// <summary>A /24 for the daemon's <paramref name="n"/>th user-defined network (n ≥ 1), near its default bridge's.</summary>
    public string UserSubnet(int n) => $"10.{Convert.ToByte(Id[..2], 16)}.{(Convert.ToByte(Id[2..4], 16) + 17 * n) % 256}.0/24";

    /// <summary>The default bridge's first three octets ("10.x.y."), for building container addresses.</summary>
    public string SubnetPrefix => Bip[..(Bip.LastIndexOf('.') + 1)];

    public IEnumerable<string> Arguments() =>
    [
        "--data-root", DataRoot, "--exec-root", ExecRoot, "-H", Host,
        "--config-file", ConfigFile,
        "--nft-table", NftTable, "--bridge", Bridge, .. (PassBip ? new[] { "--bip", Bip } : []), "--cgroup-parent", "wharf-t" + Id,
        "--runtime-root", Path.Combine(Root, "runc"), "--shim-dir", Path.Combine(Root, "shims"),
        "--default-registry", "registry.invalid", .. ExtraArgs,
    ];

    public async Task StartAsync()
    {
        if (!File.Exists(Repo.Wharfd)) throw new FileNotFoundException($"wharfd is not built: {Repo.Wharfd}");
        var psi = new ProcessStartInfo(Wrapper.Count > 0 ? Wrapper[0] : Repo.Wharfd) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in Wrapper.Skip(1).Concat(Wrapper.Count > 0 ? [Repo.Wharfd] : []).Concat(Arguments())) psi.ArgumentList.Add(a);
        psi.Environment["WHARF_SHIM"] = Repo.Shim;
        lock (_log) _log.Clear();
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                // Without a timeout this also waits until the redirected output has been read to its end.
                _process.WaitForExit();
                throw new InvalidOperationException($"wharfd exited with {_process.ExitCode}:\n{Log}");
            }
            // Every listener is bound once the daemon logs that it listens.
            if (Log.Contains("API listening on", StringComparison.Ordinal) && await PingAsync()) return;
            await Task.Delay(20);
        }
        throw new TimeoutException("wharfd did not answer /_ping within 30 s:\n" + Log);
    }

    public async Task<bool> PingAsync()
    {
        try
        {
            using var client = CreateHttpClient();
            var r = await client.GetAsync("/_ping");
            return r.IsSuccessStatusCode;
        }
        catch (HttpRequestException) { return false; }
        catch (SocketException) { return false; }
    }

    /// <summary>An HttpClient speaking to the daemon's unix socket (base address http://wharf).</summary>
    public HttpClient CreateHttpClient()
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await s.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), ct);
                return new NetworkStream(s, ownsSocket: true);
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri("http://wharf"), Timeout = TimeSpan.FromMinutes(5) };
    }

    public Task<ProcessResult> DockerAsync(params string[] args) => DockerAsync(args, null);

    /// <summary>Runs the real docker CLI against this daemon.</summary>
    public Task<ProcessResult> DockerAsync(IEnumerable<string> args, Stream? stdin, TimeSpan? timeout = null) =>
        ProcessRunner.RunAsync("docker", args, Env(), stdin, timeout);

    public Task<ProcessResult> WharfAsync(params string[] args) => WharfAsync(args, null);

    /// <summary>Runs the wharf CLI against this daemon.</summary>
    public Task<ProcessResult> WharfAsync(IEnumerable<string> args, Stream? stdin, TimeSpan? timeout = null) =>
        ProcessRunner.RunAsync(Repo.Wharf, args, Env(), stdin, timeout);

    public Dictionary<string, string> Env() => new()
    {
        ["DOCKER_HOST"] = Host,
        ["WHARF_HOST"] = Host,
        ["DOCKER_CONFIG"] = DockerConfig,
        ["HOME"] = Root,
        ["DOCKER_BUILDKIT"] = "0",
        ["DOCKER_CLI_HINTS"] = "false",
    };

    public async Task ImportBusyboxAsync(string name = "busybox:latest")
    {
        var r = await DockerAsync("import", "-c", "CMD [\"sh\"]",
            "-c", "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", TestImages.BusyboxRootfs, name);
        if (r.ExitCode != 0) throw new InvalidOperationException("importing busybox failed: " + r);
    }

    /// <summary>Sends a signal and waits for the process to exit.</summary>
    public async Task StopAsync(bool kill = false)
    {
        if (_process is null || _process.HasExited) return;
        if (kill) _process.Kill();
        else Signal(15);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { _process.Kill(); await _process.WaitForExitAsync(); }
    }

    public int ExitCode => _process?.ExitCode ?? -1;

    public void Signal(int signal) => _ = Native.Kill(_process!.Id, signal);

    public async ValueTask DisposeAsync()
    {
        // Containers outlive a stopped daemon (live restore): remove them first; then the user-defined
        // networks, whose bridges are named after the network (br-<id>), not after the daemon.
        var bridges = new List<string>();
        try
        {
            if (_process is { HasExited: false })
            {
                using var http = CreateHttpClient();
                var list = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/containers/json?all=1"));
                foreach (var c in list.RootElement.EnumerateArray())
                    await http.DeleteAsync($"/containers/{c.GetProperty("Id").GetString()}?force=1");
                var networks = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/networks"));
                foreach (var n in networks.RootElement.EnumerateArray())
                {
                    var id = n.GetProperty("Id").GetString()!;
                    if (n.GetProperty("Driver").GetString() != "bridge" || n.GetProperty("Name").GetString() == "bridge") continue;
                    bridges.Add(n.GetProperty("Options").TryGetProperty("com.docker.network.bridge.name", out var b) ? b.GetString()! : "br-" + id[..12]);
                    await http.DeleteAsync($"/networks/{id}");
                }
            }
        }
        catch (Exception) { }
        try { await StopAsync(); } catch (InvalidOperationException) { }
        Cleanup.UnmountUnder(Root);
        await Cleanup.RemoveNetworkAsync(Bridge, NftTable);
        foreach (var b in bridges) await Cleanup.RemoveNetworkAsync(b, null);
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

internal static partial class Native
{
    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill")]
    internal static partial int Kill(int pid, int sig);

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "umount2", StringMarshalling = System.Runtime.InteropServices.StringMarshalling.Utf8)]
    internal static partial int Umount2(string target, int flags);
}

/// <summary>Removes what a test daemon may have left on the host.</summary>
public static class Cleanup
{
    /// <summary>The bridge, every link on it, and the nftables table (namespace files go with <see cref="UnmountUnder"/>).</summary>
    public static async Task RemoveNetworkAsync(string bridge, string? table)
    {
        foreach (var port in await LinksOnAsync(bridge)) await ProcessRunner.RunAsync("ip", ["link", "del", port]);
        if ((await ProcessRunner.RunAsync("ip", ["link", "show", bridge])).ExitCode == 0) await ProcessRunner.RunAsync("ip", ["link", "del", bridge]);
        if (table is not null) await ProcessRunner.RunAsync("nft", ["delete", "table", "ip", table]);
        if (table is not null) await ProcessRunner.RunAsync("nft", ["delete", "table", "ip6", table]);
    }

    /// <summary>Names of the links enslaved to <paramref name="bridge"/>.</summary>
    public static async Task<List<string>> LinksOnAsync(string bridge)
    {
        var r = await ProcessRunner.RunAsync("ip", ["-o", "link", "show", "master", bridge]);
        return r.ExitCode != 0 ? [] : r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(':')[1].Trim().Split('@')[0]).ToList();
    }

    /// <summary>Lazily unmounts every mount under <paramref name="root"/>, deepest first.</summary>
    public static void UnmountUnder(string root)
    {
        if (!File.Exists("/proc/self/mountinfo")) return;
        var mounts = File.ReadAllLines("/proc/self/mountinfo")
            .Select(l => l.Split(' ')[4].Replace("\\040", " "))
            .Where(m => m.StartsWith(root + "/", StringComparison.Ordinal) || m == root)
            .OrderByDescending(m => m.Length);
        foreach (var m in mounts) Native.Umount2(m, 2 /* MNT_DETACH */);
    }
}
