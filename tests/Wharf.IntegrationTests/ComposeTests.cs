using Wharf.IntegrationTests.Infrastructure;
using static Wharf.IntegrationTests.ComposeProjectDir;

namespace Wharf.IntegrationTests;

/// <summary>`wharf compose` against wharfd: the classic worker/db/redis project and the rest of the commands.</summary>
public sealed class ComposeTests(DaemonFixture fx) : IClassFixture<DaemonFixture>
{
    private WharfDaemon D => fx.Daemon;

    /// <summary>
    /// The classic example on busybox: worker links db (as db and database) and redis on back-tier; db's data in
    /// <paramref name="dbVolumes"/>. back-tier gets a subnet of the daemon's own: other daemons' tests run beside this one,
    /// and the address pool's first subnet would be the same for all of them.
    /// </summary>
    static string Classic(string worker, string dbVolumes, string volumes, string subnet) => $$"""
        version: "3"
        services:
          worker:
        {{worker}}
            command: ["sh", "-c", "echo worker up; exec sleep 1d"]
            links: ["db:database", redis]
            networks: [back-tier]
          redis:
            image: busybox
            command: sh -c 'echo hello from redis; exec sleep 1d'
            networks: [back-tier]
          db:
            image: busybox
            command: ["sh", "-c", "mkdir -p /var/lib/db; echo stored > /var/lib/db/file; exec sleep 1d"]
        {{dbVolumes}}
            networks: [back-tier]
        {{volumes}}
        networks:
          back-tier:
            ipam:
              config: [{ subnet: "{{subnet}}" }]
        """;

