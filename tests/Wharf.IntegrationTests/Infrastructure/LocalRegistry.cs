using System.Diagnostics;
using System.Net.Sockets;

namespace Wharf.IntegrationTests.Infrastructure;

/// <summary>
/// Debian's docker-registry (distribution 2.8.2) on 127.0.0.1 with a free port and its own temp config and
/// storage; optionally htpasswd (bcrypt) auth and TLS with a self-signed certificate made by openssl.
/// </summary>
public sealed class LocalRegistry : IAsyncDisposable
{
    private Process? _process;
    private readonly System.Text.StringBuilder _log = new();

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "wharf-reg-" + Guid.NewGuid().ToString("N")[..8]);
    public int Port { get; } = TestPorts.Free();
    public string Address { get; private init; } = "127.0.0.1";
    public string Host => $"{Address}:{Port}";
    /// <summary>The self-signed certificate (PEM) a TLS registry serves, which is also its CA.</summary>
    public string CertificatePath => Path.Combine(Root, "cert.pem");
    public string Storage => Path.Combine(Root, "data");
    public bool Tls { get; private init; }
    public string? User { get; private init; }
    public string? Password { get; private init; }
    public string Log { get { lock (_log) return _log.ToString(); } }

    /// <param name="address">The local address to listen on (the certificate names it); loopback unless a test needs a registry that is not insecure by default.</param>
    public static async Task<LocalRegistry> StartAsync(bool auth = false, bool tls = false, string address = "127.0.0.1")
    {
        var r = new LocalRegistry { Tls = tls, User = auth ? "alice" : null, Password = auth ? "s3cret-pass" : null, Address = address };
        await r.RunAsync();
        return r;
    }

    private async Task RunAsync()
    {
        Directory.CreateDirectory(Storage);
        var config = new System.Text.StringBuilder();
        config.Append($"""
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: {Storage}
              delete:
                enabled: true
            http:
              addr: {Host}

            """);
        if (Tls)
        {
            var cert = CertificatePath;
            var key = Path.Combine(Root, "key.pem");
            var r = await ProcessRunner.RunAsync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                "-days", "1", "-subj", $"/CN={Address}", "-addext", $"subjectAltName=IP:{Address}"]);
            if (r.ExitCode != 0) throw new InvalidOperationException("openssl: " + r);
            config.Append($"  tls:\n    certificate: {cert}\n    key: {key}\n");
        }
        if (User is not null)
        {
            var htpasswd = Path.Combine(Root, "htpasswd");
            var r = await ProcessRunner.RunAsync("htpasswd", ["-Bbc", htpasswd, User, Password!]);
            if (r.ExitCode != 0) throw new InvalidOperationException("htpasswd: " + r);
            config.Append($"auth:\n  htpasswd:\n    realm: wharf-test\n    path: {htpasswd}\n");
        }
        var configPath = Path.Combine(Root, "config.yml");
        await File.WriteAllTextAsync(configPath, config.ToString());
        var psi = new ProcessStartInfo("docker-registry") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("serve");
        psi.ArgumentList.Add(configPath);
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException("docker-registry exited: " + Log);
            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync(Address, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>True when the registry's storage holds a manifest tag for the repository.</summary>
    public bool HasTag(string repository, string tag) =>
        Directory.Exists(Path.Combine(Storage, "docker/registry/v2/repositories", repository, "_manifests/tags", tag));

    public ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false }) _process.Kill(entireProcessTree: true);
        _process?.WaitForExit(5000);
        _process?.Dispose();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
        return ValueTask.CompletedTask;
    }
}
