using Wharf.IntegrationTests.Infrastructure;
using static Wharf.IntegrationTests.ComposeProjectDir;

namespace Wharf.IntegrationTests;

/// <summary>`wharf compose push`, `pull` and `pull_policy: always` against `wharf registry serve` on loopback.</summary>
public sealed class ComposeRegistryTests(DaemonFixture fx) : IClassFixture<DaemonFixture>
{
    private WharfDaemon D => fx.Daemon;

    async Task<string> LabelAsync(string image) =>
        (await Ok(D.DockerAsync("image", "inspect", "-f", "{{index .Config.Labels \"v\"}}", image), "image inspect " + image)).Trim();

    [Fact]
    public async Task Build_push_pull_and_pull_policy_always_through_a_registry()
    {
        await using var reg = await RegistryServerProcess.StartAsync();
        var image = $"{reg.Host}/compose/app:1";
        var p = new ComposeProjectDir(D, "registry");
        p.Write("app/Dockerfile", "FROM busybox\nLABEL v=1\nCMD [\"sleep\", \"1d\"]\n");
        p.Write("docker-compose.yml", $"services:\n  app:\n    build: ./app\n    image: {image}\n  plain:\n    image: busybox\n    command: sleep 1d\n");

        await Ok(p.WharfAsync("build"), "build");
        var push = await p.WharfAsync("push", "app");
        Assert.True(push.ExitCode == 0, push.ToString());
        Assert.Contains("app Pushed", push.Stderr);
        Assert.True(File.Exists(Path.Combine(reg.Root, "repositories", "compose", "app", "_manifests", "tags", "1")), "the registry has no compose/app:1");

        // Gone here, pulled back from the registry: the same image.
        var id = (await Ok(D.DockerAsync("image", "inspect", "-f", "{{.Id}}", image), "inspect")).Trim();
        await Ok(D.DockerAsync("rmi", image), "rmi");
        var pull = await p.WharfAsync("pull", "app");
        Assert.True(pull.ExitCode == 0, pull.ToString());
        Assert.Contains("app Pulled", pull.Stderr);
        Assert.Equal(id, (await Ok(D.DockerAsync("image", "inspect", "-f", "{{.Id}}", image), "inspect")).Trim());
        var quiet = await p.WharfAsync("pull", "-q", "app");
        Assert.True(quiet.ExitCode == 0, quiet.ToString());
        Assert.Equal("", quiet.Stdout + quiet.Stderr);

        // A local image under the same name: the default policy keeps it, pull_policy: always replaces it.
        await Ok(D.DockerAsync("tag", "busybox:latest", image), "tag");
        p.Write("docker-compose.yml", $"services:\n  app:\n    image: {image}\n    command: sleep 1d\n");
        var missing = await p.WharfAsync("up", "-d");
        Assert.True(missing.ExitCode == 0, missing.ToString());
        Assert.DoesNotContain("Pulling", missing.Stderr);
        Assert.Equal("", await LabelAsync(image));
        p.Write("docker-compose.yml", $"services:\n  app:\n    image: {image}\n    command: sleep 1d\n    pull_policy: always\n");
        var always = await p.WharfAsync("up", "-d");
        Assert.True(always.ExitCode == 0, always.ToString());
        Assert.Contains("app Pulled", always.Stderr);
        Assert.Equal("1", await LabelAsync(image));
        // The new image means a new container.
        Assert.Contains("registry-app-1  Recreate", always.Stderr);
        Assert.Equal(id, (await Ok(D.DockerAsync("inspect", "-f", "{{.Image}}", "registry-app-1"), "inspect container")).Trim());

        // A registry that is not there: one error line naming the service, non-zero.
        p.Write("docker-compose.yml", "services:\n  gone:\n    image: 127.0.0.1:1/none/app:1\n");
        var failed = await p.WharfAsync("pull");
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("for service gone", failed.Stderr);
        Assert.Equal(0, (await p.WharfAsync("pull", "--ignore-pull-failures")).ExitCode);
        await Ok(p.WharfAsync("down", "-t", "1", "--remove-orphans"), "down");
    }
}
