using System.Text.Json;
using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>`wharf volume ...` and `wharf system prune`, with docker's flags, output and exit codes.</summary>
public sealed class WharfCliVolumeTests(DaemonFixture fx) : IClassFixture<DaemonFixture>
{
    private WharfDaemon D => fx.Daemon;

    private async Task<string> Ok(params string[] args)
    {
        var r = await D.WharfAsync(args);
        Assert.True(r.ExitCode == 0, $"wharf {string.Join(' ', args)} failed: {r}\n{D.Log}");
        return r.Stdout;
    }

    [Fact]
    public async Task Volume_create_ls_inspect_rm()
    {
        Assert.Equal("wv-one\n", await Ok("volume", "create", "--label", "app=web", "wv-one"));
        Assert.Equal("wv-two\n", await Ok("volume", "create", "--name", "wv-two", "-d", "local", "-o", "type=tmpfs", "-o", "device=tmpfs", "-o", "o=size=1m"));
        var anon = (await Ok("volume", "create")).Trim();
        Assert.Matches("^[0-9a-f]{64}$", anon);

        var table = (await Ok("volume", "ls", "--filter", "name=wv-")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^DRIVER\s+VOLUME NAME$", table[0]);
        Assert.Matches(@"^local\s+wv-one$", table[1]);
        Assert.Matches(@"^local\s+wv-two$", table[2]);
        Assert.Equal("wv-one\n", await Ok("volume", "ls", "-q", "-f", "label=app=web"));
        Assert.Equal("wv-one app=web\n", await Ok("volume", "list", "--filter", "label=app", "--format", "{{.Name}} {{.Labels}}"));

        using (var doc = JsonDocument.Parse(await Ok("volume", "inspect", "wv-one", "wv-two")))
        {
            Assert.Equal(2, doc.RootElement.GetArrayLength());
            Assert.Equal("web", doc.RootElement[0].GetProperty("Labels").GetProperty("app").GetString());
            Assert.Equal("size=1m", doc.RootElement[1].GetProperty("Options").GetProperty("o").GetString());
        }
        Assert.Equal("local local\n", await Ok("volume", "inspect", "-f", "{{.Driver}} {{.Scope}}", "wv-one"));

        var conflict = await D.WharfAsync("volume", "create", "--name", "a1", "b1");
        Assert.Equal(1, conflict.ExitCode);
        Assert.Contains("conflicting options", conflict.Stderr);

        var missing = await D.WharfAsync("volume", "inspect", "wv-none");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no such volume", missing.Stderr);

        await Ok("run", "-d", "--name", "wv-user", "-v", "wv-one:/x", "busybox", "sleep", "600");
        var inUse = await D.WharfAsync("volume", "rm", "wv-one", "wv-two");
        Assert.Equal(1, inUse.ExitCode);
        Assert.Equal("wv-two\n", inUse.Stdout);
        Assert.Contains("Error response from daemon: remove wv-one: volume is in use - [", inUse.Stderr);
        await Ok("rm", "-f", "wv-user");
        Assert.Equal("wv-one\n" + anon + "\n", await Ok("volume", "remove", "wv-one", anon));
        Assert.Equal("wv-gone\n", await Ok("volume", "rm", "-f", "wv-gone"));
    }

    [Fact]
    public async Task Volume_prune_and_system_prune()
    {
        await Ok("volume", "create", "wv-named");
        await Ok("create", "--name", "wv-anon", "-v", "/anon", "busybox");
        var anon = (await Ok("inspect", "-f", "{{(index .Mounts 0).Name}}", "wv-anon")).Trim();
        await Ok("rm", "wv-anon");

        var pruned = await Ok("volume", "prune", "-f");
        Assert.Equal($"Deleted Volumes:\n{anon}\n\nTotal reclaimed space: 0B\n", pruned);
        Assert.Contains("wv-named", await Ok("volume", "ls", "-q"));
        pruned = await Ok("volume", "prune", "--all", "--force", "--filter", "label!=keep");
        Assert.Contains("wv-named", pruned);

        await Ok("create", "--name", "wv-stopped", "-v", "/a2", "busybox");
        await Ok("volume", "create", "wv-survivor");
        var sys = await Ok("system", "prune", "--volumes", "--force");
        Assert.Contains("Deleted Containers:\n", sys);
        Assert.Contains("Deleted Volumes:\n", sys);
        Assert.EndsWith("\n", sys);
        Assert.Contains("Total reclaimed space: ", sys);
        Assert.Equal("", await Ok("ps", "-aq", "--filter", "name=wv-stopped"));
        Assert.Contains("wv-survivor", await Ok("volume", "ls", "-q"));
        var declined = await D.WharfAsync(["system", "prune"], new MemoryStream("n\n"u8.ToArray()));
        Assert.Equal(0, declined.ExitCode);
        Assert.Contains("WARNING! This will remove:", declined.Stdout);
        Assert.DoesNotContain("Total reclaimed space", declined.Stdout);
        await Ok("volume", "rm", "wv-survivor");
    }

    [Fact]
    public async Task System_df_verbose_lists_volumes()
    {
        await Ok("run", "--rm", "-v", "wv-df:/d", "busybox", "sh", "-c", "head -c 20000 /dev/zero > /d/f");
        string df = "";
        for (var i = 0; i < 50 && !df.Contains("20kB"); i++)
        {
            df = await Ok("system", "df", "-v");
            if (!df.Contains("20kB")) await Task.Delay(100);
        }
        Assert.Contains("Local Volumes space usage:", df);
        Assert.Matches(@"VOLUME NAME\s+LINKS\s+SIZE", df);
        Assert.Matches(@"wv-df\s+0\s+20kB", df);
        await Ok("volume", "rm", "wv-df");
    }
}
