using System.Formats.Tar;
using System.Text;
using System.Text.Json;

namespace Wharf.Cli.Tests.Containers;

/// <summary>The other container commands: the requests their flags make and docker's output.</summary>
public class ContainerCommandTests
{
    const string Id = Routes.Id;

    const string PsJson = "[{\"Id\":\"" + Id + "\",\"Names\":[\"/web\"],\"Image\":\"busybox\",\"ImageID\":\"sha256:cc95\"," +
                          "\"Command\":\"sleep 1000\",\"Created\":1795373700,\"Ports\":[],\"Labels\":{},\"State\":\"running\"," +
                          "\"Status\":\"Up 5 minutes\",\"HostConfig\":{\"NetworkMode\":\"default\"},\"NetworkSettings\":{\"Networks\":{}},\"Mounts\":[]}]";

    [Fact]
    public async Task Ps_maps_its_flags_to_the_query()
    {
        await using var d = new Routes().On("GET", "/containers/json", FakeResponse.Json(PsJson)).Start();
        var r = await TestCli.RunAsync(d, "ps", "-a", "-n", "3", "-s", "--filter", "status=running", "--filter", "label=a=b");
        Assert.Equal(0, r.Code);
        var q = d.Requests.Last();
        Assert.Equal("all=1 limit=3 size=1", Query(q, "all", "limit", "size"));
        Assert.Equal(["{\"label\":{\"a=b\":true},\"status\":{\"running\":true}}"], q.QueryValues("filters"));
        Assert.Equal("CONTAINER ID   IMAGE     COMMAND        CREATED         STATUS         PORTS     NAMES     SIZE\n" +
                     "4f5157b094dc   busybox   \"sleep 1000\"   5 minutes ago   Up 5 minutes             web       0B\n", r.Out);
        await TestCli.RunAsync(d, "ps", "-l");
        Assert.Equal(["1"], d.Requests.Last().QueryValues("limit"));
        await TestCli.RunAsync(d, "container", "ls", "--format", "{{.Size}}");
        Assert.Equal(["1"], d.Requests.Last().QueryValues("size"));
        var warn = await TestCli.RunAsync(d, "ps", "-q", "--format", "{{.Names}}");
        Assert.Equal(Id[..12] + "\n", warn.Out);
        Assert.Equal("WARNING: Ignoring custom format, because both --format and --quiet are set.\n", warn.Err);
        var bad = await TestCli.RunAsync(d, "ps", "--format", "{{.Names");
        Assert.Equal(1, bad.Code);
        Assert.StartsWith("failed to parse template: template: :1: ", bad.Err);
        var args = await TestCli.RunAsync(d, "ps", "extra");
        Assert.Equal(1, args.Code);
        Assert.StartsWith("wharf: 'wharf ps' accepts no arguments", args.Err);
    }

