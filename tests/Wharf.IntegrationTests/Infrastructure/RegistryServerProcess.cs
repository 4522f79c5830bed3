using System.Diagnostics;
using System.Text;

namespace Wharf.IntegrationTests.Infrastructure;

/// <summary>
/// `wharf registry serve` (the NativeAOT binary) on a free loopback port with a temp storage root; Dispose stops
/// it with SIGTERM and removes the root. <see cref="Root"/> may be given, e.g. a small tmpfs.
/// </summary>
public sealed class RegistryServerProcess : IAsyncDisposable
{
    readonly Process _process;
    readonly StringBuilder _log = new();
    readonly bool _ownsRoot;

    RegistryServerProcess(Process process, int port, string root, bool ownsRoot, bool tls)
    {
        _process = process;
        Port = port;
        Root = root;
        _ownsRoot = ownsRoot;
        Tls = tls;
    }

    public int Port { get; }
    public string Root { get; }
    public bool Tls { get; }
    public string Host => $"127.0.0.1:{Port}";
    public string Url => $"{(Tls ? "https" : "http")}://{Host}";
    public string Log { get { lock (_log) return _log.ToString(); } }
    public bool HasExited => _process.HasExited;

    public static async Task<RegistryServerProcess> StartAsync(string? root = null, params string[] extraArgs)
    {
        bool owns = root is null;
        root ??= Path.Combine(Path.GetTempPath(), "wharf-it-registry-" + Guid.NewGuid().ToString("N")[..8]);
        var port = TestPorts.Free();
        var psi = new ProcessStartInfo(Repo.Wharf) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "registry", "serve", "--addr", $"127.0.0.1:{port}", "--root", root }.Concat(extraArgs)) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        var server = new RegistryServerProcess(p, port, root, owns, extraArgs.Contains("--tls-cert"));
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (server._log) server._log.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (server._log) server._log.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (p.HasExited)
            {
                p.WaitForExit();
                throw new InvalidOperationException($"wharf registry serve exited with {p.ExitCode}:\n{server.Log}");
            }
            if (server.Log.Contains("registry listening on", StringComparison.Ordinal)) return server;
            await Task.Delay(20);
        }
        await server.DisposeAsync();
        throw new TimeoutException("wharf registry serve did not start:\n" + server.Log);
    }

    /// <summary>Files under a storage subdirectory ("blobs", "uploads"), ignoring nothing.</summary>
    public string[] FilesUnder(string sub) =>
        Directory.Exists(Path.Combine(Root, sub)) ? Directory.GetFiles(Path.Combine(Root, sub), "*", SearchOption.AllDirectories) : [];

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Native.Kill(_process.Id, 15);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await _process.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException) { _process.Kill(); }
        }
        _process.Dispose();
        if (_ownsRoot) try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
