using System.Text;
using Wharf.IntegrationTests.Infrastructure;
using static Wharf.IntegrationTests.ComposeProjectDir;

namespace Wharf.IntegrationTests;

/// <summary>
/// `wharf compose` features beyond the classic project: attached up under a terminal and Ctrl-C, bind mounts relative
/// to the file, tmpfs, --wait, run --entrypoint, exec --index, port, config --services/--volumes, ls, pull_policy.
/// </summary>
public sealed class ComposeCommandTests(DaemonFixture fx) : IClassFixture<DaemonFixture>
{
    private WharfDaemon D => fx.Daemon;

    async Task<string> StateAsync(string name) => (await Ok(D.DockerAsync("inspect", "-f", "{{.State.Status}}", name), "inspect " + name)).Trim();

    [Fact]
    public async Task Attached_up_under_a_terminal_colours_the_prefixes_and_ctrl_c_stops_the_containers()
    {
        var p = new ComposeProjectDir(D, "ctrlc");
        p.Write("docker-compose.yml", """
            services:
              web:
                image: busybox
                command: sh -c 'echo web says hi; exec sleep 1d'
              db:
                image: busybox
                command: sh -c 'echo db says hi; exec sleep 1d'
            """);
        var watch = new OutputWatch();
        // ^C once both services have logged: the terminal turns it into SIGINT for the CLI.
        var input = new ScriptedInput([(async () =>
        {
            await watch.WaitForAsync("web says hi", TimeSpan.FromSeconds(60));
            await watch.WaitForAsync("db says hi", TimeSpan.FromSeconds(30));
        }, [0x03])], () => watch.WaitForAsync("ctrlc-web-1  Stopped", TimeSpan.FromSeconds(60)));
        var r = await p.WharfUnderTerminalAsync(watch, input, "up", "-t", "1");
        var text = watch.Text;
        Assert.Contains("Attaching to ctrlc-db-1, ctrlc-web-1", text);
        // Each container's prefix in its own colour, the line after it.
        Assert.Matches("\u001b\\[3\\d(;1)?mctrlc-web-1\\s+\\| \u001b\\[0mweb says hi", text);
        Assert.Matches("\u001b\\[3\\d(;1)?mctrlc-db-1\\s+\\| \u001b\\[0mdb says hi", text);
        var web = System.Text.RegularExpressions.Regex.Match(text, "\u001b\\[(3\\d(;1)?)mctrlc-web-1").Groups[1].Value;
        var db = System.Text.RegularExpressions.Regex.Match(text, "\u001b\\[(3\\d(;1)?)mctrlc-db-1").Groups[1].Value;
        Assert.NotEqual(web, db);
        Assert.Contains("Gracefully stopping... (press Ctrl+C again to force)", text);
        Assert.True(r.ExitCode == 130, $"exit {r.ExitCode}: {text}");
        Assert.Equal("exited", await StateAsync("ctrlc-web-1"));
        Assert.Equal("exited", await StateAsync("ctrlc-db-1"));
        await Ok(p.WharfAsync("down", "-t", "1"), "down");
    }

