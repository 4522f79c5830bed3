using System.Net;
using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>
/// `wharf registry serve` (NativeAOT) against real clients: skopeo copies images to and from it (plain, with
/// htpasswd auth through the token flow, over TLS), curl checks headers, and the bad inputs of the issue:
/// wrong password, names with `..` or upper case, a full disk, garbage collection while serving, bad flags.
/// </summary>
public sealed class RegistryServerTests : IAsyncLifetime
{
    string _dir = null!;
    string _image = null!;

    public async Task InitializeAsync()
    {
        _dir = Path.Combine(Path.GetTempPath(), "wharf-it-regcli-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_dir);
        _image = await MakeImageAsync("image", 6, 3);
    }

    public Task DisposeAsync()
    {
        Cleanup.UnmountUnder(_dir);
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }

    async Task<string> MakeImageAsync(string name, int mib, int layers)
    {
        var dir = Path.Combine(_dir, name);
        var r = await ProcessRunner.RunAsync("bash", [Path.Combine(Repo.Root, "scripts", "make-oci-image.sh"), dir, mib.ToString(), layers.ToString()]);
        Assert.True(r.ExitCode == 0, r.ToString());
        return dir;
    }

    static Task<ProcessResult> Skopeo(params string[] args) => ProcessRunner.RunAsync("skopeo", args, timeout: TimeSpan.FromMinutes(3));

    static string[] BlobNames(string ociDir) => Directory.GetFiles(Path.Combine(ociDir, "blobs", "sha256")).Select(Path.GetFileName).Order().ToArray()!;

    async Task<string> CopyBackAsync(RegistryServerProcess s, string reference, params string[] extra)
    {
        var back = Path.Combine(_dir, "back-" + Guid.NewGuid().ToString("N")[..6]);
        var r = await Skopeo(["copy", "--src-tls-verify=false", .. extra, $"docker://{s.Host}/{reference}", $"oci:{back}:latest"]);
        Assert.True(r.ExitCode == 0, r + "\n" + s.Log);
        return back;
    }

    [Fact]
    public async Task Skopeo_copies_an_image_to_and_from_the_server()
    {
        await using var s = await RegistryServerProcess.StartAsync();
        var push = await Skopeo("copy", "--dest-tls-verify=false", $"oci:{_image}:latest", $"docker://{s.Host}/team/app:1.0");
        Assert.True(push.ExitCode == 0, push + "\n" + s.Log);
        var back = await CopyBackAsync(s, "team/app:1.0");
        Assert.Equal(BlobNames(_image), BlobNames(back));

        var tags = await Skopeo("list-tags", "--tls-verify=false", $"docker://{s.Host}/team/app");
        Assert.Contains("\"1.0\"", tags.Stdout);
        var inspect = await Skopeo("inspect", "--tls-verify=false", "--raw", $"docker://{s.Host}/team/app:1.0");
        Assert.Equal(File.ReadAllText(Path.Combine(_image, "blobs", "sha256", DigestOfIndex(_image))), inspect.Stdout);

        // A second push of the same image sends no layer again: skopeo finds every blob by HEAD.
        var again = await Skopeo("--debug", "copy", "--dest-tls-verify=false", $"oci:{_image}:latest", $"docker://{s.Host}/team/app:1.1");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("already exists", again.Stderr);
        Assert.DoesNotContain("PATCH ", again.Stderr);
        // A push to another repository mounts the three layers from the first one instead of sending them
        // (skopeo sends the small config itself).
        var other = await Skopeo("--debug", "copy", "--dest-tls-verify=false", $"oci:{_image}:latest", $"docker://{s.Host}/team/copy:1");
        Assert.True(other.ExitCode == 0, other.ToString());
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Matches(other.Stderr, "mount OK").Count);
        Assert.Equal(BlobNames(_image), BlobNames(await CopyBackAsync(s, "team/copy:1")));

        var curl = await ProcessRunner.RunAsync("curl", ["-si", "--noproxy", "*", $"{s.Url}/v2/"]);
        Assert.Contains("Docker-Distribution-API-Version: registry/2.0", curl.Stdout);
    }

