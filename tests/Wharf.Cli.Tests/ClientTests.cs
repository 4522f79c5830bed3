using System.Text;
using Wharf.Api.Client;

namespace Wharf.Cli.Tests;

public class ClientTests
{
    static WharfClient Client(FakeDaemon d, string? apiVersion = null) =>
        new(new WharfClientOptions { Host = d.Host, ApiVersion = apiVersion });

    [Fact]
    public async Task NegotiatesDownToClientMaximum()
    {
        await using var d = new FakeDaemon(_ => FakeResponse.Json("{\"Version\":\"1.0\",\"ApiVersion\":\"1.50\"}"), apiVersion: "1.50");
        using var c = Client(d);
        var v = await c.VersionAsync();
        Assert.Equal("1.0", v.Version);
        Assert.Equal("HEAD", d.Requests[0].Method);
        Assert.Equal("/_ping", d.Requests[0].Path);
        Assert.Equal("/v1.47/version", d.Requests[1].Path);
        Assert.Equal("1.47", c.ApiVersion);
    }

    [Fact]
    public async Task UsesOlderServerVersion()
    {
        await using var d = new FakeDaemon(_ => FakeResponse.Json("[]"), apiVersion: "1.41");
        using var c = Client(d);
        await c.ListImagesAsync();
        await c.ListImagesAsync();
        Assert.Single(d.Requests, r => r.Path == "/_ping");
        Assert.All(d.Requests.Where(r => r.Path != "/_ping"), r => Assert.Equal("/v1.41/images/json", r.Path));
    }

    [Fact]
    public async Task MissingHeaderFallsBackTo124()
    {
        await using var d = new FakeDaemon(_ => FakeResponse.Json("[]"), apiVersion: null);
        using var c = Client(d);
        await c.ListImagesAsync();
        Assert.Equal("/v1.24/images/json", d.Requests.Last().Path);
    }

    [Fact]
    public async Task FixedVersionSkipsPing()
    {
        await using var d = new FakeDaemon(_ => FakeResponse.Json("[]"));
        using var c = Client(d, "1.43");
        await c.ListImagesAsync();
        Assert.Single(d.Requests);
        Assert.Equal("/v1.43/images/json", d.Requests[0].Path);
    }

    [Theory]
    [InlineData("1.47", "1.50")]
    [InlineData("1.9", "1.9")]
    [InlineData("1.24", "1.24")]
    [InlineData("1.24", null)]
    public void VersionRule(string expected, string? server)
    {
        Assert.Equal(expected, WharfClient.NegotiatedVersion(server));
    }

    [Fact]
    public async Task ErrorBodyBecomesApiException()
    {
        await using var d = new FakeDaemon(_ => FakeResponse.Error(404, "No such image: nope:latest"));
        using var c = Client(d);
        var e = await Assert.ThrowsAsync<WharfApiException>(() => c.InspectImageAsync("nope"));
        Assert.Equal(404, e.StatusCode);
        Assert.Equal("No such image: nope:latest", e.Message);
    }

    [Fact]
    public async Task PlainTextErrorBody()
    {
        await using var d = new FakeDaemon(_ => new FakeResponse(500, "boom\n", "text/plain"));
        using var c = Client(d);
        var e = await Assert.ThrowsAsync<WharfApiException>(() => c.ListImagesAsync());
        Assert.Equal("boom", e.Message);
    }

    [Fact]
    public async Task UnreachableDaemon()
    {
        using var c = new WharfClient(new WharfClientOptions { Host = "unix:///tmp/wharf-test-missing.sock" });
        var e = await Assert.ThrowsAsync<WharfConnectionException>(() => c.InfoAsync());
        Assert.Equal("Cannot connect to the Wharf daemon at unix:///tmp/wharf-test-missing.sock. Is the wharf daemon running?", e.Message);
    }

    [Fact]
    public async Task FiltersAndFlagsInQuery()
    {
        await using var d = new FakeDaemon(_ => FakeResponse.Json("[]"));
        using var c = Client(d);
        await c.ListImagesAsync(all: true, new Filters().Add("dangling", "true"));
        var r = d.Requests.Last();
        Assert.Equal(["1"], r.QueryValues("all"));
        Assert.Equal(["{\"dangling\":{\"true\":true}}"], r.QueryValues("filters"));
    }

