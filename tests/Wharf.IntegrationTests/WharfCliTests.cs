using System.Text.Json;
using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>The same image workflows through Wharf's own CLI, with docker's grammar and exit codes.</summary>
public sealed class WharfCliTests(DaemonFixture fx) : IClassFixture<DaemonFixture>
{
    private WharfDaemon D => fx.Daemon;

    private async Task<string> Ok(params string[] args)
    {
        var r = await D.WharfAsync(args);
        Assert.True(r.ExitCode == 0, $"wharf {string.Join(' ', args)} failed: {r}\n{D.Log}");
        return r.Stdout;
    }

    [Fact]
    public async Task Version_and_info_talk_to_the_daemon()
    {
        Assert.Equal("0.1.0 1.47", (await Ok("version", "--format", "{{.Server.Version}} {{.Server.APIVersion}}")).Trim());
        Assert.Equal(D.DataRoot, (await Ok("info", "--format", "{{.DockerRootDir}}")).Trim());
        var info = await Ok("info");
        Assert.Contains("Server Version: 0.1.0", info);
        Assert.Contains("Cgroup Driver: cgroupfs", info);
    }

    [Fact]
    public async Task Import_images_inspect_history_tag_rmi()
    {
        var id = (await Ok("import", "-c", "LABEL via=wharf", "-m", "cli import", TestImages.BusyboxRootfs, "cli/img:1")).Trim();
        Assert.StartsWith("sha256:", id);
        var table = await Ok("images", "cli/img");
        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$", lines[0]);
        Assert.Matches(@"^cli/img\s+1\s+" + id[7..19] + @"\s+.+ago\s+1\.98MB$", lines[1]);
        Assert.Equal("wharf", (await Ok("inspect", "--format", "{{index .Config.Labels \"via\"}}", "cli/img:1")).Trim());
        using (var doc = JsonDocument.Parse(await Ok("image", "inspect", "cli/img:1")))
            Assert.Equal(id, doc.RootElement[0].GetProperty("Id").GetString());
        Assert.Equal("cli import", (await Ok("history", "--format", "{{.Comment}}", "cli/img:1")).Trim());
        await Ok("tag", "cli/img:1", "cli/other:2");
        Assert.Equal("Untagged: cli/img:1", (await Ok("rmi", "cli/img:1")).Trim());
        var del = await Ok("image", "rm", "cli/other:2");
        Assert.Contains("Deleted: " + id, del);
    }

    [Fact]
    public async Task Save_and_load_through_files_and_pipes()
    {
        await Ok("tag", "busybox", "cli/saved:1");
        var archive = Path.Combine(D.Root, "cli-saved.tar");
        await Ok("save", "-o", archive, "cli/saved:1");
        await Ok("rmi", "cli/saved:1");
        await using (var input = File.OpenRead(archive))
        {
            var r = await D.WharfAsync(["load"], input);
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal("Loaded image: cli/saved:1", r.Stdout.Trim());
        }
        var viaStdout = Path.Combine(D.Root, "cli-stdout.tar");
        await using (var sink = File.Create(viaStdout))
        {
            var r = await ProcessRunner.RunAsync(Repo.Wharf, ["save", "cli/saved:1"], D.Env(), stdoutSink: sink);
            Assert.Equal(0, r.ExitCode);
        }
        Assert.Equal(new FileInfo(archive).Length, new FileInfo(viaStdout).Length);
    }

    [Fact]
    public async Task Events_show_image_actions()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeSeconds().ToString();
        await Ok("tag", "busybox", "cli/event:1");
        await Ok("rmi", "cli/event:1");
        var until = DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeSeconds().ToString();
        var o = await Ok("events", "--since", since, "--until", until, "--filter", "type=image", "--format", "{{.Action}} {{.Actor.Attributes.name}}");
        Assert.Contains("tag cli/event:1", o);
        Assert.Contains("untag cli/event:1", o);
        var human = await Ok("events", "--since", since, "--until", until, "--filter", "event=tag");
        Assert.Matches(@"\d{4}-\d\d-\d\dT[\d:.]+Z image tag sha256:[0-9a-f]{64} \(name=cli/event:1\)", human);
    }

    [Fact]
    public async Task Errors_use_dockers_messages_and_exit_codes()
    {
        var missing = await D.WharfAsync("image", "inspect", "cli/none:404");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("No such image: cli/none:404", missing.Stderr);
        var flag = await D.WharfAsync("images", "--bogus");
        Assert.Equal(125, flag.ExitCode);
        Assert.Contains("unknown flag: --bogus", flag.Stderr);
        var env = D.Env();
        env["WHARF_HOST"] = "unix://" + Path.Combine(D.Root, "nobody-listens.sock");
        var down = await ProcessRunner.RunAsync(Repo.Wharf, ["images"], env);
        Assert.Equal(1, down.ExitCode);
        Assert.Contains("Cannot connect to the Wharf daemon at unix://", down.Stderr);
        var hostFlag = await ProcessRunner.RunAsync(Repo.Wharf, ["-H", D.Host, "version", "--format", "{{.Server.Version}}"], new Dictionary<string, string> { ["WHARF_HOST"] = "unix:///nonexistent.sock" });
        Assert.Equal("0.1.0", hostFlag.Stdout.Trim());
    }

    [Fact]
    public async Task Prune_and_df()
    {
        var old = (await Ok("import", TestImages.BusyboxRootfs, "cli/prune:1")).Trim();
        await Ok("import", "-c", "ENV V=2", TestImages.BusyboxRootfs, "cli/prune:1");
        var prune = await Ok("image", "prune", "-f");
        Assert.Contains("deleted: " + old, prune);
        var df = await Ok("system", "df");
        Assert.Matches(@"^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE", df);
        Assert.Contains("Images", df);
    }
}