    [Fact]
    public async Task Lifecycle_flags_reach_the_query()
    {
        await using var d = new Routes()
            .On("POST", "/containers/", new FakeResponse(204))
            .On("DELETE", "/containers/", new FakeResponse(204))
            .On("POST", "/containers/gone/", FakeResponse.Error(404, "No such container: gone"))
            .On("DELETE", "/containers/gone", FakeResponse.Error(404, "No such container: gone")).Start();
        var stop = await TestCli.RunAsync(d, "stop", "-t", "5", "-s", "SIGINT", "web", "db");
        Assert.Equal("web\ndb\n", stop.Out);
        var q = d.Requests.First(x => x.Path.EndsWith("/web/stop"));
        Assert.Equal("signal=SIGINT t=5", Query(q, "signal", "t"));
        Assert.Equal(["5"], d.Requests.First(x => x.Path.EndsWith("/db/stop")).QueryValues("t"));
        await TestCli.RunAsync(d, "stop", "web");
        Assert.Empty(d.Requests.Last().QueryValues("t"));
        await TestCli.RunAsync(d, "kill", "-s", "HUP", "web");
        Assert.Equal(["HUP"], d.Requests.Last().QueryValues("signal"));
        await TestCli.RunAsync(d, "restart", "--time", "2", "web");
        Assert.Equal(["2"], d.Requests.Last().QueryValues("t"));
        await TestCli.RunAsync(d, "rm", "-fv", "web");
        Assert.Equal("force=1 v=1", Query(d.Requests.Last(), "force", "v"));
        await TestCli.RunAsync(d, "pause", "web");
        Assert.EndsWith("/web/pause", d.Requests.Last().Path);
        await TestCli.RunAsync(d, "unpause", "web");
        Assert.EndsWith("/web/unpause", d.Requests.Last().Path);
        await TestCli.RunAsync(d, "rename", "web", "web2");
        Assert.Equal(["web2"], d.Requests.Last().QueryValues("name"));

        var missing = await TestCli.RunAsync(d, "stop", "gone", "web");
        Assert.Equal(1, missing.Code);
        Assert.Equal("web\n", missing.Out);
        Assert.Equal("Error response from daemon: No such container: gone\n", missing.Err);
        var forced = await TestCli.RunAsync(d, "rm", "-f", "gone");
        Assert.Equal(0, forced.Code);
        Assert.Equal("Error response from daemon: No such container: gone\n", forced.Err);
        var rename = await TestCli.RunAsync(d, "rename", "gone", "x");
        Assert.Equal("Error response from daemon: No such container: gone\nError: failed to rename container named gone\n", rename.Err);
        var start = await TestCli.RunAsync(d, "start", "gone", "web");
        Assert.Equal("web\n", start.Out);
        Assert.Equal("Error response from daemon: No such container: gone\nError: failed to start containers: gone\n", start.Err);
        var both = await TestCli.RunAsync(d, "stop", "--time", "1", "-t", "2", "web");
        Assert.Equal("conflicting options: cannot specify both --timeout and --time\n", both.Err);
    }

    [Fact]
    public async Task Wait_prints_each_status()
    {
        await using var d = new Routes()
            .On("POST", "/containers/a/wait", FakeResponse.Json("{\"StatusCode\":0}"))
            .On("POST", "/containers/b/wait", FakeResponse.Json("{\"StatusCode\":137}"))
            .On("POST", "/containers/c/wait", FakeResponse.Error(404, "No such container: c")).Start();
        var r = await TestCli.RunAsync(d, "wait", "a", "b", "c");
        Assert.Equal(1, r.Code);
        Assert.Equal("0\n137\n", r.Out);
        Assert.Equal("Error response from daemon: No such container: c\n", r.Err);
    }

    [Fact]
    public async Task Logs_maps_flags_and_splits_streams()
    {
        var body = Routes.Frame(1, "out\n").Concat(Routes.Frame(2, "err\n")).ToArray();
        await using var d = Routes.Container()
            .On("GET", $"/containers/{Id}/logs", new FakeResponse(200, ContentType: "application/vnd.docker.multiplexed-stream") { BodyBytes = body })
            .Start();
        var r = await TestCli.RunAsync(d, "logs", "-t", "--tail", "10", "--since", "1700000000", "--until", "2023-11-14T22:13:20Z", "--details", Id);
        Assert.Equal(0, r.Code);
        Assert.Equal("out\n", r.Out);
        Assert.Equal("err\n", r.Err);
        var q = d.Requests.Last();
        Assert.Equal("stdout=1 stderr=1 timestamps=1 tail=10 details=1", Query(q, "stdout", "stderr", "timestamps", "tail", "details"));
        Assert.Equal(["1700000000"], q.QueryValues("since"));
        Assert.Equal(["1700000000.000000000"], q.QueryValues("until"));
        await TestCli.RunAsync(d, "logs", "-f", Id);
        Assert.Equal("follow=1 tail=all", Query(d.Requests.Last(), "follow", "tail"));
    }