    [Fact]
    public async Task LoadStreamsBodyAndProgress()
    {
        var lines = new[]
        {
            "{\"status\":\"Loading layer\",\"progressDetail\":{\"current\":512,\"total\":1024},\"id\":\"abc\"}\n",
            "{\"stream\":\"Loaded image: busybox:latest\\n\"}\n{\"stream\":\"Loaded image ID: sha256:1c35\\n\"}\n",
        };
        await using var d = new FakeDaemon(_ => new FakeResponse(200, "", "application/json", Chunks: lines));
        using var c = Client(d);
        var tar = new MemoryStream(Encoding.ASCII.GetBytes("not really a tar"));
        var msgs = new List<Wharf.Api.Models.ProgressMessage>();
        await foreach (var m in c.LoadImageAsync(tar, quiet: true)) msgs.Add(m);
        Assert.Equal(3, msgs.Count);
        Assert.Equal(512, msgs[0].ProgressDetail!.Current);
        Assert.Equal("Loaded image: busybox:latest\n", msgs[1].Stream);
        var req = d.Requests.Last();
        Assert.Equal("POST", req.Method);
        Assert.Equal("/v1.47/images/load", req.Path);
        Assert.Equal(["1"], req.QueryValues("quiet"));
        Assert.Equal("not really a tar", req.BodyText);
    }

    [Fact]
    public async Task ImportSendsQueryAndBody()
    {
        await using var d = new FakeDaemon(_ => FakeResponse.Json("{\"status\":\"sha256:feed\"}\n"));
        using var c = Client(d);
        var msgs = new List<string?>();
        await foreach (var m in c.ImportImageAsync(new MemoryStream([1, 2, 3]), repo: "base:1", message: "hi", changes: ["CMD [\"sh\"]", "ENV A=1"]))
            msgs.Add(m.Status);
        Assert.Equal(["sha256:feed"], msgs);
        var r = d.Requests.Last();
        Assert.Equal("/v1.47/images/create", r.Path);
        Assert.Equal(["-"], r.QueryValues("fromSrc"));
        Assert.Equal(["base:1"], r.QueryValues("repo"));
        Assert.Equal(["hi"], r.QueryValues("message"));
        Assert.Equal(["CMD [\"sh\"]", "ENV A=1"], r.QueryValues("changes"));
        Assert.Equal(new byte[] { 1, 2, 3 }, r.Body);
    }

    [Fact]
    public async Task EventsStream()
    {
        var chunks = new[]
        {
            "{\"Type\":\"image\",\"Action\":\"tag\",\"Actor\":{\"ID\":\"sha256:1\",\"Attributes\":{\"name\":\"a:b\"}},\"scope\":\"local\",\"time\":1,\"timeNano\":1000000000}\n",
            "{\"Type\":\"image\",\"Action\":\"delete\",\"Actor\":{\"ID\":\"sha256:1\",\"Attributes\":{}},\"scope\":\"local\",\"time\":2,\"timeNano\":2000000000}\n",
        };
        await using var d = new FakeDaemon(_ => new FakeResponse(200, "", "application/json", Chunks: chunks));
        using var c = Client(d);
        var evs = new List<Wharf.Api.Models.EventMessage>();
        await foreach (var e in c.EventsAsync(since: "0", until: "3", filters: new Filters().Add("type", "image"))) evs.Add(e);
        Assert.Equal(["tag", "delete"], evs.Select(e => e.Action));
        Assert.Equal("a:b", evs[0].Actor.Attributes["name"]);
        var r = d.Requests.Last();
        Assert.Equal(["0"], r.QueryValues("since"));
        Assert.Equal(["{\"type\":{\"image\":true}}"], r.QueryValues("filters"));
    }

    [Fact]
    public async Task SaveStreamsRawBody()
    {
        await using var d = new FakeDaemon(_ => new FakeResponse(200, "TARDATA", "application/x-tar"));
        using var c = Client(d);
        await using var s = await c.SaveImagesAsync(["a:1", "b"]);
        var ms = new MemoryStream();
        await s.CopyToAsync(ms);
        Assert.Equal("TARDATA", Encoding.ASCII.GetString(ms.ToArray()));
        Assert.Equal(["a:1", "b"], d.Requests.Last().QueryValues("names"));
    }

    [Theory]
    [InlineData("unix:///run/wharf/wharf.sock", "unix", "/run/wharf/wharf.sock", 0)]
    [InlineData("tcp://10.0.0.5:2376", "tcp", "10.0.0.5", 2376)]
    [InlineData("tcp://example.com", "tcp", "example.com", 2375)]
    [InlineData("127.0.0.1:9000", "tcp", "127.0.0.1", 9000)]
    [InlineData("tcp://[::1]:2375", "tcp", "::1", 2375)]
    public void ParsesHosts(string host, string scheme, string address, int port)
    {
        var h = DaemonHost.Parse(host);
        Assert.Equal(scheme, h.Scheme);
        Assert.Equal(address, h.Address);
        Assert.Equal(port, h.Port);
    }
}