    static string DigestOfIndex(string oci)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(oci, "index.json")));
        return doc.RootElement.GetProperty("manifests")[0].GetProperty("digest").GetString()!["sha256:".Length..];
    }

    [Fact]
    public async Task With_htpasswd_a_wrong_password_is_refused_and_nothing_is_stored()
    {
        var htpasswd = Path.Combine(_dir, "htpasswd");
        var h = await ProcessRunner.RunAsync("htpasswd", ["-Bbc", htpasswd, "alice", "s3cret"]);
        Assert.True(h.ExitCode == 0, h.ToString());
        await using var s = await RegistryServerProcess.StartAsync(null, "--htpasswd", htpasswd);

        var anonymous = await Skopeo("copy", "--dest-tls-verify=false", $"oci:{_image}:latest", $"docker://{s.Host}/private/app:1");
        Assert.NotEqual(0, anonymous.ExitCode);
        Assert.Contains("unauthorized", anonymous.Stderr);
        var wrong = await Skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "alice:wrong", $"oci:{_image}:latest", $"docker://{s.Host}/private/app:1");
        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Contains("incorrect username or password", wrong.Stderr);
        Assert.Empty(s.FilesUnder("blobs"));
        Assert.Empty(s.FilesUnder("repositories"));

        var right = await Skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "alice:s3cret", $"oci:{_image}:latest", $"docker://{s.Host}/private/app:1");
        Assert.True(right.ExitCode == 0, right + "\n" + s.Log);
        var back = await CopyBackAsync(s, "private/app:1", "--src-creds", "alice:s3cret");
        Assert.Equal(BlobNames(_image), BlobNames(back));

        var status = await ProcessRunner.RunAsync("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--noproxy", "*", "-u", "alice:wrong", $"{s.Url}/v2/"]);
        Assert.Equal("401", status.Stdout);

        // The operator's side: each refusal is one line naming the user, never a stack trace or a 500.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!s.Log.Contains("user=alice GET /v2/: 401 UNAUTHORIZED incorrect username or password") && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Contains("user=alice GET /v2/: 401 UNAUTHORIZED incorrect username or password", s.Log);
        Assert.Contains("user=alice GET /token?", s.Log);
        Assert.DoesNotContain(" at Wharf.", s.Log);
        Assert.DoesNotContain(": 500 ", s.Log);
    }

    [Fact]
    public async Task Tls_with_a_self_signed_certificate()
    {
        var cert = Path.Combine(_dir, "cert.pem");
        var key = Path.Combine(_dir, "key.pem");
        var o = await ProcessRunner.RunAsync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1"]);
        Assert.True(o.ExitCode == 0, o.ToString());
        await using var s = await RegistryServerProcess.StartAsync(null, "--tls-cert", cert, "--tls-key", key);
        var push = await Skopeo("copy", "--dest-tls-verify=false", $"oci:{_image}:latest", $"docker://{s.Host}/secure/app:1");
        Assert.True(push.ExitCode == 0, push + "\n" + s.Log);
        var verified = await Skopeo("inspect", "--tls-verify=true", $"docker://{s.Host}/secure/app:1");
        Assert.NotEqual(0, verified.ExitCode);
        Assert.Contains("certificate", verified.Stderr);
        var curl = await ProcessRunner.RunAsync("curl", ["-sk", "--noproxy", "*", $"{s.Url}/v2/secure/app/tags/list"]);
        Assert.Equal("{\"name\":\"secure/app\",\"tags\":[\"1\"]}", curl.Stdout);
    }

    [Fact]
    public async Task Names_with_dot_dot_or_upper_case_are_NAME_INVALID()
    {
        await using var s = await RegistryServerProcess.StartAsync();
        foreach (var path in new[] { "/v2/a/../b/blobs/uploads/", "/v2/Team/App/blobs/uploads/", "/v2/a..b/blobs/uploads/" })
        {
            var r = await ProcessRunner.RunAsync("curl", ["-s", "--path-as-is", "-X", "POST", "-w", "\n%{http_code}", "--noproxy", "*", s.Url + path]);
            Assert.EndsWith("\n400", r.Stdout);
            Assert.Contains("\"code\":\"NAME_INVALID\"", r.Stdout);
        }
        var upper = await Skopeo("copy", "--dest-tls-verify=false", $"oci:{_image}:latest", $"docker://{s.Host}/Team/App:1");
        Assert.NotEqual(0, upper.ExitCode);
        Assert.Empty(s.FilesUnder("repositories"));
        Assert.Empty(s.FilesUnder("blobs"));
    }

    [Fact]
    public async Task A_full_disk_fails_the_push_cleanly_and_the_server_carries_on()
    {
        var tmpfs = Path.Combine(_dir, "small");
        Directory.CreateDirectory(tmpfs);
        var m = await ProcessRunner.RunAsync("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", tmpfs]);
        Assert.True(m.ExitCode == 0, m.ToString());
        try
        {
            await using var s = await RegistryServerProcess.StartAsync(tmpfs);
            var big = await Skopeo("copy", "--dest-tls-verify=false", $"oci:{_image}:latest", $"docker://{s.Host}/full/app:1");
            Assert.NotEqual(0, big.ExitCode);
            Assert.Contains("507 Insufficient Storage", big.Stderr);
            Assert.Contains("no space left on device", s.Log);
            Assert.False(s.HasExited);
            Assert.Empty(s.FilesUnder("uploads"));
            var manifest = await ProcessRunner.RunAsync("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--noproxy", "*", $"{s.Url}/v2/full/app/manifests/1"]);
            Assert.Equal("404", manifest.Stdout);
            // Every blob that is there verified; and a small image still fits.
            foreach (var f in s.FilesUnder("blobs"))
                Assert.Equal(Path.GetFileName(f), Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));
            var small = await MakeImageAsync("small-image", 1, 1);
            var ok = await Skopeo("copy", "--dest-tls-verify=false", $"oci:{small}:latest", $"docker://{s.Host}/full/small:1");
            Assert.True(ok.ExitCode == 0, ok + "\n" + s.Log);
        }
        finally
        {
            await ProcessRunner.RunAsync("umount", ["-l", tmpfs]);
        }
    }

    [Fact]
    public async Task Garbage_collection_while_serving_keeps_what_is_referenced()
    {
        await using var s = await RegistryServerProcess.StartAsync();
        var other = await MakeImageAsync("other", 1, 2);
        Assert.Equal(0, (await Skopeo("copy", "--dest-tls-verify=false", $"oci:{_image}:latest", $"docker://{s.Host}/gc/keep:1")).ExitCode);
        Assert.Equal(0, (await Skopeo("copy", "--dest-tls-verify=false", $"oci:{other}:latest", $"docker://{s.Host}/gc/drop:1")).ExitCode);
        var digest = "sha256:" + DigestOfIndex(other);
        var del = await ProcessRunner.RunAsync("curl", ["-s", "-X", "DELETE", "-o", "/dev/null", "-w", "%{http_code}", "--noproxy", "*", $"{s.Url}/v2/gc/drop/manifests/{digest}"]);
        Assert.Equal("202", del.Stdout);
        var before = s.FilesUnder("blobs").Length;

        var dry = await ProcessRunner.RunAsync(Repo.Wharf, ["registry", "garbage-collect", "--root", s.Root, "--dry-run", "--grace-period", "0s"]);
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains("4 blobs eligible for deletion", dry.Stdout);
        Assert.Equal(before, s.FilesUnder("blobs").Length);

        // Within the default grace period fresh blobs stay (a push may still be on its way to its manifest).
        var graced = await ProcessRunner.RunAsync(Repo.Wharf, ["registry", "garbage-collect", "--root", s.Root]);
        Assert.Contains("0 blobs deleted", graced.Stdout);

        var gc = await ProcessRunner.RunAsync(Repo.Wharf, ["registry", "garbage-collect", "--root", s.Root, "--grace-period", "0s"]);
        Assert.True(gc.ExitCode == 0, gc.ToString());
        Assert.Contains("4 blobs deleted", gc.Stdout);
        Assert.Equal(before - 4, s.FilesUnder("blobs").Length);
        var back = await CopyBackAsync(s, "gc/keep:1");
        Assert.Equal(BlobNames(_image), BlobNames(back));
        var gone = await Skopeo("inspect", "--tls-verify=false", $"docker://{s.Host}/gc/drop:1");
        Assert.NotEqual(0, gone.ExitCode);
    }

    [Theory]
    [InlineData("--addr", "nonsense", "invalid address nonsense")]
    [InlineData("--addr", "127.0.0.1:99999", "invalid address")]
    [InlineData("--tls-cert", "/nonexistent.pem", "--tls-cert and --tls-key go together")]
    [InlineData("--htpasswd", "/nonexistent-htpasswd", "reading htpasswd file /nonexistent-htpasswd")]
    public async Task Bad_flags_are_one_clear_line(string flag, string value, string message)
    {
        var r = await ProcessRunner.RunAsync(Repo.Wharf, ["registry", "serve", "--root", Path.Combine(_dir, "unused"), flag, value], timeout: TimeSpan.FromSeconds(20));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains(message, r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_non_bcrypt_htpasswd_and_a_taken_port_are_refused()
    {
        var md5 = Path.Combine(_dir, "md5-htpasswd");
        File.WriteAllText(md5, "carol:$apr1$rnEvHiuu$4upO4AVUMWwK49qu6lx3d.\n");
        var r = await ProcessRunner.RunAsync(Repo.Wharf, ["registry", "serve", "--root", Path.Combine(_dir, "unused"), "--htpasswd", md5], timeout: TimeSpan.FromSeconds(20));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("does not have a bcrypt hash", r.Stderr);

        await using var s = await RegistryServerProcess.StartAsync();
        var taken = await ProcessRunner.RunAsync(Repo.Wharf, ["registry", "serve", "--root", Path.Combine(_dir, "unused"), "--addr", s.Host], timeout: TimeSpan.FromSeconds(20));
        Assert.Equal(1, taken.ExitCode);
        Assert.Contains($"listening on {s.Host}", taken.Stderr);

        var gc = await ProcessRunner.RunAsync(Repo.Wharf, ["registry", "garbage-collect", "--root", Path.Combine(_dir, "nothing-here")]);
        Assert.Equal(1, gc.ExitCode);
        Assert.Contains("is not a registry storage directory", gc.Stderr);
    }
}
