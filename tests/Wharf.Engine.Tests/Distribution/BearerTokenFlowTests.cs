using System.Net;
using System.Net.Sockets;
using System.Text;
using Wharf.Engine.Configuration;
using Wharf.Engine.Distribution;

namespace Wharf.Engine.Tests.Distribution;

/// <summary>The Bearer flow against a small fake registry and token server on loopback (http, reached after the https attempt fails).</summary>
public sealed class BearerTokenFlowTests : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly int _port;
    private readonly CancellationTokenSource _stop = new();
    private int _tokenRequests;

    public BearerTokenFlowTests()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0)) { probe.Start(); _port = ((IPEndPoint)probe.LocalEndpoint).Port; }
        _listener.Prefixes.Add($"http://127.0.0.1:{_port}/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            var path = ctx.Request.Url!.AbsolutePath;
            var auth = ctx.Request.Headers["Authorization"];
            if (path == "/token")
            {
                Interlocked.Increment(ref _tokenRequests);
                var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:pw"));
                if (auth != basic) { Answer(ctx, 401, "{}"); continue; }
                var scope = ctx.Request.QueryString["scope"] ?? "";
                Answer(ctx, 200, $"{{\"token\":\"t|{scope}\",\"expires_in\":300}}");
                continue;
            }
            var repo = path.StartsWith("/v2/", StringComparison.Ordinal) && path.EndsWith("/tags/list", StringComparison.Ordinal)
                ? path[4..^10] : null;
            if (repo is not null && auth == $"Bearer t|repository:{repo}:pull")
            {
                Answer(ctx, 200, $"{{\"name\":\"{repo}\",\"tags\":[\"1\"]}}");
                continue;
            }
            ctx.Response.Headers["WWW-Authenticate"] =
                $"Bearer realm=\"http://127.0.0.1:{_port}/token\",service=\"fake\"" + (repo is null ? "" : $",scope=\"repository:{repo}:pull\"");
            Answer(ctx, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}");
        }
    }

    private static void Answer(HttpListenerContext ctx, int status, string body)
    {
        ctx.Response.StatusCode = status;
        var bytes = Encoding.UTF8.GetBytes(body);
        ctx.Response.ContentType = "application/json";
        ctx.Response.OutputStream.Write(bytes);
        ctx.Response.Close();
    }

    private RegistryRepository Repo(string path, string user, string password) =>
        new(new RegistryClient(new RegistryHosts(new DaemonOptions()).Endpoint($"127.0.0.1:{_port}"),
            new RegistryCredentials(user, password, null, null, null)), path, push: false);

    [Fact]
    public async Task Tokens_are_fetched_per_scope_and_reused()
    {
        Assert.Equal(["1"], await Repo("a/b", "alice", "pw").ListTagsAsync(default));
        Assert.Equal(["1"], await Repo("a/b", "alice", "pw").ListTagsAsync(default));
        Assert.Equal(1, _tokenRequests);
        Assert.Equal(["1"], await Repo("c/d", "alice", "pw").ListTagsAsync(default));
        Assert.Equal(2, _tokenRequests);
    }

    [Fact]
    public async Task Wrong_password_at_the_token_server_is_a_clear_error()
    {
        var e = await Assert.ThrowsAsync<RegistryException>(() => Repo("e/f", "alice", "nope").ListTagsAsync(default));
        Assert.Contains("incorrect username or password", e.Message);
        Assert.Equal(HttpStatusCode.Unauthorized, e.RegistryStatus);
    }
}
