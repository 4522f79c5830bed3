using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>Start-up, shutdown, crash recovery, reload and side-by-side daemons; each test owns its daemons.</summary>
public sealed class DaemonLifecycleTests
{
    [Fact]
    public async Task Kill_9_during_a_200_MB_load_leaves_nothing_half_made()
    {
        await using var d = await WharfDaemon.StartNewAsync(withBusybox: false);
        // A 200 MB image: one layer of incompressible data.
        var data = new byte[200 * 1024 * 1024];
        Random.Shared.NextBytes(data);
        var layer = ArchiveBuilder.Layer(("big.bin", System.Formats.Tar.TarEntryType.RegularFile, null, data));
        var archive = Path.Combine(d.Root, "big.tar");
        ArchiveBuilder.LegacyDockerArchive(archive, "crash/big:1", layer);
        data = [];

        using (var http = d.CreateHttpClient())
        {
            var body = new ThrottledFileContent(archive, bytesBeforePause: 120L * 1024 * 1024);
            var upload = http.PostAsync("/v1.47/images/load", body);
            await body.Paused.Task.WaitAsync(TimeSpan.FromSeconds(60));
            // The daemon is now half-way through: blobs in ingest, nothing recorded.
            Assert.NotEmpty(Directory.GetFileSystemEntries(Path.Combine(d.DataRoot, "content", "ingest")));
            await d.StopAsync(kill: true);
            body.Release();
            await Assert.ThrowsAnyAsync<Exception>(() => upload);
        }

        await d.StartAsync();
        Assert.Contains("start-up repair: removed 1 unfinished ingests", d.Log);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(d.DataRoot, "content", "ingest")));
        Assert.Empty(Directory.GetDirectories(Path.Combine(d.DataRoot, "layers")));
        Assert.Equal("", (await d.DockerAsync("images", "-aq")).Stdout.Trim());

        var again = await d.DockerAsync(["load", "-i", archive], null, TimeSpan.FromMinutes(3));
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("Loaded image: crash/big:1", again.Stdout);
        Assert.Single(Directory.GetDirectories(Path.Combine(d.DataRoot, "layers")));
    }

    [Fact]
    public async Task Containers_outlive_a_killed_daemon_and_are_reconnected()
    {
        await using var d = await WharfDaemon.StartNewAsync();
        Assert.Equal(0, (await d.DockerAsync("run", "-d", "--name", "ticker", "busybox", "sh", "-c", "i=0; while true; do echo line$i; i=$((i+1)); sleep 0.1; done")).ExitCode);
        Assert.Equal(0, (await d.DockerAsync("run", "-d", "--name", "quitter", "busybox", "sh", "-c", "sleep 1; exit 4")).ExitCode);
        await d.StopAsync(kill: true);
        // quitter exits while the daemon is down (1 s after its start), and well before it comes back.
        await Task.Delay(3000);
        await d.StartAsync();
        Assert.Contains("containers: 1 reconnected, 1 exited while the daemon was down", d.Log);
        Assert.Equal("running", (await d.DockerAsync("inspect", "-f", "{{.State.Status}}", "ticker")).Stdout.Trim());
        Assert.Equal("exited 4", (await d.DockerAsync("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "quitter")).Stdout.Trim());
        // The shim kept logging while wharfd was down: no gap in the numbered lines.
        var lines = (await d.DockerAsync("logs", "ticker")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length >= 20, $"only {lines.Length} lines");
        for (int i = 0; i < lines.Length; i++) Assert.Equal("line" + i, lines[i]);
        Assert.Equal(0, (await d.DockerAsync("stop", "-t", "0", "ticker")).ExitCode);
        Assert.Equal("exited", (await d.DockerAsync("inspect", "-f", "{{.State.Status}}", "ticker")).Stdout.Trim());
    }

    [Fact]
    public async Task Start_up_drops_records_without_directories_and_directories_without_records()
    {
        await using var d = await WharfDaemon.StartNewAsync();
        var kept = (await d.DockerAsync("create", "--name", "kept", "busybox", "true")).Stdout.Trim();
        var lost = (await d.DockerAsync("create", "--name", "lost", "busybox", "true")).Stdout.Trim();
        await d.StopAsync();
        // As after a power loss that kept a removal's record but not its directory, and a crash between
        // removing a record and its directory.
        Directory.Delete(Path.Combine(d.DataRoot, "containers", lost), true);
        var orphan = Path.Combine(d.DataRoot, "containers", new string('a', 64));
        Directory.CreateDirectory(Path.Combine(orphan, "upper"));
        await d.StartAsync();
        Assert.Equal("kept", (await d.DockerAsync("ps", "-a", "--format", "{{.Names}}")).Stdout.Trim());
        Assert.False(Directory.Exists(orphan));
        Assert.True(Directory.Exists(Path.Combine(d.DataRoot, "containers", kept)));
        // The name of the dropped record is free again.
        Assert.Equal(0, (await d.DockerAsync("create", "--name", "lost", "busybox", "true")).ExitCode);
    }

    [Fact]
    public async Task The_open_files_limit_is_raised_to_the_hard_limit_and_passed_to_containers()
    {
        await using var d = new WharfDaemon();
        d.Wrapper.AddRange(["prlimit", "--nofile=512:"]);
        await d.StartAsync();
        await d.ImportBusyboxAsync();
        var limits = File.ReadAllLines($"/proc/{d.Pid}/limits").Single(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var fields = limits.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(fields[4], fields[3]);
        Assert.NotEqual("512", fields[3]);
        var inContainer = await d.DockerAsync("run", "--rm", "busybox", "sh", "-c", "ulimit -n");
        Assert.Equal(fields[3], inContainer.Stdout.Trim());
    }

    [Fact]
    public async Task Restart_always_brings_a_container_back()
    {
        await using var d = await WharfDaemon.StartNewAsync();
        Assert.Equal(0, (await d.DockerAsync("run", "-d", "--name", "phoenix", "--restart", "always", "busybox", "sh", "-c", "sleep 0.3; exit 1")).ExitCode);
        for (int i = 0; i < 100; i++)
        {
            var o = (await d.DockerAsync("inspect", "-f", "{{.RestartCount}}", "phoenix")).Stdout.Trim();
            if (int.TryParse(o, out var n) && n >= 2) break;
            await Task.Delay(100);
        }
        Assert.True(int.Parse((await d.DockerAsync("inspect", "-f", "{{.RestartCount}}", "phoenix")).Stdout.Trim()) >= 2);
        Assert.Equal(0, (await d.DockerAsync("stop", "-t", "0", "phoenix")).ExitCode);
        await Task.Delay(1000);
        Assert.Equal("exited", (await d.DockerAsync("inspect", "-f", "{{.State.Status}}", "phoenix")).Stdout.Trim());
    }

    [Fact]
    public async Task Sigterm_shuts_down_cleanly_and_state_survives_restart()
    {
        await using var d = await WharfDaemon.StartNewAsync();
        var id = (await d.DockerAsync("images", "-q", "--no-trunc", "busybox")).Stdout.Trim();
        await d.StopAsync();
        Assert.Equal(0, d.ExitCode);
        Assert.False(File.Exists(d.SocketPath), "the socket file was left behind");
        Assert.False(File.Exists(Path.Combine(d.ExecRoot, "wharfd.pid")), "the pid file was left behind");
        await d.StartAsync();
        Assert.Equal(id, (await d.DockerAsync("images", "-q", "--no-trunc", "busybox")).Stdout.Trim());
        Assert.Contains("removed 0 unfinished ingests, 0 unrecorded layers, 0 unreferenced blobs", d.Log);
    }

    [Fact]
    public async Task Two_daemons_run_side_by_side_without_sharing_state()
    {
        await using var a = await WharfDaemon.StartNewAsync();
        await using var b = await WharfDaemon.StartNewAsync(withBusybox: false);
        Assert.Contains("busybox", (await a.DockerAsync("images")).Stdout);
        Assert.DoesNotContain("busybox", (await b.DockerAsync("images")).Stdout);
        var ia = JsonDocument.Parse((await a.DockerAsync("info", "--format", "{{json .}}")).Stdout).RootElement;
        var ib = JsonDocument.Parse((await b.DockerAsync("info", "--format", "{{json .}}")).Stdout).RootElement;
        Assert.NotEqual(ia.GetProperty("ID").GetString(), ib.GetProperty("ID").GetString());
        Assert.NotEqual(ia.GetProperty("DockerRootDir").GetString(), ib.GetProperty("DockerRootDir").GetString());
    }

    [Fact]
    public async Task A_second_daemon_on_the_same_pid_file_refuses_to_start()
    {
        await using var a = await WharfDaemon.StartNewAsync(withBusybox: false);
        await using var b = new WharfDaemon();
        b.ExtraArgs.AddRange(["--pidfile", Path.Combine(a.ExecRoot, "wharfd.pid")]);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(b.StartAsync);
        Assert.Contains("pid file found", ex.Message);
        Assert.True(await a.PingAsync());
    }

    [Fact]
    public async Task A_second_daemon_on_the_same_data_root_refuses_to_start()
    {
        await using var a = await WharfDaemon.StartNewAsync(withBusybox: false);
        await using var b = new WharfDaemon();
        b.ExtraArgs.AddRange(["--data-root", a.DataRoot]);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(b.StartAsync);
        Assert.Contains($"data root {a.DataRoot} is in use by another daemon (pid {a.Pid})", ex.Message);
        Assert.True(await a.PingAsync());
    }

    [Fact]
    public async Task Bad_flags_and_bad_config_files_are_one_clear_error()
    {
        var flag = await ProcessRunner.RunAsync(Repo.Wharfd, ["--no-such-flag"]);
        Assert.Equal(125, flag.ExitCode);
        Assert.Contains("unknown flag: --no-such-flag", flag.Stderr);
        await using var d = new WharfDaemon();
        File.WriteAllText(d.ConfigFile, "{\"debug\": true, \"no-such-key\": 1}");
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(d.StartAsync);
        Assert.Contains("don't match any configuration option: no-such-key", ex.Message);
        File.WriteAllText(d.ConfigFile, "{\"debug\": ");
        ex = await Assert.ThrowsAsync<InvalidOperationException>(d.StartAsync);
        Assert.Contains("invalid JSON", ex.Message);
    }

    [Fact]
    public async Task Sighup_reloads_debug_and_labels()
    {
        await using var d = await WharfDaemon.StartNewAsync(withBusybox: false);
        Assert.Equal("false", (await d.DockerAsync("info", "--format", "{{.Debug}}")).Stdout.Trim());
        File.WriteAllText(d.ConfigFile, "{\"debug\": true, \"labels\": [\"site=lab\"]}");
        d.Signal(1);
        for (int i = 0; i < 100; i++)
        {
            var o = (await d.DockerAsync("info", "--format", "{{.Debug}} {{.Labels}}")).Stdout.Trim();
            if (o == "true [site=lab]") return;
            await Task.Delay(50);
        }
        Assert.Fail("SIGHUP did not reload the configuration:\n" + d.Log);
    }

    [Fact]
    public async Task Plain_tcp_is_refused_without_tls_or_the_insecure_flag()
    {
        await using var d = new WharfDaemon();
        d.ExtraArgs.AddRange(["-H", $"tcp://127.0.0.1:{FreePort()}"]);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(d.StartAsync);
        Assert.Contains("without TLS", ex.Message);
    }

    [Fact]
    public async Task Mutual_tls_on_tcp_serves_the_docker_cli_with_a_client_certificate_only()
    {
        await using var d = new WharfDaemon();
        var certs = await Certificates.CreateAsync(Path.Combine(d.Root, "certs"));
        int port = FreePort();
        d.ExtraArgs.AddRange(["-H", $"tcp://127.0.0.1:{port}", "--tlsverify", "--tlscacert", certs.Ca, "--tlscert", certs.ServerCert, "--tlskey", certs.ServerKey]);
        await d.StartAsync();
        var env = d.Env();
        env["DOCKER_HOST"] = $"tcp://127.0.0.1:{port}";
        var ok = await ProcessRunner.RunAsync("docker", ["--tlsverify", "--tlscacert", certs.Ca, "--tlscert", certs.ClientCert, "--tlskey", certs.ClientKey, "version", "--format", "{{.Server.Version}}"], env);
        Assert.True(ok.ExitCode == 0, ok + "\n" + d.Log);
        Assert.Equal("0.1.0", ok.Stdout.Trim());
        var noCert = await ProcessRunner.RunAsync("docker", ["--tls", "--tlscacert", certs.Ca, "version", "--format", "{{.Server.Version}}"], env, timeout: TimeSpan.FromSeconds(30));
        Assert.NotEqual(0, noCert.ExitCode);
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}

/// <summary>Uploads a file, pausing after a number of bytes until released (to kill the daemon mid-transfer).</summary>
internal sealed class ThrottledFileContent(string path, long bytesBeforePause) : HttpContent
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource Paused { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public void Release() => _release.TrySetResult();

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await using var f = File.OpenRead(path);
        var buf = new byte[1 << 20];
        long sent = 0;
        int n;
        while ((n = await f.ReadAsync(buf)) > 0)
        {
            await stream.WriteAsync(buf.AsMemory(0, n));
            sent += n;
            if (sent >= bytesBeforePause && !Paused.Task.IsCompleted)
            {
                await stream.FlushAsync();
                await Task.Delay(500);
                Paused.TrySetResult();
                await _release.Task;
            }
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = new FileInfo(path).Length;
        return true;
    }
}

/// <summary>A throwaway CA, server and client certificate made with openssl.</summary>
internal sealed record Certificates(string Ca, string ServerCert, string ServerKey, string ClientCert, string ClientKey)
{
    public static async Task<Certificates> CreateAsync(string dir)
    {
        Directory.CreateDirectory(dir);
        async Task Run(params string[] args)
        {
            var r = await ProcessRunner.RunAsync("openssl", args);
            if (r.ExitCode != 0) throw new InvalidOperationException("openssl failed: " + r);
        }
        string P(string f) => Path.Combine(dir, f);
        await Run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", P("ca-key.pem"), "-out", P("ca.pem"), "-days", "2", "-subj", "/CN=wharf-test-ca");
        File.WriteAllText(P("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
        File.WriteAllText(P("client.ext"), "extendedKeyUsage=clientAuth\n");
        foreach (var who in new[] { "server", "client" })
        {
            await Run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", P(who + "-key.pem"), "-out", P(who + ".csr"), "-subj", "/CN=" + who);
            await Run("x509", "-req", "-in", P(who + ".csr"), "-CA", P("ca.pem"), "-CAkey", P("ca-key.pem"), "-CAcreateserial",
                "-out", P(who + ".pem"), "-days", "2", "-extfile", P(who + ".ext"));
        }
        return new Certificates(P("ca.pem"), P("server.pem"), P("server-key.pem"), P("client.pem"), P("client-key.pem"));
    }
}
