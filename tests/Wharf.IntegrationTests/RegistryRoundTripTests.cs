using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>Wharf as both ends: the real docker CLI, through wharfd, pushes to and pulls from `wharf registry serve`.</summary>
public sealed class RegistryRoundTripTests(DaemonFixture fx) : IClassFixture<DaemonFixture>
{
    private WharfDaemon D => fx.Daemon;

    private async Task<string> Ok(params string[] args)
    {
        var r = await D.DockerAsync(args);
        Assert.True(r.ExitCode == 0, $"docker {string.Join(' ', args)} failed: {r}");
        return r.Stdout;
    }

    /// <summary>
    /// Runs <paramref name="body"/> against a `wharf registry serve` with one htpasswd user, given a scratch directory
    /// and a docker CLI config directory of their own (removed afterwards).
    /// </summary>
    private static async Task WithHtpasswdRegistryAsync(string user, string password, Func<RegistryServerProcess, string, string, Task> body)
    {
        var dir = Directory.CreateTempSubdirectory("wharf-rt-auth-").FullName;
        try
        {
            var htpasswd = Path.Combine(dir, "htpasswd");
            Assert.Equal(0, (await ProcessRunner.RunAsync("htpasswd", ["-Bbc", htpasswd, user, password])).ExitCode);
            await using var reg = await RegistryServerProcess.StartAsync(null, "--htpasswd", htpasswd);
            await body(reg, dir, Path.Combine(dir, "docker-config"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task Tag_push_rmi_pull_back_and_run_against_wharf_registry_serve()
    {
        await using var reg = await RegistryServerProcess.StartAsync();
        var name = $"{reg.Host}/round/busybox:1";
        await Ok("tag", "busybox:latest", name);
        var id = (await Ok("image", "inspect", "--format", "{{.Id}}", name)).Trim();
        var push = await Ok("push", name);
        Assert.Matches(@"(?m)^1: digest: sha256:[0-9a-f]{64} size: \d+$", push);
        await Ok("rmi", name);
        var pull = await Ok("pull", name);
        Assert.Contains($"Status: Downloaded newer image for {name}", pull);
        Assert.Equal(id, (await Ok("image", "inspect", "--format", "{{.Id}}", name)).Trim());
        Assert.Equal("round trip", (await Ok("run", "--rm", name, "echo", "round trip")).Trim());
        await Ok("rmi", name);
    }

    [Fact]
    public async Task With_htpasswd_a_push_needs_docker_login_and_logout_forgets()
    {
        await WithHtpasswdRegistryAsync("alice", "s3cret", async (reg, dir, config) =>
        {
            var name = $"{reg.Host}/secure/busybox:1";
            await Ok("tag", "busybox:latest", name);
            Task<ProcessResult> Docker(params string[] args) => D.DockerAsync(["--config", config, .. args]);

            var anonymous = await Docker("push", name);
            Assert.NotEqual(0, anonymous.ExitCode);
            Assert.Matches("(?i)unauthorized|authentication required|no basic auth credentials", anonymous.Stdout + anonymous.Stderr);

            var wrong = await Docker("login", "-u", "alice", "-p", "nope", reg.Host);
            Assert.NotEqual(0, wrong.ExitCode);
            Assert.Matches("(?i)unauthorized|incorrect username or password|401", wrong.Stderr + wrong.Stdout);

            var login = await Docker("login", "-u", "alice", "-p", "s3cret", reg.Host);
            Assert.True(login.ExitCode == 0, login.ToString());
            var push = await Docker("push", name);
            Assert.True(push.ExitCode == 0, push.ToString());
            Assert.Matches(@"(?m)^1: digest: sha256:[0-9a-f]{64} size: \d+$", push.Stdout);

            Assert.Equal(0, (await Docker("logout", reg.Host)).ExitCode);
            await Ok("rmi", name);
            var pull = await Docker("pull", name);
            Assert.NotEqual(0, pull.ExitCode);
        });
    }

    [Fact]
    public async Task A_build_from_a_private_registry_image_uses_the_clients_login()
    {
        await WithHtpasswdRegistryAsync("bob", "hunter2", async (reg, dir, config) =>
        {
            var baseImage = $"{reg.Host}/private/base:1";
            Task<ProcessResult> Docker(params string[] args) => D.DockerAsync(["--config", config, .. args]);
            Task<ProcessResult> Wharf(params string[] args) => D.WharfAsync(["--config", config, .. args]);
            await Ok("tag", "busybox:latest", baseImage);
            Assert.Equal(0, (await Docker("login", "-u", "bob", "-p", "hunter2", reg.Host)).ExitCode);
            var push = await Docker("push", baseImage);
            Assert.True(push.ExitCode == 0, push.ToString());
            await Ok("rmi", baseImage);

            var context = Path.Combine(dir, "ctx");
            Directory.CreateDirectory(context);
            File.WriteAllText(Path.Combine(context, "Dockerfile"), $"FROM {baseImage}\nRUN echo from-private > /built\n");
            // The docker CLI sends its logins as X-Registry-Config; the daemon pulls the base with the matching one.
            var built = await Docker("build", "-t", "rt-private:1", context);
            Assert.True(built.ExitCode == 0, built.ToString());
            Assert.Equal("from-private", (await Ok("run", "--rm", "rt-private:1", "cat", "/built")).Trim());
            await Ok("rmi", "rt-private:1", baseImage);

            // wharf build sends the same from its config.
            var wharfBuilt = await Wharf("build", "-q", "-t", "rt-private:2", context);
            Assert.True(wharfBuilt.ExitCode == 0, wharfBuilt.ToString());
            await Ok("rmi", "rt-private:2", baseImage);

            // Logged out: the pull of the base is refused, and the build says so.
            Assert.Equal(0, (await Docker("logout", reg.Host)).ExitCode);
            var refused = await Docker("build", "-t", "rt-private:3", context);
            Assert.NotEqual(0, refused.ExitCode);
            Assert.Matches("(?i)unauthorized|authentication required|no basic auth credentials", refused.Stdout + refused.Stderr);
            Assert.DoesNotContain("rt-private", await Ok("images", "--format", "{{.Repository}}"));
        });
    }
}
