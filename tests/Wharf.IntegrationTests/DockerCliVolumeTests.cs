using System.Text.Json;
using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>Volumes and mounts through the real docker CLI: named, anonymous, bind and tmpfs, with Docker's semantics.</summary>
public sealed class DockerCliVolumeTests(DaemonFixture fx) : IClassFixture<DaemonFixture>, IDisposable
{
    private readonly string _host = Directory.CreateTempSubdirectory("wharf-vol-").FullName;

    private WharfDaemon D => fx.Daemon;

    public void Dispose()
    {
        Cleanup.UnmountUnder(_host);
        Directory.Delete(_host, recursive: true);
    }

    private async Task<string> Ok(params string[] args)
    {
        var r = await D.DockerAsync(args);
        Assert.True(r.ExitCode == 0, $"docker {string.Join(' ', args)}: {r}\n{D.Log}");
        return r.Stdout;
    }

    private async Task<ProcessResult> Fails(params string[] args)
    {
        var r = await D.DockerAsync(args);
        Assert.True(r.ExitCode != 0, $"docker {string.Join(' ', args)} should fail: {r}");
        return r;
    }

    private async Task<List<string>> VolumeNames() =>
        (await Ok("volume", "ls", "-q")).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();

    private async Task<JsonElement> Mounts(string container)
    {
        using var doc = JsonDocument.Parse(await Ok("inspect", "-f", "{{json .Mounts}}", container));
        return doc.RootElement.Clone();
    }

    [Fact]
    public async Task A_named_volume_outlives_its_container_and_is_inspectable()
    {
        await Ok("run", "--name", "vol-writer", "-v", "vt-data:/data", "busybox", "sh", "-c", "echo persisted > /data/file");
        await Ok("rm", "vol-writer");
        Assert.Equal("persisted\n", await Ok("run", "--rm", "-v", "vt-data:/data", "busybox", "cat", "/data/file"));

        using var doc = JsonDocument.Parse(await Ok("volume", "inspect", "vt-data"));
        var v = doc.RootElement[0];
        Assert.Equal("vt-data", v.GetProperty("Name").GetString());
        Assert.Equal("local", v.GetProperty("Driver").GetString());
        Assert.Equal("local", v.GetProperty("Scope").GetString());
        Assert.Equal(Path.Combine(D.DataRoot, "volumes/vt-data/_data"), v.GetProperty("Mountpoint").GetString());
        Assert.True(DateTimeOffset.TryParse(v.GetProperty("CreatedAt").GetString(), out _));
        Assert.Equal("persisted\n", File.ReadAllText(Path.Combine(D.DataRoot, "volumes/vt-data/_data/file")));
        await Ok("volume", "rm", "vt-data");
    }