    async Task ClassicFlowAsync(ComposeProjectDir p, bool namedVolume)
    {
        Assert.Contains("Started", (await p.WharfAsync("up", "-d")).Stderr);
        var ps = await Ok(p.WharfAsync("ps"), "ps");
        Assert.Matches(@"(?m)^NAME\s+IMAGE\s+COMMAND\s+SERVICE\s+CREATED\s+STATUS\s+PORTS$", ps);
        foreach (var svc in new[] { "worker", "db", "redis" }) Assert.Matches($@"(?m)^{p.Name}-{svc}-1\s+.*\s{svc}\s+.*Up ", ps);

        // Service names, link aliases and the network's DNS.
        Assert.Contains("1 packets received", await Ok(p.WharfAsync("exec", "-T", "worker", "ping", "-c1", "db"), "exec ping db"));
        Assert.Contains("1 packets received", await Ok(p.WharfAsync("exec", "-T", "worker", "ping", "-c1", "database"), "exec ping database"));
        Assert.Contains("1 packets received", await Ok(p.WharfAsync("exec", "-T", "worker", "ping", "-c1", "redis"), "exec ping redis"));
        if (namedVolume)
            Assert.Equal("stored", (await Ok(D.DockerAsync("run", "--rm", "-v", p.Name + "_db-data:/data", "busybox", "cat", "/data/file"), "volume content")).Trim());

        await Ok(p.WharfAsync("up", "-d", "--scale", "worker=3"), "scale");
        Assert.Equal([$"{p.Name}-db-1", $"{p.Name}-redis-1", $"{p.Name}-worker-1", $"{p.Name}-worker-2", $"{p.Name}-worker-3"], await p.ContainerNamesAsync());
        Assert.Equal(3, (await Ok(p.WharfAsync("ps", "-q", "worker"), "ps -q")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        await Ok(p.WharfAsync("up", "-d", "--scale", "worker=1"), "scale down");
        Assert.Equal(3, (await p.ContainerNamesAsync()).Count);

        var logs = await Ok(p.WharfAsync("logs", "--no-color", "redis", "worker"), "logs");
        Assert.Matches($@"(?m)^{p.Name}-redis-1\s+\| hello from redis$", logs);
        Assert.Matches($@"(?m)^{p.Name}-worker-1\s+\| worker up$", logs);

        await Ok(p.WharfAsync("stop", "-t", "1"), "stop");
        Assert.DoesNotContain(p.Name + "-", await Ok(p.WharfAsync("ps"), "ps after stop"));
        Assert.Contains("Exited", await Ok(p.WharfAsync("ps", "-a"), "ps -a"));
        await Ok(p.WharfAsync("start"), "start");
        Assert.Equal(3, (await Ok(p.WharfAsync("ps", "-q"), "ps -q")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("1 packets received", await Ok(p.WharfAsync("exec", "-T", "worker", "ping", "-c1", "db"), "ping after start"));

        var images = await Ok(p.WharfAsync("images"), "images");
        Assert.Matches(@"(?m)^CONTAINER\s+REPOSITORY\s+TAG\s+IMAGE ID\s+SIZE$", images);
        Assert.Matches($@"(?m)^{p.Name}-redis-1\s+busybox\s+latest\s", images);

        await Ok(p.WharfAsync("down", "-v", "-t", "1"), "down");
        Assert.Empty(await p.ContainerNamesAsync());
        Assert.Equal("", (await Ok(D.DockerAsync("network", "ls", "-q", "--filter", "name=" + p.Name), "network ls")).Trim());
        if (namedVolume) Assert.DoesNotContain(p.Name + "_db-data", await Ok(D.DockerAsync("volume", "ls", "-q"), "volume ls"));
    }

    [Fact]
    public async Task Classic_example_with_images()
    {
        var p = new ComposeProjectDir(D, "classicimg");
        p.Write("docker-compose.yml", Classic("    image: busybox", "", "", D.UserSubnet(1)));
        await ClassicFlowAsync(p, namedVolume: false);
    }

    /// <summary>Needs the /volumes and /build endpoints (named volumes and builds).</summary>
    [Fact]
    public async Task Classic_example_with_a_build_and_a_named_volume()
    {
        var p = new ComposeProjectDir(D, "classic");
        p.Write("worker/Dockerfile", "FROM busybox\nLABEL role=worker\nCMD [\"sleep\", \"1d\"]\n");
        p.Write("docker-compose.yml", Classic("    build: ./worker", "    volumes: [\"db-data:/var/lib/db\"]", "volumes:\n  db-data: {}\n", D.UserSubnet(2)));
        await ClassicFlowAsync(p, namedVolume: true);
        Assert.Contains("classic-worker", await Ok(D.DockerAsync("images", "--format", "{{.Repository}}"), "images"));
    }

    [Fact]
    public async Task Other_file_with_f_and_config()
    {
        var p = new ComposeProjectDir(D, "otherfile");
        p.Write("other.yml", "services:\n  app:\n    image: busybox\n    command: sleep 1d\n    environment: [\"GREETING=${GREETING:-hi}\"]\n");
        var config = await Ok(p.WharfFileAsync("other.yml", "config"), "config");
        Assert.Contains("name: otherfile", config);
        Assert.Contains("GREETING: hi", config);
        Assert.Equal("app\n", await Ok(p.WharfFileAsync("other.yml", "config", "--services"), "config --services"));
        await Ok(p.WharfFileAsync("other.yml", "up", "-d"), "up");
        Assert.Equal(["otherfile-app-1"], await p.ContainerNamesAsync());
        Assert.Equal("hi", (await Ok(p.WharfFileAsync("other.yml", "exec", "-T", "app", "sh", "-c", "echo $GREETING"), "exec")).Trim());
        Assert.Contains("otherfile", await Ok(D.WharfAsync("compose", "ls"), "ls"));
        await Ok(p.WharfFileAsync("other.yml", "down", "-t", "1"), "down");
        Assert.Empty(await p.ContainerNamesAsync());
    }

    [Fact]
    public async Task Depends_on_service_healthy_waits_for_the_health_check()
    {
        var p = new ComposeProjectDir(D, "healthy");
        p.Write("docker-compose.yml", """
            services:
              web:
                image: busybox
                command: sleep 1d
                depends_on:
                  db: { condition: service_healthy }
              db:
                image: busybox
                command: sh -c 'sleep 2; touch /tmp/ready; exec sleep 1d'
                healthcheck: { test: "test -f /tmp/ready", interval: 500ms, retries: 20 }
            """);
        var up = await p.WharfAsync("up", "-d");
        Assert.True(up.ExitCode == 0, up.ToString());
        Assert.Contains("healthy-db-1  Healthy", up.Stderr);
        Assert.True(up.Stderr.IndexOf("healthy-db-1  Healthy", StringComparison.Ordinal) < up.Stderr.IndexOf("healthy-web-1  Started", StringComparison.Ordinal), up.Stderr);
        var dbStarted = DateTimeOffset.Parse((await Ok(D.DockerAsync("inspect", "-f", "{{.State.StartedAt}}", "healthy-db-1"), "inspect")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var webStarted = DateTimeOffset.Parse((await Ok(D.DockerAsync("inspect", "-f", "{{.State.StartedAt}}", "healthy-web-1"), "inspect")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(webStarted - dbStarted >= TimeSpan.FromSeconds(2), $"web started {webStarted - dbStarted} after db");
        Assert.Equal("healthy", (await Ok(D.DockerAsync("inspect", "-f", "{{.State.Health.Status}}", "healthy-db-1"), "health")).Trim());
        await Ok(p.WharfAsync("down", "-t", "1"), "down");
    }

    [Fact]
    public async Task Up_recreates_only_what_changed()
    {
        var p = new ComposeProjectDir(D, "recreate");
        const string Yaml = "services:\n  a:\n    image: busybox\n    command: sleep 1d\n    environment: [V=1]\n  b:\n    image: busybox\n    command: sleep 1d\n";
        p.Write("docker-compose.yml", Yaml);
        await Ok(p.WharfAsync("up", "-d"), "up");
        async Task<string> Id(string name) => (await Ok(D.DockerAsync("inspect", "-f", "{{.Id}}", name), "inspect")).Trim();
        var (a1, b1) = (await Id("recreate-a-1"), await Id("recreate-b-1"));
        var again = await p.WharfAsync("up", "-d");
        Assert.Contains("recreate-a-1  Running", again.Stderr);
        Assert.Equal(a1, await Id("recreate-a-1"));
        p.Write("docker-compose.yml", Yaml.Replace("V=1", "V=2"));
        var changed = await p.WharfAsync("up", "-d");
        Assert.Contains("recreate-a-1  Recreate", changed.Stderr);
        Assert.NotEqual(a1, await Id("recreate-a-1"));
        Assert.Equal(b1, await Id("recreate-b-1"));
        Assert.Equal("2", (await Ok(p.WharfAsync("exec", "-T", "a", "sh", "-c", "echo $V"), "exec")).Trim());
        await Ok(p.WharfAsync("up", "-d", "--force-recreate", "b"), "force");
        Assert.NotEqual(b1, await Id("recreate-b-1"));
        await Ok(p.WharfAsync("down", "-t", "1"), "down");
    }

    [Fact]
    public async Task Attached_up_prefixes_logs_and_returns_the_exit_code_asked_for()
    {
        var p = new ComposeProjectDir(D, "attached");
        p.Write("docker-compose.yml", "services:\n  job:\n    image: busybox\n    command: sh -c 'echo from job; exit 3'\n  server:\n    image: busybox\n    command: sh -c 'echo serving; exec sleep 1d'\n");
        var r = await p.WharfAsync("up", "--exit-code-from", "job");
        Assert.True(r.ExitCode == 3, r.ToString());
        Assert.Matches(@"(?m)^attached-job-1\s+\| from job$", r.Stdout);
        Assert.Matches(@"(?m)^attached-server-1\s+\| serving$", r.Stdout);
        Assert.Matches(@"(?m)^attached-job-1\s+exited with code 3$", r.Stdout);
        Assert.Contains("Aborting on container exit", r.Stderr);
        Assert.Equal("exited", (await Ok(D.DockerAsync("inspect", "-f", "{{.State.Status}}", "attached-server-1"), "inspect")).Trim());
        await Ok(p.WharfAsync("down", "-t", "1"), "down");
    }

    [Fact]
    public async Task Run_one_off_and_remove()
    {
        var p = new ComposeProjectDir(D, "oneoff");
        p.Write("docker-compose.yml", "services:\n  tool:\n    image: busybox\n    environment: [X=from-file]\n");
        var r = await p.WharfAsync("run", "--rm", "-T", "-e", "Y=flag", "tool", "sh", "-c", "echo $X $Y; exit 3");
        Assert.Equal(3, r.ExitCode);
        Assert.Equal("from-file flag", r.Stdout.Trim());
        Assert.Empty(await p.ContainerNamesAsync());
        await Ok(p.WharfAsync("down"), "down");
    }

    [Fact]
    public async Task Bad_input_is_one_error_and_creates_nothing()
    {
        var p = new ComposeProjectDir(D, "bad");
        async Task Refused(string yaml, string expected)
        {
            p.Write("docker-compose.yml", yaml);
            var r = await p.WharfAsync("up", "-d");
            Assert.True(r.ExitCode == 1, r.ToString());
            Assert.Contains(expected, r.Stderr);
            Assert.Single(r.Stderr.Trim().Split('\n'));
            Assert.Empty(await p.ContainerNamesAsync());
        }
        var file = p.File();
        await Refused("services:\n  web:\n    image: [busybox\n", file + ":4:1: invalid YAML");
        await Refused("services:\n  web:\n    image: busybox\n    imagee: x\n", file + ":4:5: services.web: unknown key 'imagee'");
        await Refused("services:\n  web:\n    image: busybox\n    depends_on: [db]\n", "services.web.depends_on: service \"db\" is not defined");
        await Refused("services:\n  a:\n    image: busybox\n    depends_on: [b]\n  b:\n    image: busybox\n    depends_on: [a]\n", "dependency cycle detected: a -> b -> a");
        await Refused("services:\n  web:\n    image: busybox:${TAG:?TAG must be set}\n", file + ":3:12: services.web.image: required variable TAG is missing a value: TAG must be set");
        await Refused("services:\n  web:\n    image: busybox\n    volumes: [\"data:/data\"]\n", "named volume \"data\" is not defined");
        await Refused("services:\n  web:\n    image: busybox\n    networks: [front]\n", "network \"front\" is not defined");
        Assert.Equal("", (await Ok(D.DockerAsync("network", "ls", "-q", "--filter", "name=bad_"), "network ls")).Trim());
    }
}
