using System.Text;
using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>
/// What a user sets up for a private registry: its CA in certs.d (the daemon trusts a registry that is not insecure
/// only through it), and a docker credential helper (credsStore/credHelpers) that both the docker CLI and `wharf` use.
/// </summary>
public sealed class RegistryTrustTests : IAsyncLifetime
{
    private WharfDaemon _d = null!;
    private readonly string _certsRoot = Path.Combine(Path.GetTempPath(), "wharf-certs-" + Guid.NewGuid().ToString("N")[..8]);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_certsRoot);
        _d = await WharfDaemon.StartNewAsync(true, "--registry-certs-dir", _certsRoot);
    }

    public async Task DisposeAsync()
    {
        await _d.DisposeAsync();
        Directory.Delete(_certsRoot, recursive: true);
    }

    private async Task<string> Ok(params string[] args)
    {
        var r = await _d.DockerAsync(args);
        Assert.True(r.ExitCode == 0, $"docker {string.Join(' ', args)} failed: {r}\n{_d.Log}");
        return r.Stdout;
    }

    [Fact]
    public async Task A_registry_with_a_private_CA_is_trusted_through_its_certs_d_directory()
    {
        // The daemon's own bridge address: not loopback, so not insecure by default, and no traffic leaves the host.
        var gateway = _d.SubnetPrefix + "1";
        await using var reg = await LocalRegistry.StartAsync(tls: true, address: gateway);
        var name = $"{reg.Host}/trust/busybox:1";
        await Ok("tag", "busybox:latest", name);

        var untrusted = await _d.DockerAsync("push", name);
        Assert.NotEqual(0, untrusted.ExitCode);
        Assert.Contains("certs.d", untrusted.Stdout + untrusted.Stderr);
        Assert.False(reg.HasTag("trust/busybox", "1"));

        var dir = Path.Combine(_certsRoot, reg.Host);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "ca.crt"), "not a certificate\n");
        var garbage = await _d.DockerAsync("push", name);
        Assert.NotEqual(0, garbage.ExitCode);
        Assert.Contains(Path.Combine(dir, "ca.crt"), garbage.Stdout + garbage.Stderr);

        File.Copy(reg.CertificatePath, Path.Combine(dir, "ca.crt"), overwrite: true);
        Assert.Contains("1: digest: sha256:", await Ok("push", name));
        Assert.True(reg.HasTag("trust/busybox", "1"));
        await Ok("rmi", name);
        Assert.Contains("Downloaded newer image", await Ok("pull", name));
        await Ok("rmi", name);
    }

    /// <summary>A fake docker-credential helper on a PATH of the test's own, keeping what it stores as files.</summary>
    private sealed class FakeHelper : IDisposable
    {
        public string Dir { get; } = Path.Combine(Path.GetTempPath(), "wharf-helper-" + Guid.NewGuid().ToString("N")[..8]);
        public string Name { get; } = "wharftest" + Guid.NewGuid().ToString("N")[..6];
        public string Kept => Path.Combine(Dir, "kept");
        public string Home => Path.Combine(Dir, "home");
        public string DockerConfig => Path.Combine(Home, ".docker");
        public string WharfConfig => Path.Combine(Home, ".wharf");

        public FakeHelper()
        {
            Directory.CreateDirectory(Kept);
            Directory.CreateDirectory(Path.Combine(Dir, "bin"));
            var script = Path.Combine(Dir, "bin", "docker-credential-" + Name);
            File.WriteAllText(script, $$"""
                #!/bin/sh
                key() { printf '%s' "$1" | tr -c 'a-zA-Z0-9.' '_'; }
                case "$1" in
                  store) json=$(cat); url=$(printf '%s' "$json" | sed -n 's/.*"ServerURL":"\([^"]*\)".*/\1/p'); printf '%s' "$json" > "{{Kept}}/$(key "$url")" ;;
                  get) url=$(cat); f="{{Kept}}/$(key "$url")"; if [ -f "$f" ]; then cat "$f"; else echo "credentials not found in native keychain"; exit 1; fi ;;
                  erase) url=$(cat); f="{{Kept}}/$(key "$url")"; if [ -f "$f" ]; then rm "$f"; else echo "credentials not found in native keychain"; exit 1; fi ;;
                  list) echo '{}' ;;
                  *) exit 1 ;;
                esac
                """.Replace("\r", ""));
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        public Dictionary<string, string> Env(WharfDaemon d)
        {
            var env = d.Env();
            env["HOME"] = Home;
            env["DOCKER_CONFIG"] = DockerConfig;
            env["PATH"] = Path.Combine(Dir, "bin") + ":" + Environment.GetEnvironmentVariable("PATH");
            return env;
        }

        public void Dispose() => Directory.Delete(Dir, recursive: true);
    }

    [Fact]
    public async Task A_credential_helper_serves_docker_login_and_wharf_push_and_logout_erases()
    {
        using var helper = new FakeHelper();
        await using var reg = await LocalRegistry.StartAsync(auth: true);
        Directory.CreateDirectory(helper.DockerConfig);
        File.WriteAllText(Path.Combine(helper.DockerConfig, "config.json"), $$"""{"credsStore":"{{helper.Name}}"}""");
        var env = helper.Env(_d);
        var name = $"{reg.Host}/helped/busybox:1";
        await Ok("tag", "busybox:latest", name);

        var login = await ProcessRunner.RunAsync("docker", ["login", "-u", reg.User!, "--password-stdin", reg.Host], env,
            new MemoryStream(Encoding.UTF8.GetBytes(reg.Password!)));
        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Single(Directory.GetFiles(helper.Kept));
        Assert.DoesNotContain(reg.Password!, File.ReadAllText(Path.Combine(helper.DockerConfig, "config.json")));

        var push = await ProcessRunner.RunAsync(Repo.Wharf, ["push", name], env);
        Assert.True(push.ExitCode == 0, push.ToString());
        Assert.True(reg.HasTag("helped/busybox", "1"));

        var logout = await ProcessRunner.RunAsync(Repo.Wharf, ["logout", reg.Host], env);
        Assert.True(logout.ExitCode == 0, logout.ToString());
        Assert.Contains("Removing login credentials for " + reg.Host, logout.Stdout);
        Assert.Empty(Directory.GetFiles(helper.Kept));
        var denied = await ProcessRunner.RunAsync(Repo.Wharf, ["push", name], env);
        Assert.NotEqual(0, denied.ExitCode);
        Assert.Contains("no basic auth credentials", denied.Stderr);

        // wharf login through a per-registry helper of Wharf's own config: no unencrypted-password warning.
        Directory.CreateDirectory(helper.WharfConfig);
        File.WriteAllText(Path.Combine(helper.WharfConfig, "config.json"), "{\"credHelpers\":{\"" + reg.Host + "\":\"" + helper.Name + "\"}}");
        var wlogin = await ProcessRunner.RunAsync(Repo.Wharf, ["login", "-u", reg.User!, "--password-stdin", reg.Host], env,
            new MemoryStream(Encoding.UTF8.GetBytes(reg.Password!)));
        Assert.True(wlogin.ExitCode == 0, wlogin.ToString());
        Assert.DoesNotContain("unencrypted", wlogin.Stderr);
        Assert.Single(Directory.GetFiles(helper.Kept));
        Assert.DoesNotContain(reg.Password!, File.ReadAllText(Path.Combine(helper.WharfConfig, "config.json")));
        push = await ProcessRunner.RunAsync(Repo.Wharf, ["push", name], env);
        Assert.True(push.ExitCode == 0, push.ToString());
        await Ok("rmi", name);
    }
}
