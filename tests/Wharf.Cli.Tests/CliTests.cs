using System.Text;
using Wharf.Cli.Output;

namespace Wharf.Cli.Tests;

public class CliTests
{
    sealed record Result(int Code, string Out, string Err);

    static async Task<Result> Run(FakeDaemon? d, params string[] args) => await RunWith(d, null, false, args);

    static async Task<Result> RunWith(FakeDaemon? d, Stream? stdin, bool stdinTerminal, params string[] args)
    {
        var o = new StringWriter { NewLine = "\n" };
        var e = new StringWriter { NewLine = "\n" };
        var console = CliConsole.ForTest(o, e, stdin, inIsTerminal: stdinTerminal);
        var app = new CliApp(console) { Now = () => DateTimeOffset.FromUnixTimeSeconds(1_795_374_000) };
        var full = d is null ? args : new[] { "-H", d.Host }.Concat(args).ToArray();
        var code = await app.RunAsync(full);
        return new Result(code, o.ToString(), e.ToString());
    }

    [Fact]
    public async Task UnknownFlag()
    {
        var r = await Run(null, "images", "--foo");
        Assert.Equal(125, r.Code);
        Assert.Equal("unknown flag: --foo\n\nUsage:  wharf images [OPTIONS] [REPOSITORY[:TAG]]\n\nRun 'wharf images --help' for more information\n", r.Err);
    }

    [Fact]
    public async Task TooFewArguments()
    {
        var r = await Run(null, "image", "rm");
        Assert.Equal(1, r.Code);
        Assert.Equal("wharf: 'wharf image rm' requires at least 1 argument\n\nUsage:  wharf image rm [OPTIONS] IMAGE [IMAGE...]\n\nSee 'wharf image rm --help' for more information\n", r.Err);
    }

    [Fact]
    public async Task UnknownCommand()
    {
        var r = await Run(null, "frobnicate");
        Assert.Equal(1, r.Code);
        Assert.Equal("wharf: unknown command: wharf frobnicate\n\nRun 'wharf --help' for more information\n", r.Err);
    }

    [Fact]
    public async Task HelpForCommand()
    {
        var r = await Run(null, "tag", "--help");
        Assert.Equal(0, r.Code);
        Assert.Equal("Usage:  wharf tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]\n\nCreate a tag TARGET_IMAGE that refers to SOURCE_IMAGE\n\nAliases:\n  wharf image tag, wharf tag\n", r.Out);
    }

    [Fact]
    public async Task VersionFlag()
    {
        var r = await Run(null, "-v");
        Assert.Equal(0, r.Code);
        Assert.StartsWith("Wharf version ", r.Out);
        Assert.Contains(", build ", r.Out);
    }

    [Fact]
    public async Task DaemonUnreachable()
    {
        var r = await Run(null, "-H", "unix:///tmp/wharf-cli-test-none.sock", "images");
        Assert.Equal(1, r.Code);
        Assert.Equal("Cannot connect to the Wharf daemon at unix:///tmp/wharf-cli-test-none.sock. Is the wharf daemon running?\n", r.Err);
    }

    const string ImagesJson = "[{\"Id\":\"sha256:1c35c441208254cb7c3844ba95a96485388cef9ccc0646d562c7fc026e04c807\",\"ParentId\":\"\"," +
                              "\"RepoTags\":[\"busybox:latest\"],\"RepoDigests\":[],\"Created\":1793559600,\"Size\":4261234,\"SharedSize\":-1," +
                              "\"Labels\":{},\"Containers\":-1}]";

    [Fact]
    public async Task ImagesTable()
    {
        await using var d = new FakeDaemon(_ => FakeResponse.Json(ImagesJson));
        var r = await Run(d, "images");
        Assert.Equal(0, r.Code);
        Assert.Equal("REPOSITORY   TAG       IMAGE ID       CREATED       SIZE\nbusybox      latest    1c35c4412082   3 weeks ago   4.26MB\n", r.Out);
    }

    [Fact]
    public async Task ImagesQuietAndFilterReference()
    {
        await using var d = new FakeDaemon(_ => FakeResponse.Json(ImagesJson));
        var r = await Run(d, "image", "ls", "-q", "--filter", "dangling=false", "busy*");
        Assert.Equal("1c35c4412082\n", r.Out);
        var req = d.Requests.Last();
        Assert.Equal(["{\"dangling\":{\"false\":true},\"reference\":{\"busy*\":true}}"], req.QueryValues("filters"));
    }

    [Fact]
    public async Task InspectNotFound()
    {
        await using var d = new FakeDaemon(req => FakeResponse.Error(404, "No such image: nope:latest"));
        var r = await Run(d, "image", "inspect", "nope");
        Assert.Equal(1, r.Code);
        Assert.Equal("[]\n", r.Out);
        Assert.Equal("Error response from daemon: No such image: nope:latest\n", r.Err);
        var r2 = await Run(d, "inspect", "nope");
        Assert.Equal(1, r2.Code);
        Assert.Equal("Error: No such object: nope\n", r2.Err);
    }