    [Fact]
    public async Task Volume_create_with_labels_and_ls_filters()
    {
        Assert.Equal("vt-lab\n", await Ok("volume", "create", "--label", "tier=db", "--label", "env", "vt-lab"));
        await Ok("volume", "create", "vt-plain");
        // Creating an existing volume again returns it unchanged.
        Assert.Equal("vt-plain\n", await Ok("volume", "create", "vt-plain"));
        Assert.Equal("db", (await Ok("volume", "inspect", "-f", "{{index .Labels \"tier\"}}", "vt-lab")).Trim());
        Assert.Equal("vt-lab\n", await Ok("volume", "ls", "-q", "--filter", "label=tier=db"));
        Assert.Equal("vt-lab\n", await Ok("volume", "ls", "-q", "--filter", "label=env", "--filter", "name=vt-"));
        Assert.Contains("vt-plain", await Ok("volume", "ls", "-q", "--filter", "dangling=true", "--filter", "driver=local"));
        var table = (await Ok("volume", "ls", "--filter", "name=vt-plain")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^DRIVER\s+VOLUME NAME$", table[0]);
        Assert.Matches(@"^local\s+vt-plain$", table[1]);
        Assert.Equal("vt-plain local\n", await Ok("volume", "ls", "--filter", "name=vt-plain", "--format", "{{.Name}} {{.Scope}}"));
        await Ok("run", "-d", "--name", "vt-user", "-v", "vt-plain:/x", "busybox", "sleep", "600");
        Assert.DoesNotContain("vt-plain", await Ok("volume", "ls", "-q", "--filter", "dangling=true"));
        Assert.Contains("vt-plain", await Ok("volume", "ls", "-q", "--filter", "dangling=false"));
        await Ok("rm", "-f", "vt-user");
        await Ok("volume", "rm", "vt-lab", "vt-plain");
    }

    [Fact]
    public async Task A_bind_mount_reflects_changes_both_ways_and_a_missing_host_dir_is_created()
    {
        var dir = Path.Combine(_host, "shared");
        Directory.CreateDirectory(dir);
        await Ok("run", "-d", "--name", "vt-bind", "-v", dir + ":/mnt", "busybox", "sleep", "600");
        File.WriteAllText(Path.Combine(dir, "from-host"), "host\n");
        Assert.Equal("host\n", await Ok("exec", "vt-bind", "cat", "/mnt/from-host"));
        await Ok("exec", "vt-bind", "sh", "-c", "echo container > /mnt/from-container");
        Assert.Equal("container\n", File.ReadAllText(Path.Combine(dir, "from-container")));
        using (var doc = JsonDocument.Parse(await Ok("inspect", "-f", "{{json .Mounts}}", "vt-bind")))
        {
            var m = doc.RootElement[0];
            Assert.Equal("bind", m.GetProperty("Type").GetString());
            Assert.Equal(dir, m.GetProperty("Source").GetString());
            Assert.Equal("/mnt", m.GetProperty("Destination").GetString());
            Assert.True(m.GetProperty("RW").GetBoolean());
            Assert.Equal("rprivate", m.GetProperty("Propagation").GetString());
        }
        await Ok("rm", "-f", "vt-bind");

        var missing = Path.Combine(_host, "made/by/run");
        await Ok("run", "--rm", "-v", missing + ":/m:ro", "busybox", "true");
        Assert.True(Directory.Exists(missing));
        var ro = await D.DockerAsync("run", "--rm", "-v", dir + ":/m:ro", "busybox", "touch", "/m/x");
        Assert.NotEqual(0, ro.ExitCode);
        Assert.Contains("Read-only file system", ro.Stderr);
    }

    [Fact]
    public async Task Image_VOLUME_creates_an_anonymous_volume_filled_with_the_image_content()
    {
        // An image whose /data holds content and is declared a VOLUME (what a Dockerfile VOLUME gives).
        await Ok("run", "--name", "vt-seed", "busybox", "sh", "-c", "mkdir -p /data/sub && echo seed > /data/sub/f && chown -R 1234:5678 /data && chmod 750 /data");
        await Ok("commit", "--change", "VOLUME /data", "vt-seed", "vt-volimg:1");
        await Ok("rm", "vt-seed");

        await Ok("run", "--name", "vt-anon", "vt-volimg:1", "sh", "-c", "cat /data/sub/f; stat -c '%u:%g %a' /data /data/sub/f");
        Assert.Equal("seed\n1234:5678 750\n1234:5678 644\n", await Ok("logs", "vt-anon"));
        var m = (await Mounts("vt-anon"))[0];
        Assert.Equal("volume", m.GetProperty("Type").GetString());
        Assert.Matches("^[0-9a-f]{64}$", m.GetProperty("Name").GetString());
        Assert.Equal("/data", m.GetProperty("Destination").GetString());
        Assert.Equal("local", m.GetProperty("Driver").GetString());

        // A new, empty named volume is filled too; nocopy leaves it empty; a volume with content is left alone.
        Assert.Equal("seed\n", await Ok("run", "--rm", "-v", "vt-seeded:/data", "vt-volimg:1", "cat", "/data/sub/f"));
        Assert.Equal("", await Ok("run", "--rm", "--mount", "type=volume,source=vt-nocopy,target=/data,volume-nocopy", "vt-volimg:1", "ls", "/data"));
        await Ok("run", "--rm", "-v", "vt-seeded:/data", "busybox", "sh", "-c", "echo changed > /data/sub/f");
        Assert.Equal("changed\n", await Ok("run", "--rm", "-v", "vt-seeded:/data", "vt-volimg:1", "cat", "/data/sub/f"));
        await Ok("rm", "-v", "vt-anon");
        await Ok("volume", "rm", "vt-seeded", "vt-nocopy");
    }

    [Fact]
    public async Task A_Dockerfile_VOLUME_with_content_gets_it_copied_into_the_anonymous_volume()
    {
        var ctx = DockerCliBuildTests.Context(D, "FROM busybox\nRUN mkdir -p /data && echo from-build > /data/seed\nVOLUME /data\n");
        await Ok("build", "-t", "vt-built:1", ctx);
        Assert.Equal("from-build\n", await Ok("run", "--name", "vt-built", "vt-built:1", "sh", "-c", "cat /data/seed; echo more > /data/more"));
        var m = (await Mounts("vt-built"))[0];
        Assert.Equal("volume", m.GetProperty("Type").GetString());
        Assert.Equal("/data", m.GetProperty("Destination").GetString());
        // What the container wrote is in the volume, not in its layer.
        Assert.Equal("more\n", File.ReadAllText(Path.Combine(m.GetProperty("Source").GetString()!, "more")));
        await Ok("rm", "-v", "vt-built");
        Assert.DoesNotContain(m.GetProperty("Name").GetString()!, await VolumeNames());
    }

    [Fact]
    public async Task Rm_v_removes_only_the_anonymous_volumes()
    {
        await Ok("create", "--name", "vt-rmv", "-v", "vt-keep:/named", "-v", "/anon", "--mount", "type=volume,target=/anon2", "busybox");
        var anon = (await Mounts("vt-rmv")).EnumerateArray().Where(m => m.GetProperty("Destination").GetString() != "/named")
            .Select(m => m.GetProperty("Name").GetString()!).ToList();
        Assert.Equal(2, anon.Count);
        var before = await VolumeNames();
        Assert.Contains("vt-keep", before);
        Assert.All(anon, a => Assert.Contains(a, before));
        await Ok("rm", "-v", "vt-rmv");
        var after = await VolumeNames();
        Assert.Contains("vt-keep", after);
        Assert.All(anon, a => Assert.DoesNotContain(a, after));

        // Without -v the anonymous volume stays; --rm removes it with the container.
        await Ok("create", "--name", "vt-norm", "-v", "/anon", "busybox");
        var kept = (await Mounts("vt-norm"))[0].GetProperty("Name").GetString()!;
        await Ok("rm", "vt-norm");
        Assert.Contains(kept, await VolumeNames());
        await Ok("volume", "rm", kept, "vt-keep");
        var count = (await VolumeNames()).Count;
        await Ok("run", "--rm", "-v", "/scratch", "busybox", "true");
        Assert.Equal(count, (await VolumeNames()).Count);
    }

    [Fact]
    public async Task A_volume_in_use_is_refused_by_rm_and_kept_by_prune()
    {
        await Ok("run", "-d", "--name", "vt-busy", "-v", "vt-inuse:/x", "busybox", "sh", "-c", "echo keep > /x/f; sleep 600");
        var r = await Fails("volume", "rm", "vt-inuse");
        Assert.Contains("remove vt-inuse: volume is in use - [", r.Stderr);
        using (var http = D.CreateHttpClient())
            Assert.Equal(409, (int)(await http.DeleteAsync("/volumes/vt-inuse")).StatusCode);
        // -f forgives a missing volume, not one in use.
        Assert.NotEqual(0, (await D.DockerAsync("volume", "rm", "-f", "vt-inuse")).ExitCode);
        Assert.Equal(0, (await D.DockerAsync("volume", "rm", "-f", "vt-never-made")).ExitCode);

        // Stopped, the container still uses it: rm and prune keep it and its data.
        await Ok("stop", "-t", "0", "vt-busy");
        await Fails("volume", "rm", "vt-inuse");
        await Ok("volume", "create", "vt-unused");
        await Ok("create", "--name", "vt-anon-user", "-v", "/a", "busybox");
        var usedAnon = (await Mounts("vt-anon-user"))[0].GetProperty("Name").GetString()!;
        await Ok("create", "--name", "vt-anon-gone", "-v", "/a", "busybox");
        var freeAnon = (await Mounts("vt-anon-gone"))[0].GetProperty("Name").GetString()!;
        await Ok("rm", "vt-anon-gone");

        var pruned = await Ok("volume", "prune", "-f");
        Assert.Contains(freeAnon, pruned);
        Assert.Contains("Total reclaimed space:", pruned);
        var left = await VolumeNames();
        Assert.DoesNotContain(freeAnon, left);
        Assert.Contains("vt-unused", left);
        Assert.Contains(usedAnon, left);

        pruned = await Ok("volume", "prune", "-a", "-f");
        Assert.Contains("vt-unused", pruned);
        left = await VolumeNames();
        Assert.Contains("vt-inuse", left);
        Assert.Contains(usedAnon, left);
        Assert.Equal("keep\n", File.ReadAllText(Path.Combine(D.DataRoot, "volumes/vt-inuse/_data/f")));

        await Ok("rm", "vt-busy", "vt-anon-user");
        await Ok("volume", "rm", "vt-inuse", usedAnon);
    }

    [Fact]
    public async Task Volumes_from_read_only_root_and_tmpfs()
    {
        await Ok("run", "-d", "--name", "vt-src", "-v", "vt-shared:/shared", "busybox", "sh", "-c", "echo hi > /shared/f; sleep 600");
        for (var deadline = DateTime.UtcNow.AddSeconds(15); DateTime.UtcNow < deadline; await Task.Delay(100))
            if ((await D.DockerAsync("exec", "vt-src", "test", "-s", "/shared/f")).ExitCode == 0) break;
        Assert.Equal("hi\n", await Ok("run", "--rm", "--volumes-from", "vt-src", "busybox", "cat", "/shared/f"));
        var ro = await D.DockerAsync("run", "--rm", "--volumes-from", "vt-src:ro", "busybox", "touch", "/shared/g");
        Assert.NotEqual(0, ro.ExitCode);
        await Ok("rm", "-f", "vt-src");

        var rootRo = await D.DockerAsync("run", "--rm", "--read-only", "-v", "vt-shared:/data", "--tmpfs", "/run:size=64m",
            "busybox", "sh", "-c", "echo ok > /data/w && cat /data/w && echo ok > /run/t && grep ' /run ' /proc/mounts; touch /rootfile");
        Assert.Contains("ok\n", rootRo.Stdout);
        Assert.Contains("size=65536k", rootRo.Stdout);
        Assert.Contains("Read-only file system", rootRo.Stderr);

        var t = await Ok("run", "--rm", "--mount", "type=tmpfs,target=/t,tmpfs-size=1m,tmpfs-mode=1770", "busybox", "sh", "-c", "grep ' /t ' /proc/mounts; stat -c %a /t");
        Assert.Contains("tmpfs /t tmpfs", t);
        Assert.Contains("size=1024k", t);
        Assert.EndsWith("1770\n", t);
        await Ok("volume", "rm", "vt-shared");
    }

    [Fact]
    public async Task Mount_flag_with_bind_options_and_volume_options()
    {
        var dir = Path.Combine(_host, "mnt");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "f"), "bound\n");
        var r = await Ok("run", "--rm", "--mount", $"type=bind,source={dir},target=/b,readonly,bind-propagation=rslave", "busybox",
            "sh", "-c", "cat /b/f; touch /b/x 2>/dev/null || echo ro");
        Assert.Equal("bound\nro\n", r);
        await Ok("run", "--rm", "--mount", "type=volume,source=vt-opt,target=/v,volume-opt=type=tmpfs,volume-opt=device=tmpfs,volume-opt=o=size=2m",
            "busybox", "sh", "-c", "grep -q ' /v tmpfs ' /proc/mounts");
        Assert.Equal("tmpfs", (await Ok("volume", "inspect", "-f", "{{.Options.type}}", "vt-opt")).Trim());
        await Ok("volume", "rm", "vt-opt");
    }

    [Fact]
    public async Task Local_driver_options_bind_a_host_directory_and_mount_a_tmpfs()
    {
        var dir = Path.Combine(_host, "device");
        Directory.CreateDirectory(dir);
        await Ok("volume", "create", "-o", "type=none", "-o", "device=" + dir, "-o", "o=bind", "vt-hostdir");
        await Ok("run", "--rm", "-v", "vt-hostdir:/d", "busybox", "sh", "-c", "echo through > /d/f");
        Assert.Equal("through\n", File.ReadAllText(Path.Combine(dir, "f")));

        await Ok("volume", "create", "--driver", "local", "--opt", "type=tmpfs", "--opt", "device=tmpfs", "--opt", "o=size=3m", "vt-tmp");
        var mounts = await Ok("run", "--rm", "-v", "vt-tmp:/t", "busybox", "grep", " /t ", "/proc/mounts");
        Assert.Contains("size=3072k", mounts);
        // Unmounted again once no container uses it.
        Assert.DoesNotContain("vt-tmp/_data", File.ReadAllText($"/proc/{D.Pid}/mountinfo"));
        var bad = await Fails("volume", "create", "-o", "foo=bar", "vt-badopt");
        Assert.Contains("invalid option: \"foo\"", bad.Stderr);
        await Ok("volume", "rm", "vt-hostdir", "vt-tmp");
    }

    [Fact]
    public async Task Cp_reaches_into_volumes_and_binds_and_diff_export_commit_leave_them_out()
    {
        var dir = Path.Combine(_host, "cp");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "bound.txt"), "on the host\n");
        File.WriteAllText(Path.Combine(_host, "in.txt"), "copied in\n");
        await Ok("create", "--name", "vt-cp", "-v", "vt-cpvol:/data", "-v", dir + ":/bind", "busybox", "sh", "-c", "echo upper > /root-file; echo vol > /data/v");
        await Ok("cp", Path.Combine(_host, "in.txt"), "vt-cp:/data/");
        Assert.Equal("copied in\n", File.ReadAllText(Path.Combine(D.DataRoot, "volumes/vt-cpvol/_data/in.txt")));
        await Ok("cp", "vt-cp:/bind/bound.txt", Path.Combine(_host, "out.txt"));
        Assert.Equal("on the host\n", File.ReadAllText(Path.Combine(_host, "out.txt")));
        await Ok("start", "-a", "vt-cp");
        await Ok("cp", "vt-cp:/data/v", Path.Combine(_host, "v.txt"));
        Assert.Equal("vol\n", File.ReadAllText(Path.Combine(_host, "v.txt")));
        // Nothing of the container stays mounted once its exit is recorded and the copies are done.
        Assert.Equal("0", (await Ok("wait", "vt-cp")).Trim());
        var id = (await Ok("inspect", "-f", "{{.Id}}", "vt-cp")).Trim();
        var left = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            left = File.ReadAllLines($"/proc/{D.Pid}/mountinfo").Where(l => l.Contains(id, StringComparison.Ordinal)).ToList();
            if (left.Count == 0) break;
            await Task.Delay(100);
        }
        Assert.True(left.Count == 0, "still mounted:\n" + string.Join('\n', left));

        var diff = await Ok("diff", "vt-cp");
        Assert.Contains("A /root-file", diff);
        Assert.DoesNotContain("/data", diff);
        Assert.DoesNotContain("/bind", diff);
        var list = await ProcessRunner.RunAsync("bash", ["-c", "docker export vt-cp | tar -t"], D.Env());
        Assert.Contains("root-file", list.Stdout);
        Assert.DoesNotContain("data/v", list.Stdout);
        Assert.DoesNotContain("in.txt", list.Stdout);
        await Ok("commit", "vt-cp", "vt-committed:1");
        Assert.Equal("upper\n", await Ok("run", "--rm", "vt-committed:1", "cat", "/root-file"));
        Assert.Equal("", await Ok("run", "--rm", "vt-committed:1", "sh", "-c", "ls -A /data /bind 2>/dev/null; true"));
        await Ok("rm", "-v", "vt-cp");
        await Ok("volume", "rm", "vt-cpvol");
    }

    [Fact]
    public async Task System_df_shows_volume_sizes_and_system_prune_volumes()
    {
        await Ok("run", "--name", "vt-df", "-v", "vt-sized:/d", "busybox", "sh", "-c", "head -c 300000 /dev/zero > /d/blob");
        string df = "";
        for (var i = 0; i < 50 && !df.Contains("300kB"); i++)
        {
            df = await Ok("system", "df", "-v");
            if (!df.Contains("300kB")) await Task.Delay(100);
        }
        Assert.Matches(@"vt-sized\s+1\s+300kB", df);
        Assert.Matches(@"Local Volumes\s+\d+\s+\d+", await Ok("system", "df"));

        await Ok("create", "--name", "vt-prune-anon", "-v", "/a", "busybox");
        var anon = (await Mounts("vt-prune-anon"))[0].GetProperty("Name").GetString()!;
        var pruned = await Ok("system", "prune", "--volumes", "-f");
        Assert.Contains("Deleted Containers:", pruned);
        Assert.Contains("Deleted Volumes:", pruned);
        Assert.Contains(anon, pruned);
        Assert.Contains("Total reclaimed space:", pruned);
        var left = await VolumeNames();
        Assert.Contains("vt-sized", left);
        Assert.DoesNotContain(anon, left);
        await Ok("volume", "rm", "vt-sized");
    }

    [Fact]
    public async Task Data_written_before_a_kill_9_of_the_daemon_is_there_after_restart()
    {
        await using var d = await WharfDaemon.StartNewAsync();
        var r = await d.DockerAsync("run", "-d", "--name", "writer", "-v", "precious:/db", "busybox", "sh", "-c", "echo committed > /db/row; sleep 600");
        Assert.Equal(0, r.ExitCode);
        await d.DockerAsync("run", "--rm", "-v", "/anon-created", "busybox", "true");
        for (var deadline = DateTime.UtcNow.AddSeconds(15); DateTime.UtcNow < deadline; await Task.Delay(100))
            if ((await d.DockerAsync("exec", "writer", "test", "-s", "/db/row")).ExitCode == 0) break;
        await d.StopAsync(kill: true);
        await d.StartAsync();
        var read = await d.DockerAsync("run", "--rm", "-v", "precious:/db", "busybox", "cat", "/db/row");
        Assert.True(read.ExitCode == 0, read.ToString());
        Assert.Equal("committed\n", read.Stdout);
        // The running writer kept its volume: still refused, still listed.
        Assert.NotEqual(0, (await d.DockerAsync("volume", "rm", "precious")).ExitCode);
        Assert.Contains("precious", (await d.DockerAsync("volume", "ls", "-q")).Stdout);
    }

    // ------------------------------------------------------------------ bad input: one line, non-zero, nothing left behind

    private async Task RefusedWithNothingLeft(string expected, params string[] args)
    {
        var containers = await Ok("ps", "-aq");
        var volumes = await VolumeNames();
        var r = await Fails(args);
        Assert.Contains(expected, r.Stderr);
        Assert.Single(r.Stderr.Split('\n'), l => l.Contains("Error", StringComparison.Ordinal) || l.Contains("invalid", StringComparison.Ordinal));
        Assert.Equal(containers, await Ok("ps", "-aq"));
        Assert.Equal(volumes, await VolumeNames());
    }

    [Fact]
    public async Task Bad_input_an_invalid_volume_name()
    {
        await RefusedWithNothingLeft("\"bad name\" includes invalid characters for a local volume name", "volume", "create", "bad name");
        await RefusedWithNothingLeft("includes invalid characters for a local volume name", "run", "-v", "vt-ok:/a", "-v", "b@d:/b", "busybox", "true");
    }

    [Fact]
    public async Task Bad_input_a_relative_bind_path()
    {
        await RefusedWithNothingLeft("\"rel/dir\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path",
            "run", "-v", "rel/dir:/x", "busybox", "true");
    }

    [Fact]
    public async Task Bad_input_an_unknown_mount_option()
    {
        await RefusedWithNothingLeft("invalid mode: bogus", "run", "-v", _host + ":/x:bogus", "busybox", "true");
        await RefusedWithNothingLeft("unexpected key 'colour' in 'colour=red'", "run", "--mount", $"type=bind,src={_host},dst=/x,colour=red", "busybox", "true");
    }

    [Fact]
    public async Task Bad_input_mount_to_a_missing_source()
    {
        var missing = Path.Combine(_host, "not-there");
        await RefusedWithNothingLeft($"invalid mount config for type \"bind\": bind source path does not exist: {missing}",
            "run", "--mount", $"type=bind,source={missing},target=/x", "busybox", "true");
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public async Task Bad_input_mount_target_root_or_inside_proc()
    {
        await RefusedWithNothingLeft("destination can't be '/'", "run", "-v", _host + ":/", "busybox", "true");
        await RefusedWithNothingLeft("'/proc/sys/x' cannot be mounted because it is inside /proc", "run", "-v", "vt-p:/proc/sys/x", "busybox", "true");
        await RefusedWithNothingLeft("cannot be mounted because it is inside /proc", "create", "--mount", "type=tmpfs,target=/proc", "busybox");
    }

    [Fact]
    public async Task Bad_input_duplicate_mount_points_and_unknown_drivers()
    {
        await RefusedWithNothingLeft("Duplicate mount point: /x", "run", "-v", "vt-d1:/x", "--mount", "type=volume,source=vt-d2,target=/x", "busybox", "true");
        await RefusedWithNothingLeft("Duplicate mount point: /run", "run", "-v", "vt-d3:/run", "--tmpfs", "/run", "busybox", "true");
        await RefusedWithNothingLeft("plugin \"nfs\" not found", "run", "--volume-driver", "nfs", "-v", "vt-d4:/x", "busybox", "true");
        await RefusedWithNothingLeft("plugin \"nfs\" not found", "volume", "create", "-d", "nfs", "vt-d5");
    }
}