    [Fact]
    public async Task Top_and_port()
    {
        await using var d = new Routes()
            .On("GET", "/containers/web/top", FakeResponse.Json("{\"Titles\":[\"PID\",\"CMD\"],\"Processes\":[[\"1\",\"sleep 100\"]]}"))
            .On("GET", "/containers/web/json", FakeResponse.Json(
                "{\"Id\":\"x\",\"NetworkSettings\":{\"Ports\":{\"80/tcp\":[{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"8080\"},{\"HostIp\":\"::\",\"HostPort\":\"8080\"}],\"53/udp\":null}}}"))
            .Start();
        var top = await TestCli.RunAsync(d, "top", "web", "-o", "pid,args");
        Assert.Equal("PID                 CMD\n1                   sleep 100\n", top.Out);
        Assert.Equal(["-o pid,args"], d.Requests.Last().QueryValues("ps_args"));
        var all = await TestCli.RunAsync(d, "port", "web");
        Assert.Equal("80/tcp -> 0.0.0.0:8080\n80/tcp -> [::]:8080\n", all.Out);
        var one = await TestCli.RunAsync(d, "port", "web", "80/tcp");
        Assert.Equal("0.0.0.0:8080\n[::]:8080\n", one.Out);
        var none = await TestCli.RunAsync(d, "port", "web", "53/udp");
        Assert.Equal("Error: No public port '53/udp' published for web\n", none.Err);
        var bad = await TestCli.RunAsync(d, "port", "web", "x");
        Assert.Equal("Error: invalid port (x): strconv.ParseUint: parsing \"x\": invalid syntax\n", bad.Err);
    }

