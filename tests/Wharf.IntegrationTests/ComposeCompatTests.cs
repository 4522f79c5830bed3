using Wharf.IntegrationTests.Infrastructure;
using static Wharf.IntegrationTests.ComposeProjectDir;

namespace Wharf.IntegrationTests;

/// <summary>Debian's docker-compose 1.29 against wharfd, projects handed between it and `wharf compose`, and the docker CLI plugin.</summary>
public sealed class ComposeCompatTests(DaemonFixture fx) : IClassFixture<DaemonFixture>
{
    private WharfDaemon D => fx.Daemon;

    /// <summary>The classic project on images; SUBNET is replaced by one of the daemon's own (tests of other daemons run beside).</summary>
    const string Project = """
        version: "3"
        services:
          worker:
            image: busybox
            command: sleep 1d
            links: ["db:database", redis]
            networks: [back-tier]
          redis:
            image: busybox
            command: sleep 1d
            networks: [back-tier]
          db:
            image: busybox
            command: sleep 1d
            networks: [back-tier]
        networks:
          back-tier:
            ipam:
              config: [{ subnet: "SUBNET" }]
        """;

    [Fact]
    public async Task Docker_compose_v1_runs_the_project_on_wharfd_and_wharf_compose_takes_it_over()
    {
        var p = new ComposeProjectDir(D, "v1proj");
        p.Write("docker-compose.yml", Project.Replace("SUBNET", D.UserSubnet(3)));
        await Ok(p.DockerComposeV1Async("up", "-d"), "docker-compose up");
        Assert.Equal(["v1proj_db_1", "v1proj_redis_1", "v1proj_worker_1"], await p.ContainerNamesAsync());
        var v1ps = await Ok(p.DockerComposeV1Async("ps"), "docker-compose ps");
        Assert.Matches(@"(?m)^v1proj_worker_1\s+sleep 1d\s+Up", v1ps);
        Assert.Contains("1 packets received", await Ok(p.DockerComposeV1Async("exec", "-T", "worker", "ping", "-c1", "database"), "docker-compose exec"));

        // The same project seen and managed by wharf compose.
        var ps = await Ok(p.WharfAsync("ps"), "wharf compose ps");
        Assert.Matches(@"(?m)^v1proj_worker_1\s+busybox\s+.*\sworker\s+.*Up ", ps);
        Assert.Contains("1 packets received", await Ok(p.WharfAsync("exec", "-T", "worker", "ping", "-c1", "db"), "wharf compose exec"));
        await Ok(p.WharfAsync("stop", "-t", "1", "redis"), "wharf compose stop");
        Assert.Matches(@"(?m)^v1proj_redis_1\s+.*Exit \d+", await Ok(p.DockerComposeV1Async("ps"), "docker-compose ps"));
        await Ok(p.WharfAsync("down", "-t", "1"), "wharf compose down");
        Assert.Empty(await p.ContainerNamesAsync());
        Assert.Equal("", (await Ok(D.DockerAsync("network", "ls", "-q", "--filter", "name=v1proj"), "network ls")).Trim());
    }

    [Fact]
    public async Task Wharf_compose_project_is_managed_by_docker_compose_v1()
    {
        var p = new ComposeProjectDir(D, "v2proj");
        p.Write("docker-compose.yml", Project.Replace("SUBNET", D.UserSubnet(4)));
        await Ok(p.WharfAsync("up", "-d"), "wharf compose up");
        var v1ps = await Ok(p.DockerComposeV1Async("ps"), "docker-compose ps");
        foreach (var svc in new[] { "worker", "db", "redis" }) Assert.Matches($@"(?m)^v2proj-{svc}-1\s+sleep 1d\s+Up", v1ps);
        Assert.Contains("1 packets received", await Ok(p.DockerComposeV1Async("exec", "-T", "worker", "ping", "-c1", "db"), "docker-compose exec"));
        await Ok(p.DockerComposeV1Async("down", "-t", "1"), "docker-compose down");
        Assert.Empty(await p.ContainerNamesAsync());
        Assert.Equal("", (await Ok(D.DockerAsync("network", "ls", "-q", "--filter", "name=v2proj"), "network ls")).Trim());
    }

    [Fact]
    public async Task Docker_cli_runs_wharf_as_its_compose_plugin()
    {
        var plugins = Path.Combine(D.DockerConfig, "cli-plugins");
        Directory.CreateDirectory(plugins);
        var link = Path.Combine(plugins, "docker-compose");
        if (!File.Exists(link)) File.CreateSymbolicLink(link, Repo.Wharf);
        Assert.Contains("Wharf Compose version", await Ok(D.DockerAsync("compose", "version"), "docker compose version"));
        var p = new ComposeProjectDir(D, "plugin");
        p.Write("docker-compose.yml", "services:\n  app:\n    image: busybox\n    command: sleep 1d\n");
        await Ok(p.DockerPluginAsync("up", "-d"), "docker compose up");
        Assert.Matches(@"(?m)^plugin-app-1\s", await Ok(p.DockerPluginAsync("ps"), "docker compose ps"));
        await Ok(p.DockerPluginAsync("down", "-t", "1"), "docker compose down");
        Assert.Empty(await p.ContainerNamesAsync());
    }
}