    [Fact]
    public async Task A_second_ctrl_c_kills_what_the_first_is_stopping()
    {
        var p = new ComposeProjectDir(D, "force");
        // SIGTERM ignored: the graceful stop would wait the whole minute.
        p.Write("docker-compose.yml", """
            services:
              stubborn:
                image: busybox
                command: sh -c 'trap "" TERM; echo ignoring TERM; exec sleep 1d'
            """);
        var watch = new OutputWatch();
        var input = new ScriptedInput([
            (() => watch.WaitForAsync("ignoring TERM", TimeSpan.FromSeconds(60)), [0x03]),
            (() => watch.WaitForAsync("force-stubborn-1  Stopping", TimeSpan.FromSeconds(30)), [0x03]),
        ], () => watch.WaitForAsync("force-stubborn-1  Killed", TimeSpan.FromSeconds(30)));
        var started = DateTime.UtcNow;
        var r = await p.WharfUnderTerminalAsync(watch, input, "up", "-t", "60");
        Assert.True(r.ExitCode == 130, $"exit {r.ExitCode}: {watch.Text}");
        Assert.Contains("Gracefully stopping...", watch.Text);
        Assert.Contains("force-stubborn-1  Killed", watch.Text);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(50), $"took {DateTime.UtcNow - started}: the stop was not cut short");
        Assert.Equal("exited", await StateAsync("force-stubborn-1"));
        Assert.Equal("137", (await Ok(D.DockerAsync("inspect", "-f", "{{.State.ExitCode}}", "force-stubborn-1"), "exit code")).Trim());
        await Ok(p.WharfAsync("down", "-t", "0"), "down");
    }

    [Fact]
    public async Task Bind_mounts_are_relative_to_the_file_short_and_long_read_only_and_tmpfs()
    {
        var p = new ComposeProjectDir(D, "binds");
        p.Write("app/data/hello.txt", "hello from the host\n");
        p.Write("app/conf/app.conf", "setting=1\n");
        p.Write("app/docker-compose.yml", """
            services:
              app:
                image: busybox
                command: sleep 1d
                tmpfs: [/run/scratch]
                volumes:
                  - ./data:/short
                  - ./conf:/short-ro:ro
                  - ./made-by-up:/made
                  - type: bind
                    source: ./data
                    target: /long
                  - type: bind
                    source: ./conf
                    target: /long-ro
                    read_only: true
                  - type: tmpfs
                    target: /cache
                    tmpfs: { size: 1048576 }
            """);
        // The working directory is elsewhere: paths are relative to the file, not to the caller.
        await Ok(p.WharfFileAsync("app/docker-compose.yml", "up", "-d"), "up");
        Task<ProcessResult> Exec(string sh) => p.WharfFileAsync("app/docker-compose.yml", "exec", "-T", "app", "sh", "-c", sh);

        Assert.Equal("hello from the host", (await Ok(Exec("cat /short/hello.txt"), "read short")).Trim());
        Assert.Equal("setting=1", (await Ok(Exec("cat /long-ro/app.conf"), "read long ro")).Trim());
        await Ok(Exec("echo written > /long/from-container"), "write long");
        Assert.Equal("written\n", File.ReadAllText(Path.Combine(p.Dir, "app/data/from-container")));
        // The short syntax creates a missing host directory, as Compose does.
        Assert.True(Directory.Exists(Path.Combine(p.Dir, "app/made-by-up")), "./made-by-up was not created");
        foreach (var ro in new[] { "/short-ro", "/long-ro" })
        {
            var w = await Exec($"echo x > {ro}/new");
            Assert.NotEqual(0, w.ExitCode);
            Assert.Contains("Read-only file system", w.Stderr);
        }
        Assert.False(File.Exists(Path.Combine(p.Dir, "app/conf/new")));

        var mounts = await Ok(Exec("cat /proc/mounts"), "mounts");
        Assert.Matches(@"(?m)^tmpfs /run/scratch tmpfs ", mounts);
        Assert.Matches(@"(?m)^tmpfs /cache tmpfs .*size=1024k", mounts);
        await Ok(Exec("echo t > /cache/f && echo t > /run/scratch/f"), "write tmpfs");
        await Ok(p.WharfFileAsync("app/docker-compose.yml", "down", "-t", "1"), "down");
        Assert.Equal("hello from the host\n", File.ReadAllText(Path.Combine(p.Dir, "app/data/hello.txt")));
    }

    [Fact]
    public async Task Up_wait_returns_once_healthy_and_fails_for_a_container_that_exits()
    {
        var p = new ComposeProjectDir(D, "waiting");
        p.Write("docker-compose.yml", """
            services:
              slow:
                image: busybox
                command: sh -c 'sleep 2; touch /tmp/ready; exec sleep 1d'
                healthcheck: { test: "test -f /tmp/ready", interval: 500ms, retries: 30 }
              plain:
                image: busybox
                command: sleep 1d
            """);
        var up = await p.WharfAsync("up", "-d", "--wait");
        Assert.True(up.ExitCode == 0, up.ToString());
        // --wait returned: the health check has already passed, no polling needed here.
        Assert.Equal("healthy", (await Ok(D.DockerAsync("inspect", "-f", "{{.State.Health.Status}}", "waiting-slow-1"), "health")).Trim());
        Assert.Equal("running", await StateAsync("waiting-plain-1"));
        await Ok(p.WharfAsync("down", "-t", "1"), "down");

        // Never healthy (the first check is after its exit): --wait sees the exit and fails with it.
        p.Write("docker-compose.yml", "services:\n  broken:\n    image: busybox\n    command: sh -c 'sleep 1; exit 4'\n    healthcheck: { test: \"true\", interval: 30s }\n");
        var failed = await p.WharfAsync("up", "-d", "--wait");
        Assert.True(failed.ExitCode != 0, failed.ToString());
        Assert.True(failed.Stderr.Contains("waiting-broken-1 exited (4)", StringComparison.Ordinal), failed.Stderr);
        await Ok(p.WharfAsync("down"), "down");
    }

    [Fact]
    public async Task Run_rm_with_env_and_entrypoint_and_exec_by_index()
    {
        var p = new ComposeProjectDir(D, "runexec");
        p.Write("docker-compose.yml", """
            services:
              tool:
                image: busybox
                entrypoint: ["sh", "-c", "echo from the file's entrypoint"]
                environment: [X=from-file]
              web:
                image: busybox
                command: sleep 1d
                deploy: { replicas: 2 }
            """);
        var env = await p.WharfAsync("run", "--rm", "-T", "-e", "Y=flag", "--entrypoint", "env", "tool");
        Assert.True(env.ExitCode == 0, env.ToString());
        Assert.Contains("X=from-file\n", env.Stdout);
        Assert.Contains("Y=flag\n", env.Stdout);
        Assert.DoesNotContain("entrypoint", env.Stdout);
        var echo = await p.WharfAsync("run", "--rm", "-T", "--entrypoint", "echo one-off", "tool", "two");
        Assert.True(echo.ExitCode == 0, echo.ToString());
        Assert.Equal("one-off two", echo.Stdout.Trim());
        Assert.Empty(await p.ContainerNamesAsync());

        await Ok(p.WharfAsync("up", "-d"), "up");
        foreach (var i in new[] { 1, 2 })
        {
            var hostname = (await Ok(D.DockerAsync("inspect", "-f", "{{.Config.Hostname}}", $"runexec-web-{i}"), "inspect")).Trim();
            Assert.Equal(hostname, (await Ok(p.WharfAsync("exec", "-T", "--index", i.ToString(), "web", "hostname"), "exec --index")).Trim());
        }
        var missing = await p.WharfAsync("exec", "-T", "--index", "3", "web", "true");
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal("service \"web\" is not running container #3", missing.Stderr.Trim());
        await Ok(p.WharfAsync("down", "-t", "1"), "down");
    }

    [Fact]
    public async Task Port_config_services_and_volumes_and_ls()
    {
        var p = new ComposeProjectDir(D, "listing");
        p.Write("docker-compose.yml", """
            services:
              web:
                image: busybox
                command: sleep 1d
                ports: ["8080", "127.0.0.1::9090/udp"]
                deploy: { replicas: 2 }
                volumes: [cache:/cache]
              db:
                image: busybox
                command: sleep 1d
                volumes: [data:/data]
            volumes:
              data: {}
              cache: {}
            """);
        Assert.Equal("web\ndb\n", await Ok(p.WharfAsync("config", "--services"), "config --services"));
        Assert.Equal("data\ncache\n", await Ok(p.WharfAsync("config", "--volumes"), "config --volumes"));

        await Ok(p.WharfAsync("up", "-d"), "up");
        foreach (var i in new[] { 1, 2 })
        {
            var docker = (await Ok(D.DockerAsync("port", $"listing-web-{i}", "8080/tcp"), "docker port")).Split('\n')[0].Trim();
            var port = (await Ok(p.WharfAsync("port", "--index", i.ToString(), "web", "8080"), "port")).Trim();
            Assert.Matches(@"^0\.0\.0\.0:\d+$", port);
            Assert.Equal(docker, port);
        }
        Assert.Matches(@"^127\.0\.0\.1:\d+$", (await Ok(p.WharfAsync("port", "--protocol", "udp", "web", "9090"), "port udp")).Trim());
        var noPort = await p.WharfAsync("port", "db", "80");
        Assert.Equal(1, noPort.ExitCode);
        Assert.Contains("no port 80/tcp", noPort.Stderr);

        var ls = await Ok(D.WharfAsync("compose", "ls"), "ls");
        Assert.Matches(@"(?m)^NAME\s+STATUS\s+CONFIG FILES$", ls);
        Assert.Matches($@"(?m)^listing\s+running\(3\)\s+{System.Text.RegularExpressions.Regex.Escape(p.File())}$", ls);
        await Ok(p.WharfAsync("stop", "-t", "1", "db"), "stop db");
        Assert.Matches(@"(?m)^listing\s+exited\(1\), running\(2\)\s", await Ok(D.WharfAsync("compose", "ls"), "ls"));
        await Ok(p.WharfAsync("stop", "-t", "1"), "stop");
        Assert.DoesNotMatch(@"(?m)^listing\s", await Ok(D.WharfAsync("compose", "ls"), "ls"));
        Assert.Matches(@"(?m)^listing\s+exited\(3\)\s", await Ok(D.WharfAsync("compose", "ls", "-a"), "ls -a"));
        Assert.Contains("listing\n", await Ok(D.WharfAsync("compose", "ls", "-a", "-q"), "ls -a -q"));
        await Ok(p.WharfAsync("down", "-v"), "down");
    }

    [Fact]
    public async Task Pull_policy_never_and_build_and_the_up_pull_flag()
    {
        var p = new ComposeProjectDir(D, "policy");
        // Never: an image that is not there is an error, and nothing is created.
        p.Write("docker-compose.yml", "services:\n  app:\n    image: policy-absent:1\n    pull_policy: never\n    command: sleep 1d\n");
        var never = await p.WharfAsync("up", "-d");
        Assert.Equal(1, never.ExitCode);
        Assert.Contains("policy-absent:1", never.Stderr);
        Assert.DoesNotContain("Pulling", never.Stderr);
        Assert.Empty(await p.ContainerNamesAsync());

        // Build: built on every up, even though the image is there.
        p.Write("app/Dockerfile", "FROM busybox\nLABEL built=yes\nCMD [\"sleep\", \"1d\"]\n");
        p.Write("docker-compose.yml", "services:\n  app:\n    build: ./app\n    pull_policy: build\n");
        await Ok(p.WharfAsync("up", "-d"), "up");
        var again = await p.WharfAsync("up", "-d");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("app  Built", again.Stderr);
        await Ok(p.WharfAsync("down", "-t", "1"), "down");

        // --pull never overrides the file's missing policy: no pull of an absent image.
        p.Write("docker-compose.yml", "services:\n  app:\n    image: policy-absent:2\n    command: sleep 1d\n");
        var flag = await p.WharfAsync("up", "-d", "--pull", "never");
        Assert.Equal(1, flag.ExitCode);
        Assert.DoesNotContain("Pulling", flag.Stderr);
        var bad = await p.WharfAsync("up", "-d", "--pull", "sometimes");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("invalid --pull value \"sometimes\"", bad.Stderr);
        Assert.Empty(await p.ContainerNamesAsync());
    }
}