    [Fact]
    public async Task InspectIndentsAndFormats()
    {
        await using var d = new FakeDaemon(req => req.Path.StartsWith("/v1.47/images/")
            ? FakeResponse.Json("{\"Id\":\"sha256:ab\",\"RepoTags\":[\"a:b\"],\"Size\":3}")
            : FakeResponse.Error(404, "no such container"));
        var r = await Run(d, "inspect", "a:b");
        Assert.Equal(0, r.Code);
        Assert.Equal("[\n    {\n        \"Id\": \"sha256:ab\",\n        \"RepoTags\": [\n            \"a:b\"\n        ],\n        \"Size\": 3\n    }\n]\n", r.Out);
        var f = await Run(d, "image", "inspect", "-f", "{{.Id}} {{index .RepoTags 0}}", "a:b", "a:b");
        Assert.Equal("sha256:ab a:b\nsha256:ab a:b\n", f.Out);
    }

    [Fact]
    public async Task RmiPrintsUntaggedAndDeleted()
    {
        await using var d = new FakeDaemon(req => req.Path.EndsWith("/nope")
            ? FakeResponse.Error(404, "No such image: nope:latest")
            : FakeResponse.Json("[{\"Untagged\":\"busybox:latest\"},{\"Deleted\":\"sha256:1c35\"}]"));
        var r = await Run(d, "rmi", "-f", "busybox", "nope");
        Assert.Equal(1, r.Code);
        Assert.Equal("Untagged: busybox:latest\nDeleted: sha256:1c35\n", r.Out);
        Assert.Equal("Error response from daemon: No such image: nope:latest\n", r.Err);
        Assert.Equal(["1"], d.Requests.First(q => q.Method == "DELETE").QueryValues("force"));
    }

    [Fact]
    public async Task TagSendsRepoAndTag()
    {
        await using var d = new FakeDaemon(_ => new FakeResponse(201, ""));
        var r = await Run(d, "tag", "busybox", "registry.local:5000/me/bb:v2");
        Assert.Equal(0, r.Code);
        var q = d.Requests.Last();
        Assert.Equal("/v1.47/images/busybox/tag", q.Path);
        Assert.Equal(["registry.local:5000/me/bb"], q.QueryValues("repo"));
        Assert.Equal(["v2"], q.QueryValues("tag"));
        var bad = await Run(d, "tag", "busybox", "Bad:tag");
        Assert.Equal(1, bad.Code);
        Assert.Equal("Error parsing reference: \"Bad:tag\" is not a valid repository/tag: invalid reference format: repository name (library/Bad) must be lowercase\n", bad.Err);
    }

    [Fact]
    public async Task LoadRefusesTerminalAndPrintsStream()
    {
        var t = await RunWith(null, null, true, "load");
        Assert.Equal(1, t.Code);
        Assert.Equal("requested load from stdin, but stdin is empty\n", t.Err);

        await using var d = new FakeDaemon(_ => new FakeResponse(200, "", "application/json", Chunks:
            ["{\"stream\":\"Loaded image: busybox:latest\\n\"}\n", "{\"stream\":\"Loaded image ID: sha256:1c35\\n\"}\n"]));
        var r = await RunWith(d, new MemoryStream(Encoding.ASCII.GetBytes("TAR")), false, "load");
        Assert.Equal(0, r.Code);
        Assert.Equal("Loaded image: busybox:latest\nLoaded image ID: sha256:1c35\n", r.Out);
        Assert.Equal("TAR", d.Requests.Last().BodyText);
        Assert.Equal(["1"], d.Requests.Last().QueryValues("quiet"));
    }

    [Fact]
    public async Task LoadStreamErrorFails()
    {
        await using var d = new FakeDaemon(_ => FakeResponse.Json("{\"errorDetail\":{\"message\":\"unexpected EOF\"},\"error\":\"unexpected EOF\"}\n"));
        var r = await RunWith(d, new MemoryStream([1]), false, "load");
        Assert.Equal(1, r.Code);
        Assert.Equal("unexpected EOF\n", r.Err);
    }

    [Fact]
    public async Task ImportPrintsId()
    {
        await using var d = new FakeDaemon(_ => FakeResponse.Json("{\"status\":\"sha256:feedbeef\"}\n"));
        var r = await RunWith(d, new MemoryStream([1, 2]), false, "import", "-c", "CMD [\"sh\"]", "-m", "msg", "-", "base:1");
        Assert.Equal(0, r.Code);
        Assert.Equal("sha256:feedbeef\n", r.Out);
        Assert.Equal(["base:1"], d.Requests.Last().QueryValues("repo"));
    }

