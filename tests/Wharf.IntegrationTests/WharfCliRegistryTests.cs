using System.Text;
using System.Text.Json;
using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>`wharf` pull/push/login/logout against docker-registry; the default registry and per-registry mirrors from daemon.json.</summary>
public sealed class WharfCliRegistryTests(DaemonFixture fx) : IClassFixture<DaemonFixture>
{
    private WharfDaemon D => fx.Daemon;

    private static async Task<string> Ok(WharfDaemon d, params string[] args)
    {
        var r = await d.WharfAsync(args);
        Assert.True(r.ExitCode == 0, $"wharf {string.Join(' ', args)} failed: {r}\n{d.Log}");
        return r.Stdout;
    }

    [Fact]
    public async Task Login_push_all_tags_pull_all_tags_and_logout()
    {
        await using var reg = await LocalRegistry.StartAsync(auth: true);
        var repo = $"{reg.Host}/w/busybox";
        await Ok(D, "tag", "busybox:latest", repo + ":a");
        await Ok(D, "tag", "busybox:latest", repo + ":b");

        var anonymous = await D.WharfAsync("push", repo + ":a");
        Assert.NotEqual(0, anonymous.ExitCode);
        Assert.Contains("no basic auth credentials", anonymous.Stderr);

        var login = await D.WharfAsync(["login", "-u", reg.User!, "--password-stdin", reg.Host], new MemoryStream(Encoding.UTF8.GetBytes(reg.Password + "\n")));
        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Contains("Login Succeeded", login.Stdout);
        var config = Path.Combine(D.Root, ".wharf", "config.json");
        using (var doc = JsonDocument.Parse(File.ReadAllText(config)))
            Assert.True(doc.RootElement.GetProperty("auths").TryGetProperty(reg.Host, out _));

        var push = await Ok(D, "push", "--all-tags", repo);
        Assert.Contains("a: digest: sha256:", push);
        Assert.Contains("b: digest: sha256:", push);
        Assert.True(reg.HasTag("w/busybox", "a") && reg.HasTag("w/busybox", "b"));

        await Ok(D, "rmi", repo + ":a", repo + ":b");
        var pull = await Ok(D, "pull", "--all-tags", repo);
        Assert.EndsWith(repo + "\n", pull);
        var tags = await Ok(D, "images", "--format", "{{.Tag}}", repo);
        Assert.Equal(["a", "b"], tags.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
        Assert.Equal("ok", (await Ok(D, "run", "--rm", repo + ":a", "echo", "ok")).Trim());

        Assert.Contains("Removing login credentials for " + reg.Host, await Ok(D, "logout", reg.Host));
        Assert.Contains("Not logged in to " + reg.Host, await Ok(D, "logout", reg.Host));
        await Ok(D, "rmi", repo + ":a", repo + ":b");
        var after = await D.WharfAsync("pull", repo + ":a");
        Assert.NotEqual(0, after.ExitCode);
        Assert.Contains("no basic auth credentials", after.Stderr);
    }

    [Fact]
    public async Task Compose_pull_and_pull_policy_use_the_login()
    {
        await using var reg = await LocalRegistry.StartAsync(auth: true);
        var name = $"{reg.Host}/composed/busybox:1";
        await Ok(D, "tag", "busybox:latest", name);
        var login = await D.WharfAsync(["login", "-u", reg.User!, "--password-stdin", reg.Host], new MemoryStream(Encoding.UTF8.GetBytes(reg.Password!)));
        Assert.True(login.ExitCode == 0, login.ToString());
        await Ok(D, "push", name);
        await Ok(D, "rmi", name);
        var p = new ComposeProjectDir(D, "regauth").Write("docker-compose.yml",
            $"services:\n  app:\n    image: {name}\n    command: [\"true\"]\n    pull_policy: always\n");
        var pull = await p.WharfAsync("pull");
        Assert.True(pull.ExitCode == 0, pull.ToString());
        await Ok(D, "image", "inspect", name);
        var up = await p.WharfAsync("up", "-d");
        Assert.True(up.ExitCode == 0, up.ToString());
        await p.WharfAsync("down");

        await Ok(D, "logout", reg.Host);
        await Ok(D, "rmi", name);
        var anonymous = await p.WharfAsync("pull");
        Assert.NotEqual(0, anonymous.ExitCode);
        Assert.Contains("no basic auth credentials", anonymous.Stderr);
    }

    [Fact]
    public async Task Credentials_from_a_docker_login_are_used()
    {
        await using var reg = await LocalRegistry.StartAsync(auth: true);
        var login = await D.DockerAsync(["login", "-u", reg.User!, "--password-stdin", reg.Host], new MemoryStream(Encoding.UTF8.GetBytes(reg.Password!)));
        Assert.True(login.ExitCode == 0, login.ToString());
        var name = $"{reg.Host}/fromdocker/busybox:1";
        await Ok(D, "tag", "busybox:latest", name);
        var r = await D.WharfAsync(["push", name], null);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(reg.HasTag("fromdocker/busybox", "1"));
        await Ok(D, "rmi", name);
    }

    [Fact]
    public async Task Bad_input_on_the_command_line()
    {
        var upper = await D.WharfAsync("pull", "127.0.0.1:5000/MyApp:1");
        Assert.Equal(1, upper.ExitCode);
        Assert.Contains("must be lowercase", upper.Stderr);
        var both = await D.WharfAsync("pull", "-a", "busybox:1");
        Assert.Contains("tag can't be used with --all-tags/-a", both.Stderr);
        var noUser = await D.WharfAsync(["login", "--password-stdin", "127.0.0.1:5000"], new MemoryStream("x"u8.ToArray()));
        Assert.Contains("Must provide --username with --password-stdin", noUser.Stderr);
        var tty = await D.WharfAsync(["login", "127.0.0.1:5000"], new MemoryStream());
        Assert.Contains("Cannot perform an interactive login from a non TTY device", tty.Stderr);
        var dots = await D.WharfAsync("push", "127.0.0.1:5000/a/../b:1");
        Assert.NotEqual(0, dots.ExitCode);
        Assert.Contains("invalid reference format", dots.Stderr);
    }

    [Fact]
    public async Task Default_registry_and_a_mirror_for_an_unreachable_registry()
    {
        await using var reg = await LocalRegistry.StartAsync();
        var name = $"{reg.Host}/library/busybox:mirrored";
        await Ok(D, "tag", "busybox:latest", name);
        await Ok(D, "push", name);

        var deadPort = TestPorts.Free();
        await using var d = new WharfDaemon();
        File.WriteAllText(d.ConfigFile, "{\"registry-host-mirrors\": {\"127.0.0.1:" + deadPort + "\": [\"http://" + reg.Host + "\"]}}");
        d.ExtraArgs.AddRange(["--default-registry", reg.Host]);
        await d.StartAsync();

        // busybox:mirrored is docker.io/library/busybox, served by the configured default registry.
        var pull = await Ok(d, "pull", "busybox:mirrored");
        Assert.Contains("Downloaded newer image for busybox:mirrored", pull);
        // The origin is down; its mirror has the image.
        Assert.Contains("Downloaded newer image", await Ok(d, "pull", $"127.0.0.1:{deadPort}/library/busybox:mirrored"));
        Assert.Equal("mirror", (await Ok(d, "run", "--rm", $"127.0.0.1:{deadPort}/library/busybox:mirrored", "echo", "mirror")).Trim());
    }
}