    [Fact]
    public async Task Stats_without_streaming()
    {
        const string frame = "{\"read\":\"2024-01-01T00:00:00Z\",\"name\":\"/web\",\"id\":\"" + Id + "\",\"pids_stats\":{\"current\":2}," +
                             "\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":0}},\"precpu_stats\":{\"cpu_usage\":{\"total_usage\":0}}," +
                             "\"memory_stats\":{\"usage\":1048576,\"limit\":2147483648},\"blkio_stats\":{}}";
        await using var d = new Routes()
            .On("GET", "/containers/web/stats", FakeResponse.Json(frame + "\n"))
            .On("GET", "/containers/gone/stats", FakeResponse.Error(404, "No such container: gone")).Start();
        var r = await TestCli.RunAsync(d, "stats", "--no-stream", "web");
        Assert.Equal(0, r.Code);
        Assert.Equal("CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT   MEM %     NET I/O   BLOCK I/O   PIDS\n" +
                     "4f5157b094dc   web       0.00%     1MiB / 2GiB         0.05%     0B / 0B   0B / 0B     2\n", r.Out);
        Assert.Equal(["0"], d.Requests.Last().QueryValues("stream"));
        var f = await TestCli.RunAsync(d, "stats", "--no-stream", "--no-trunc", "--format", "{{.Container}} {{.ID}} {{.PIDs}}", "web");
        Assert.Equal($"web {Id} 2\n", f.Out);
        var gone = await TestCli.RunAsync(d, "stats", "--no-stream", "gone");
        Assert.Equal(1, gone.Code);
        Assert.Equal("Error response from daemon: No such container: gone\n", gone.Err);
    }

    [Fact]
    public async Task Update_sends_only_what_was_given()
    {
        await using var d = new Routes()
            .On("POST", "/containers/web/update", FakeResponse.Json("{\"Warnings\":[\"no swap\"]}")).Start();
        var r = await TestCli.RunAsync(d, "update", "-m", "256m", "--cpus", "0.5", "--pids-limit", "50", "--restart", "on-failure:2", "web");
        Assert.Equal(0, r.Code);
        Assert.Equal("web\nno swap\n", r.Out);
        using var body = JsonDocument.Parse(d.Requests.Last().Body);
        Assert.Equal("{\"Memory\":268435456,\"NanoCpus\":500000000,\"PidsLimit\":50,\"RestartPolicy\":{\"Name\":\"on-failure\",\"MaximumRetryCount\":2}}",
            body.RootElement.GetRawText());
        var none = await TestCli.RunAsync(d, "update", "web");
        Assert.Equal(1, none.Code);
        Assert.Equal("you must provide one or more flags when using this command\n", none.Err);
        var bad = await TestCli.RunAsync(d, "update", "--memory-swap", "x", "web");
        Assert.Equal(125, bad.Code);
    }

    [Fact]
    public async Task Prune_asks_sends_filters_and_reports()
    {
        await using var d = new Routes()
            .On("POST", "/containers/prune", FakeResponse.Json("{\"ContainersDeleted\":[\"a1\",\"b2\"],\"SpaceReclaimed\":2048}")).Start();
        var no = await TestCli.RunAsync(d, ["container", "prune"], new MemoryStream("n\n"u8.ToArray()));
        Assert.Equal(0, no.Code);
        Assert.Equal("WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ", no.Out);
        Assert.DoesNotContain(d.Requests, q => q.Path.EndsWith("/prune"));
        var r = await TestCli.RunAsync(d, "container", "prune", "-f", "--filter", "until=24h", "--filter", "label=x");
        Assert.Equal("Deleted Containers:\na1\nb2\n\nTotal reclaimed space: 2.048kB\n", r.Out);
        Assert.Equal(["{\"label\":{\"x\":true},\"until\":{\"24h\":true}}"], d.Requests.Last().QueryValues("filters"));
    }

    [Fact]
    public async Task Commit_maps_reference_and_flags()
    {
        await using var d = new Routes().On("POST", "/commit", FakeResponse.Json("{\"Id\":\"sha256:abc\"}", 201)).Start();
        var r = await TestCli.RunAsync(d, "commit", "-m", "msg", "-a", "me", "-c", "ENV A=1", "-c", "CMD [\"sh\"]", "--pause=false", "web", "repo/app");
        Assert.Equal(0, r.Code);
        Assert.Equal("sha256:abc\n", r.Out);
        var q = d.Requests.Last();
        Assert.Equal("container=web repo=repo/app tag=latest comment=msg author=me pause=0", Query(q, "container", "repo", "tag", "comment", "author", "pause"));
        Assert.Equal(["ENV A=1", "CMD [\"sh\"]"], q.QueryValues("changes"));
        await TestCli.RunAsync(d, "commit", "web", "docker.io/library/app:v2");
        Assert.Equal("repo=app tag=v2 pause=", Query(d.Requests.Last(), "repo", "tag", "pause"));
        var digest = await TestCli.RunAsync(d, "commit", "web", "app@sha256:" + new string('a', 64));
        Assert.Equal("refusing to create a tag with a digest reference\n", digest.Err);
    }

    [Fact]
    public async Task Diff_prints_kinds()
    {
        await using var d = new Routes().On("GET", "/containers/web/changes",
            FakeResponse.Json("[{\"Path\":\"/etc\",\"Kind\":0},{\"Path\":\"/etc/x\",\"Kind\":1},{\"Path\":\"/tmp/y\",\"Kind\":2}]")).Start();
        var r = await TestCli.RunAsync(d, "diff", "web");
        Assert.Equal("C /etc\nA /etc/x\nD /tmp/y\n", r.Out);
    }

    [Fact]
    public async Task Export_writes_a_private_file_or_refuses_a_terminal()
    {
        await using var d = new Routes().On("GET", "/containers/web/export",
            new FakeResponse(200, ContentType: "application/octet-stream") { BodyBytes = [1, 2, 3, 4] }).Start();
        var file = Path.Combine(Path.GetTempPath(), "wharf-export-" + Guid.NewGuid().ToString("N") + ".tar");
        try
        {
            var r = await TestCli.RunAsync(d, "export", "-o", file, "web");
            Assert.Equal(0, r.Code);
            Assert.Equal([1, 2, 3, 4], File.ReadAllBytes(file));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
        finally
        {
            File.Delete(file);
        }
        var tty = await TestCli.RunAsync(d, ["export", "web"], null, outIsTerminal: true);
        Assert.Equal("cowardly refusing to save to a terminal. Use the -o flag or redirect\n", tty.Err);
    }

    static string StatHeader(string name, long size, uint mode, string link = "") =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{{\"name\":\"{name}\",\"size\":{size},\"mode\":{mode},\"mtime\":\"2024-01-01T00:00:00Z\",\"linkTarget\":\"{link}\"}}"));

    [Fact]
    public async Task Cp_from_a_container_renames_into_the_destination()
    {
        var tar = new MemoryStream();
        await using (var w = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            var e = new PaxTarEntry(TarEntryType.RegularFile, "hostname") { DataStream = new MemoryStream("box\n"u8.ToArray()) };
            e.Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            await w.WriteEntryAsync(e);
        }
        await using var d = new Routes().On("GET", "/containers/web/archive", new FakeResponse(200, ContentType: "application/x-tar",
            Headers: new() { ["X-Docker-Container-Path-Stat"] = StatHeader("hostname", 4, 0x1a4) }) { BodyBytes = tar.ToArray() }).Start();
        var dir = Directory.CreateTempSubdirectory("wharf-cp-").FullName;
        try
        {
            var r = await TestCli.RunAsync(d, "cp", "web:/etc/hostname", Path.Combine(dir, "copy.txt"));
            Assert.True(r.Code == 0, r.Err);
            Assert.Equal("box\n", File.ReadAllText(Path.Combine(dir, "copy.txt")));
            Assert.Equal(["/etc/hostname"], d.Requests.Last().QueryValues("path"));
            var intoDir = await TestCli.RunAsync(d, "cp", "web:/etc/hostname", dir);
            Assert.Equal(0, intoDir.Code);
            Assert.Equal("box\n", File.ReadAllText(Path.Combine(dir, "hostname")));
            var missingDir = await TestCli.RunAsync(d, "cp", "web:/etc/hostname", Path.Combine(dir, "no", "such", "x"));
            Assert.Equal(1, missingDir.Code);
            Assert.Equal($"invalid output path: directory \"{Path.Combine(dir, "no", "such")}\" does not exist\n", missingDir.Err);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task Cp_to_a_container_sends_a_tar_named_for_the_destination()
    {
        const uint dirMode = 0x80000000 | 0x1ed;
        await using var d = new Routes()
            .On("HEAD", "/containers/web/archive", req => req.QueryValues("path")[0] == "/srv"
                ? new FakeResponse(200, Headers: new() { ["X-Docker-Container-Path-Stat"] = StatHeader("srv", 4096, dirMode) })
                : new FakeResponse(404))
            .On("PUT", "/containers/web/archive", new FakeResponse(200)).Start();
        var dir = Directory.CreateTempSubdirectory("wharf-cp-").FullName;
        try
        {
            var src = Path.Combine(dir, "app.conf");
            File.WriteAllText(src, "key=value\n");
            var r = await TestCli.RunAsync(d, "cp", "-a", src, "web:/srv");
            Assert.True(r.Code == 0, r.Err);
            var put = d.Requests.Last();
            Assert.Equal("path=/srv copyUIDGID=true", Query(put, "path", "copyUIDGID"));
            Assert.Equal(["app.conf"], TarNames(put.Body));
            var renamed = await TestCli.RunAsync(d, "cp", src, "web:/srv/new.conf");
            Assert.Equal(0, renamed.Code);
            Assert.Equal(["/srv"], d.Requests.Last().QueryValues("path"));
            Assert.Equal(["new.conf"], TarNames(d.Requests.Last().Body));
            var notDir = await TestCli.RunAsync(d, ["cp", "-", "web:/srv/file"], new MemoryStream());
            Assert.Equal("destination \"web:/srv/file\" must be a directory\n", notDir.Err);
            var across = await TestCli.RunAsync(d, "cp", "a:/x", "b:/y");
            Assert.Equal("copying between containers is not supported\n", across.Err);
            var none = await TestCli.RunAsync(d, "cp", "/x", "/y");
            Assert.Equal("must specify at least one container source\n", none.Err);
            var missing = await TestCli.RunAsync(d, "cp", Path.Combine(dir, "nope"), "web:/srv");
            Assert.Equal($"lstat {Path.Combine(dir, "nope")}: no such file or directory\n", missing.Err);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>"k=v k2=v2" for the named query parameters (empty value when absent).</summary>
    static string Query(FakeRequest q, params string[] keys) => string.Join(' ', keys.Select(k => k + "=" + string.Join(',', q.QueryValues(k))));

    static List<string> TarNames(byte[] tar)
    {
        var names = new List<string>();
        using var reader = new TarReader(new MemoryStream(tar));
        while (reader.GetNextEntry() is { } e) names.Add(e.Name);
        return names;
    }
}
