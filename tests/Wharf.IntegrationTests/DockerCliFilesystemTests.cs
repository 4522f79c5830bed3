using System.Text;
using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>`docker cp`, `diff`, `export`, `commit`, `update` and `container prune` through the real docker CLI.</summary>
public sealed class DockerCliFilesystemTests(DaemonFixture fx) : IClassFixture<DaemonFixture>, IDisposable
{
    private readonly string _local = Directory.CreateTempSubdirectory("wharf-cp-").FullName;

    private WharfDaemon D => fx.Daemon;

    public void Dispose() => Directory.Delete(_local, recursive: true);

    private async Task<ProcessResult> Ok(params string[] args)
    {
        var r = await D.DockerAsync(args);
        Assert.True(r.ExitCode == 0, $"docker {string.Join(' ', args)}: {r}");
        return r;
    }

    private async Task<string> Id(string name) => (await Ok("inspect", "-f", "{{.Id}}", name)).Stdout.Trim();

    /// <summary>Whether the daemon has the container's root mounted (in its own mount table).</summary>
    private bool RootfsMounted(string id) =>
        File.ReadLines($"/proc/{D.Pid}/mountinfo").Any(l => l.Contains($"/containers/{id}/rootfs", StringComparison.Ordinal));

    /// <summary>Events of the last minute up to a second from now (the CLI waits for that second to pass).</summary>
    private async Task<string> Events(string format, params string[] filters)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var args = new List<string> { "events", "--since", (now - 60).ToString(), "--until", (now + 1).ToString(), "--format", format };
        foreach (var f in filters) args.AddRange(["--filter", f]);
        return (await Ok([.. args])).Stdout;
    }

    private Task<ProcessResult> Shell(string script) => ProcessRunner.RunAsync("bash", ["-c", script], D.Env());

    [Fact]
    public async Task Cp_copies_files_directories_and_tar_streams_both_ways_with_a_running_container()
    {
        await Ok("run", "-d", "--name", "cp-run", "busybox", "sleep", "600");
        File.WriteAllText(Path.Combine(_local, "hello.txt"), "hello from the host\n");
        Directory.CreateDirectory(Path.Combine(_local, "dir/sub"));
        File.WriteAllText(Path.Combine(_local, "dir/sub/deep.txt"), "deep\n");

        await Ok("cp", Path.Combine(_local, "hello.txt"), "cp-run:/tmp/");
        await Ok("cp", Path.Combine(_local, "dir"), "cp-run:/srv");
        Assert.Equal("hello from the host\n", (await Ok("exec", "cp-run", "cat", "/tmp/hello.txt")).Stdout);
        Assert.Equal("deep\n", (await Ok("exec", "cp-run", "cat", "/srv/sub/deep.txt")).Stdout);

        await Ok("exec", "cp-run", "sh", "-c", "mkdir -p /data/x && echo made inside > /data/x/in.txt && chmod 640 /data/x/in.txt");
        var outDir = Path.Combine(_local, "out");
        await Ok("cp", "cp-run:/data", outDir);
        Assert.Equal("made inside\n", File.ReadAllText(Path.Combine(outDir, "x/in.txt")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(Path.Combine(outDir, "x/in.txt")));
        await Ok("cp", "cp-run:/data/x/.", Path.Combine(_local, "contents"));
        Assert.True(File.Exists(Path.Combine(_local, "contents/in.txt")));

        // `-` streams a tar: out to stdout, in from stdin.
        var listing = await Shell("docker cp cp-run:/data - | tar -t");
        Assert.Equal("data/\ndata/x/\ndata/x/in.txt\n", listing.Stdout);
        var fromStdin = await Shell($"tar -C {_local} -c hello.txt | docker cp - cp-run:/root");
        Assert.Equal(0, fromStdin.ExitCode);
        Assert.Equal("hello from the host\n", (await Ok("exec", "cp-run", "cat", "/root/hello.txt")).Stdout);

        // /etc/hosts of a running container is the one mounted into it, as with Docker.
        var hosts = await Shell("docker cp cp-run:/etc/hosts - | tar -xO");
        Assert.Contains("localhost", hosts.Stdout);
        await Ok("rm", "-f", "cp-run");
    }

    [Fact]
    public async Task Cp_works_on_created_and_exited_containers_and_leaves_nothing_mounted()
    {
        await Ok("create", "--name", "cp-created", "busybox", "cat", "/tmp/in.txt");
        var id = await Id("cp-created");
        File.WriteAllText(Path.Combine(_local, "in.txt"), "copied before the first start\n");
        await Ok("cp", Path.Combine(_local, "in.txt"), "cp-created:/tmp/in.txt");
        Assert.False(RootfsMounted(id));
        Assert.Equal("in.txt", (await Shell("docker cp cp-created:/tmp/in.txt - | tar -t")).Stdout.Trim());
        Assert.False(RootfsMounted(id));

        var run = await Ok("start", "-a", "cp-created");
        Assert.Equal("copied before the first start\n", run.Stdout);
        Assert.Equal("exited", (await Ok("inspect", "-f", "{{.State.Status}}", "cp-created")).Stdout.Trim());
        await Ok("cp", "cp-created:/tmp/in.txt", Path.Combine(_local, "back.txt"));
        Assert.Equal("copied before the first start\n", File.ReadAllText(Path.Combine(_local, "back.txt")));
        Assert.False(RootfsMounted(id));
        await Ok("rm", "cp-created");
    }

    [Fact]
    public async Task Cp_resolves_symlinks_inside_the_container_never_on_the_host()
    {
        await Ok("run", "-d", "--name", "cp-links", "busybox", "sleep", "600");
        await Ok("exec", "cp-links", "sh", "-c",
            "ln -s /etc/passwd /tmp/pw && ln -s ../../../../../../../etc/passwd /tmp/climb && ln -s /etc /tmp/etcdir");
        // Without -L the link itself is copied; with -L its target, the container's own passwd.
        Assert.Contains("pw -> /etc/passwd", (await Shell("docker cp cp-links:/tmp/pw - | tar -tv")).Stdout);
        var followed = await Shell("docker cp -L cp-links:/tmp/climb - | tar -xO");
        Assert.Equal("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n", followed.Stdout);
        // A destination that is a symlink to a directory receives the file in that directory.
        File.WriteAllText(Path.Combine(_local, "note"), "n\n");
        await Ok("cp", Path.Combine(_local, "note"), "cp-links:/tmp/etcdir");
        Assert.Equal("n\n", (await Ok("exec", "cp-links", "cat", "/etc/note")).Stdout);

        // An archive whose symlink points out of the destination cannot write through it.
        var marker = "wharf-escape-" + Guid.NewGuid().ToString("N");
        var evil = Path.Combine(_local, "evil.tar");
        await ProcessRunner.RunAsync("python3", ["-c", $$"""
            import tarfile, io
            t = tarfile.open('{{evil}}', 'w')
            i = tarfile.TarInfo('l'); i.type = tarfile.SYMTYPE; i.linkname = '/tmp'; t.addfile(i)
            d = b'pwned\n'; i = tarfile.TarInfo('l/{{marker}}'); i.size = len(d); t.addfile(i, io.BytesIO(d))
            t.close()
            """]);
        var r = await D.DockerAsync(["cp", "-", "cp-links:/root"], File.OpenRead(evil));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"refusing tar entry \"l/{marker}\"", r.Stderr);
        Assert.False(File.Exists("/tmp/" + marker));
        Assert.NotEqual(0, (await D.DockerAsync("exec", "cp-links", "test", "-e", "/tmp/" + marker)).ExitCode);
        await Ok("rm", "-f", "cp-links");
    }

    [Fact]
    public async Task Cp_errors_are_dockers()
    {
        await Ok("create", "--name", "cp-err", "busybox", "true");
        var missing = await D.DockerAsync("cp", "cp-err:/nonexistent", _local);
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal("Error response from daemon: Could not find the file /nonexistent in container cp-err", missing.Stderr.Trim());

        var throughFile = await D.DockerAsync("cp", "cp-err:/etc/passwd/x", _local);
        Assert.Equal(1, throughFile.ExitCode);
        Assert.Contains("lstat /etc/passwd/x: not a directory", throughFile.Stderr);

        File.WriteAllText(Path.Combine(_local, "f"), "f");
        var noParent = await D.DockerAsync("cp", Path.Combine(_local, "f"), "cp-err:/no/such/dir/f");
        Assert.Equal(1, noParent.ExitCode);
        Assert.Contains("Could not find the file /no/such/dir in container cp-err", noParent.Stderr);

        // The CLI asks for noOverwriteDirNonDir: a file may not replace a directory.
        Directory.CreateDirectory(Path.Combine(_local, "tmpdir"));
        File.WriteAllText(Path.Combine(_local, "tmpdir", "bin"), "not a dir");
        var overDir = await D.DockerAsync("cp", Path.Combine(_local, "tmpdir", "bin"), "cp-err:/");
        Assert.Equal(1, overDir.ExitCode);
        Assert.Contains("cannot overwrite directory \"bin\" with non-directory \"/\"", overDir.Stderr);

        var garbage = await D.DockerAsync(["cp", "-", "cp-err:/tmp"], new MemoryStream("this is not a tar archive"u8.ToArray()));
        Assert.Equal(1, garbage.ExitCode);
        Assert.Contains("Error response from daemon: extracting the archive into /tmp", garbage.Stderr);

        var noContainer = await D.DockerAsync("cp", "nosuchcontainer:/etc/passwd", _local);
        Assert.Equal(1, noContainer.ExitCode);
        Assert.Contains("No such container: nosuchcontainer", noContainer.Stderr);

        using var http = D.CreateHttpClient();
        var noPath = await http.GetAsync("/containers/cp-err/archive");
        Assert.Equal(400, (int)noPath.StatusCode);
        Assert.Contains("bad parameter: path cannot be empty", await noPath.Content.ReadAsStringAsync());
        var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/containers/cp-err/archive?path=/etc/passwd"));
        var stat = Encoding.UTF8.GetString(Convert.FromBase64String(head.Headers.GetValues("X-Docker-Container-Path-Stat").Single()));
        Assert.Matches("""^\{"name":"passwd","size":\d+,"mode":420,"mtime":"[^"]+","linkTarget":""\}$""", stat);
        var ontoFile = await http.PutAsync("/containers/cp-err/archive?path=/etc/passwd", new ByteArrayContent(new byte[1024]));
        Assert.Equal(400, (int)ontoFile.StatusCode);
        Assert.Contains("extraction point is not a directory", await ontoFile.Content.ReadAsStringAsync());

        await Ok("create", "--read-only", "--name", "cp-ro", "busybox", "true");
        var readOnly = await D.DockerAsync("cp", Path.Combine(_local, "f"), "cp-ro:/tmp/f");
        Assert.Equal(1, readOnly.ExitCode);
        Assert.Contains("container rootfs is marked read-only", readOnly.Stderr);
        await Ok("rm", "cp-err", "cp-ro");
    }

    [Fact]
    public async Task Diff_lists_added_changed_and_deleted_paths_without_the_mounted_files()
    {
        await Ok("run", "-d", "--name", "diff1", "busybox", "sleep", "600");
        await Ok("exec", "diff1", "sh", "-c", "echo x >> /etc/passwd && rm /etc/group && mkdir -p /srv/new && touch /srv/new/f && rm -rf /var/www");
        var diff = (await Ok("diff", "diff1")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["C /etc", "D /etc/group", "C /etc/passwd", "A /srv", "A /srv/new", "A /srv/new/f", "C /var", "D /var/www"], diff);
        Assert.Equal("", (await Ok("diff", (await Ok("create", "busybox", "true")).Stdout.Trim())).Stdout);
        var none = await D.DockerAsync("diff", "nosuchcontainer");
        Assert.Equal(1, none.ExitCode);
        Assert.Contains("No such container: nosuchcontainer", none.Stderr);
        await Ok("rm", "-f", "diff1");
    }

    [Fact]
    public async Task Export_streams_the_whole_filesystem_as_a_tar()
    {
        await Ok("create", "--name", "exp1", "busybox", "true");
        var listing = await Shell("docker export exp1 | tar -t");
        Assert.Equal(0, listing.ExitCode);
        var names = listing.Stdout.Split('\n');
        Assert.Contains("bin/busybox", names);
        Assert.Contains("etc/passwd", names);
        Assert.False(RootfsMounted(await Id("exp1")));
        var none = await D.DockerAsync("export", "nosuchcontainer");
        Assert.Equal(1, none.ExitCode);
        Assert.Contains("No such container: nosuchcontainer", none.Stderr);
        await Ok("rm", "exp1");
    }

    [Fact]
    public async Task Commit_of_a_running_container_makes_an_image_with_its_files_and_changes()
    {
        await Ok("run", "-d", "--name", "commit1", "busybox", "sh", "-c", "echo committed > /made.txt; sleep 600");
        for (var deadline = DateTime.UtcNow.AddSeconds(15); DateTime.UtcNow < deadline; await Task.Delay(100))
            if ((await D.DockerAsync("exec", "commit1", "test", "-s", "/made.txt")).ExitCode == 0) break;
        var commit = await Ok("commit", "-m", "my message", "-a", "Ann Author <ann@example.com>", "-c", "CMD [\"echo\",\"hi\"]", "commit1", "img:2");
        Assert.StartsWith("sha256:", commit.Stdout.Trim());
        Assert.Equal("running false", (await Ok("inspect", "-f", "{{.State.Status}} {{.State.Paused}}", "commit1")).Stdout.Trim());

        Assert.Equal("hi\n", (await Ok("run", "--rm", "img:2")).Stdout);
        Assert.Equal("committed\n", (await Ok("run", "--rm", "img:2", "cat", "/made.txt")).Stdout);
        var history = (await Ok("history", "--no-trunc", "--format", "{{.Comment}}|{{.CreatedBy}}", "img:2")).Stdout;
        Assert.StartsWith("my message|sh -c echo committed > /made.txt; sleep 600\n", history);
        Assert.Equal("Ann Author <ann@example.com>", (await Ok("image", "inspect", "-f", "{{.Author}}", "img:2")).Stdout.Trim());
        Assert.Contains("img:2 my message", await Events("{{.Actor.Attributes.imageRef}} {{.Actor.Attributes.comment}}", "event=commit"));
        await Ok("rm", "-f", "commit1");
    }

    [Fact]
    public async Task Commit_without_pause_and_of_an_unchanged_container()
    {
        await Ok("run", "-d", "--name", "commit-nopause", "busybox", "sh", "-c", "echo live > /live.txt; sleep 600");
        for (var deadline = DateTime.UtcNow.AddSeconds(15); DateTime.UtcNow < deadline; await Task.Delay(100))
            if ((await D.DockerAsync("exec", "commit-nopause", "test", "-s", "/live.txt")).ExitCode == 0) break;
        await Ok("commit", "--pause=false", "commit-nopause", "img:nopause");
        Assert.Equal("live\n", (await Ok("run", "--rm", "img:nopause", "cat", "/live.txt")).Stdout);
        Assert.DoesNotContain("pause", await Events("{{.Action}}", "container=commit-nopause", "event=pause"));

        // Nothing changed: no layer is added, the history says so, as with Docker.
        await Ok("create", "--name", "commit-same", "busybox", "true");
        await Ok("commit", "commit-same", "img:same");
        Assert.Equal((await Ok("image", "inspect", "-f", "{{len .RootFS.Layers}}", "busybox")).Stdout,
            (await Ok("image", "inspect", "-f", "{{len .RootFS.Layers}}", "img:same")).Stdout);
        Assert.StartsWith("0B\n", (await Ok("history", "--format", "{{.Size}}", "img:same")).Stdout);
        await Ok("rm", "-f", "commit-nopause", "commit-same");
    }

    [Fact]
    public async Task Commit_refuses_bad_input_and_leaves_no_image_and_no_paused_container()
    {
        await Ok("run", "-d", "--name", "commit-bad", "busybox", "sleep", "600");
        var before = (await Ok("images", "-q", "--no-trunc")).Stdout;
        var badChange = await D.DockerAsync("commit", "-c", "RUN echo no", "commit-bad", "bad:1");
        Assert.Equal(1, badChange.ExitCode);
        Assert.Contains("RUN is not a valid change command", badChange.Stderr);
        var badJson = await D.DockerAsync("commit", "-c", "CMD [\"unterminated", "commit-bad");
        Assert.Equal(0, badJson.ExitCode); // a broken JSON form is a shell-form command, as in Docker
        var none = await D.DockerAsync("commit", "nosuchcontainer", "bad:2");
        Assert.Equal(1, none.ExitCode);
        Assert.Contains("No such container: nosuchcontainer", none.Stderr);
        using var http = D.CreateHttpClient();
        var badRepo = await http.PostAsync("/commit?container=commit-bad&repo=Bad%20Repo", null);
        Assert.Equal(400, (int)badRepo.StatusCode);
        Assert.Contains("invalid reference format", await badRepo.Content.ReadAsStringAsync());
        var badTag = await http.PostAsync("/commit?container=commit-bad&repo=good&tag=no%20spaces", null);
        Assert.Equal(400, (int)badTag.StatusCode);
        Assert.Contains("invalid tag format", await badTag.Content.ReadAsStringAsync());
        var badBody = await http.PostAsync("/commit?container=commit-bad", new StringContent("{\"Cmd\": 5", Encoding.UTF8, "application/json"));
        Assert.Equal(400, (int)badBody.StatusCode);
        var after = (await Ok("images", "-q", "--no-trunc")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(before.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length + 1, after.Length); // only the good CMD commit
        Assert.Equal("false", (await Ok("inspect", "-f", "{{.State.Paused}}", "commit-bad")).Stdout.Trim());
        await Ok("rm", "-f", "commit-bad");
    }

    /// <summary>A cgroup control file of a running container, found from its PID (v1 hierarchy or v2).</summary>
    private async Task<string> CgroupFile(string name, string controller, string v1File, string v2File)
    {
        var pid = (await Ok("inspect", "-f", "{{.State.Pid}}", name)).Stdout.Trim();
        foreach (var line in File.ReadAllLines($"/proc/{pid}/cgroup"))
        {
            var parts = line.Split(':', 3);
            if (parts[1].Split(',').Contains(controller)) return File.ReadAllText($"/sys/fs/cgroup/{parts[1]}{parts[2]}/{v1File}").Trim();
            if (parts[0] == "0" && parts[1] == "" && File.Exists($"/sys/fs/cgroup{parts[2]}/{v2File}"))
                return File.ReadAllText($"/sys/fs/cgroup{parts[2]}/{v2File}").Trim();
        }
        throw new InvalidOperationException($"no {controller} cgroup for {name}");
    }

    [Fact]
    public async Task Update_changes_limits_of_a_running_container_and_its_saved_config()
    {
        await Ok("run", "-d", "--name", "upd1", "--memory", "32m", "busybox", "sleep", "600");
        await Ok("update", "--memory", "64m", "--memory-swap", "128m", "--cpus", "0.5", "--restart", "on-failure:3", "upd1");
        Assert.Equal("67108864 134217728 500000000 on-failure 3",
            (await Ok("inspect", "-f", "{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.NanoCpus}} {{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}", "upd1")).Stdout.Trim());
        Assert.Equal("67108864", await CgroupFile("upd1", "memory", "memory.limit_in_bytes", "memory.max"));
        var cpu = await CgroupFile("upd1", "cpu", "cpu.cfs_quota_us", "cpu.max");
        Assert.True(cpu is "50000" or "50000 100000", cpu);
        Assert.Equal("update", (await Events("{{.Action}}", "container=upd1", "event=update")).Trim());

        // A stopped container keeps the new values for its next start.
        await Ok("create", "--name", "upd-stopped", "busybox", "sleep", "600");
        await Ok("update", "--pids-limit", "50", "--cpu-shares", "512", "upd-stopped");
        await Ok("start", "upd-stopped");
        Assert.Equal("50", await CgroupFile("upd-stopped", "pids", "pids.max", "pids.max"));
        await Ok("rm", "-f", "upd1", "upd-stopped");
    }

    [Fact]
    public async Task Update_refuses_what_docker_refuses_and_changes_nothing()
    {
        await Ok("run", "-d", "--rm", "--name", "upd-rm", "busybox", "sleep", "600");
        var id = await Id("upd-rm");
        var rmRestart = await D.DockerAsync("update", "--restart", "always", "upd-rm");
        Assert.Equal(1, rmRestart.ExitCode);
        Assert.Equal($"Error response from daemon: Cannot update container {id}: Restart policy cannot be updated because AutoRemove is enabled for the container",
            rmRestart.Stderr.Trim());
        Assert.Equal("no", (await Ok("inspect", "-f", "{{.HostConfig.RestartPolicy.Name}}", "upd-rm")).Stdout.Trim());

        var swapFirst = await D.DockerAsync("update", "--memory", "64m", "upd-rm");
        Assert.Contains("Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time", swapFirst.Stderr);
        var reservation = await D.DockerAsync("update", "--memory", "16m", "--memory-swap", "32m", "--memory-reservation", "20m", "upd-rm");
        Assert.Contains("Minimum memory limit can not be less than memory reservation limit, see usage", reservation.Stderr);
        var tiny = await D.DockerAsync("update", "--memory", "1m", "--memory-swap", "2m", "upd-rm");
        Assert.Contains("Minimum memory limit allowed is 6MB", tiny.Stderr);
        await Ok("update", "--cpus", "0.5", "upd-rm");
        var period = await D.DockerAsync("update", "--cpu-period", "50000", "upd-rm");
        Assert.Contains("Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set", period.Stderr);
        Assert.Equal("0 0 500000000 0", (await Ok("inspect", "-f", "{{.HostConfig.Memory}} {{.HostConfig.MemoryReservation}} {{.HostConfig.NanoCpus}} {{.HostConfig.CpuPeriod}}", "upd-rm")).Stdout.Trim());
        var none = await D.DockerAsync("update", "--memory", "64m", "nosuchcontainer");
        Assert.Contains("No such container: nosuchcontainer", none.Stderr);
        var badPolicy = await D.DockerAsync("update", "--restart", "sometimes", "upd-rm");
        Assert.Equal(1, badPolicy.ExitCode);
        Assert.Contains("invalid restart policy", badPolicy.Stderr);
        using var http = D.CreateHttpClient();
        var badJson = await http.PostAsync("/containers/upd-rm/update", new StringContent("{\"Memory\": \"lots\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(400, (int)badJson.StatusCode);
        Assert.Contains("invalid JSON body", await badJson.Content.ReadAsStringAsync());
        await Ok("rm", "-f", "upd-rm");
    }

    [Fact]
    public async Task Container_prune_removes_stopped_containers_matching_the_filters()
    {
        await Ok("create", "--name", "prune-keep", "--label", "keep=yes", "busybox", "true");
        await Ok("create", "--name", "prune-created", "busybox", "true");
        await Ok("run", "--name", "prune-exited", "busybox", "sh", "-c", "head -c 100000 /dev/zero > /blob");
        await Ok("run", "-d", "--name", "prune-running", "busybox", "sleep", "600");
        var exitedId = await Id("prune-exited");

        var pruned = await Ok("container", "prune", "-f", "--filter", "label!=keep=yes");
        Assert.Contains(exitedId, pruned.Stdout);
        Assert.Contains("Total reclaimed space: 100kB", pruned.Stdout);
        var left = (await Ok("ps", "-a", "--format", "{{.Names}}")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("prune-keep", left);
        Assert.Contains("prune-running", left);
        Assert.DoesNotContain("prune-created", left);
        Assert.DoesNotContain("prune-exited", left);

        var badFilter = await D.DockerAsync("container", "prune", "-f", "--filter", "color=red");
        Assert.Equal(1, badFilter.ExitCode);
        Assert.Contains("invalid filter 'color'", badFilter.Stderr);
        var badUntil = await D.DockerAsync("container", "prune", "-f", "--filter", "until=yesterday");
        Assert.Contains("invalid filter 'until=yesterday'", badUntil.Stderr);
        await Ok("rm", "-f", "prune-keep", "prune-running");
    }
}