    [Fact]
    public async Task PruneAsksAndCancels()
    {
        await using var d = new FakeDaemon(_ => FakeResponse.Json("{\"ImagesDeleted\":[{\"Deleted\":\"sha256:aa\"}],\"SpaceReclaimed\":1200}"));
        var no = await RunWith(d, new MemoryStream("n\n"u8.ToArray()), false, "image", "prune");
        Assert.Equal(0, no.Code);
        Assert.Equal("WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] ", no.Out);
        Assert.DoesNotContain(d.Requests, q => q.Path.EndsWith("/prune"));
        var yes = await RunWith(d, new MemoryStream("y\n"u8.ToArray()), false, "image", "prune", "-a");
        Assert.EndsWith("[y/N] Deleted Images:\ndeleted: sha256:aa\n\nTotal reclaimed space: 1.2kB\n", yes.Out);
        Assert.Equal(["{\"dangling\":{\"false\":true}}"], d.Requests.Last().QueryValues("filters"));
    }

    [Fact]
    public async Task VersionShowsClientAndServer()
    {
        await using var d = new FakeDaemon(_ => FakeResponse.Json(
            "{\"Platform\":{\"Name\":\"Wharf Engine\"},\"Components\":[{\"Name\":\"Engine\",\"Version\":\"0.1.0\",\"Details\":{\"ApiVersion\":\"1.47\"," +
            "\"MinAPIVersion\":\"1.24\",\"GoVersion\":\".NET 10\",\"GitCommit\":\"abc\",\"BuildTime\":\"now\",\"Os\":\"linux\",\"Arch\":\"amd64\",\"Experimental\":\"false\"}}]," +
            "\"Version\":\"0.1.0\",\"ApiVersion\":\"1.47\"}"));
        var r = await Run(d, "version");
        Assert.Equal(0, r.Code);
        Assert.Contains("\nServer: Wharf Engine\n Engine:\n  Version:          0.1.0\n  API version:      1.47 (minimum version 1.24)\n", r.Out);
        var f = await Run(d, "version", "--format", "{{.Server.Version}}");
        Assert.Equal("0.1.0\n", f.Out);
    }

    [Fact]
    public async Task SaveRefusesTerminal()
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var app = new CliApp(CliConsole.ForTest(o, e, outIsTerminal: true));
        var code = await app.RunAsync(["save", "busybox"]);
        Assert.Equal(1, code);
        Assert.Equal("cowardly refusing to save to a terminal. Use the -o flag or redirect\n", e.ToString());
    }

    [Fact]
    public async Task SaveWritesFile()
    {
        await using var d = new FakeDaemon(_ => new FakeResponse(200, "TARBYTES", "application/x-tar"));
        var dir = Directory.CreateTempSubdirectory("wharf-save-").FullName;
        try
        {
            var path = Path.Combine(dir, "out.tar");
            var r = await Run(d, "save", "-o", path, "busybox", "alpine");
            Assert.Equal(0, r.Code);
            Assert.Equal("TARBYTES", File.ReadAllText(path));
            Assert.Single(Directory.GetFiles(dir));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task EventsHumanLines()
    {
        GoTime.Zone = TimeZoneInfo.Utc;
        await using var d = new FakeDaemon(_ => new FakeResponse(200, "", "application/json", Chunks:
        [
            "{\"Type\":\"image\",\"Action\":\"tag\",\"Actor\":{\"ID\":\"sha256:1c35\",\"Attributes\":{\"name\":\"busybox:latest\"}},\"scope\":\"local\",\"time\":1795374000,\"timeNano\":1795374000000000000}\n",
        ]));
        var r = await Run(d, "events", "--until", "1795460401");
        Assert.Equal(0, r.Code);
        Assert.Equal("2026-11-22T19:00:00.000000000Z image tag sha256:1c35 (name=busybox:latest)\n", r.Out);
        var j = await Run(d, "events", "--format", "{{.Action}} {{.Actor.ID}}");
        Assert.Equal("tag sha256:1c35\n", j.Out);
    }

    [Fact]
    public async Task HistoryQuietNoTrunc()
    {
        await using var d = new FakeDaemon(_ => FakeResponse.Json(
            "[{\"Id\":\"sha256:1c35c441208254cb7c3844ba95a96485388cef9ccc0646d562c7fc026e04c807\",\"Created\":1793559600,\"CreatedBy\":\"x\",\"Tags\":null,\"Size\":0,\"Comment\":\"\"}]"));
        var r = await Run(d, "history", "-q", "--no-trunc", "busybox");
        Assert.Equal("sha256:1c35c441208254cb7c3844ba95a96485388cef9ccc0646d562c7fc026e04c807\n", r.Out);
        var h = await Run(d, "history", "--human=false", "--format", "{{.Size}} {{.CreatedSince}}", "busybox");
        Assert.Equal("0 2026-11-01T19:00:00Z\n", h.Out);
    }
}
