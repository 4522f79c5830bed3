using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Wharf.Daemon.Http;
using Wharf.Engine.Configuration;

namespace Wharf.Daemon.Tests;

/// <summary>
/// Docker's hijacked streams through the real Kestrel server on a unix socket, with the bytes the docker
/// CLI sends: an upgrade request with a JSON body, a client half-close, and keep-alive before an upgrade.
/// </summary>
public sealed class HijackTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wharf-hijack-").FullName;
    private WebApplication _app = null!;
    private string Socket => Path.Combine(_dir, "api.sock");

    public async Task InitializeAsync()
    {
        var router = new ApiRouter();
        router.Post("/echo", async ctx =>
        {
            var (stream, body) = await ctx.HijackAsync("application/vnd.docker.raw-stream");
            await stream.WriteAsync(Encoding.UTF8.GetBytes("body:" + Encoding.UTF8.GetString(body) + "\n"));
            var buf = new byte[4096];
            int n;
            while ((n = await stream.ReadAsync(buf)) > 0)
                await stream.WriteAsync(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(buf, 0, n).ToUpperInvariant()));
            // Output after the client's half-close must still arrive.
            await Task.Delay(200);
            await stream.WriteAsync("bye\n"u8.ToArray());
            await stream.FlushAsync();
        });
        router.Post("/plain", async ctx =>
        {
            using var r = new StreamReader(ctx.Request.Body);
            var text = await r.ReadToEndAsync();
            ctx.Response.ContentType = "text/plain";
            await ctx.Response.WriteAsync("got:" + text);
        });
        var options = new DaemonOptions { Hosts = ["unix://" + Socket] };
        _app = ApiServer.Build(options, router, NullLogger.Instance);
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    private async Task<Socket> ConnectAsync()
    {
        var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await s.ConnectAsync(new UnixDomainSocketEndPoint(Socket));
        return s;
    }

    private static async Task<string> ReadAllAsync(Socket s, TimeSpan timeout)
    {
        var sb = new StringBuilder();
        var buf = new byte[4096];
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            int n;
            while ((n = await s.ReceiveAsync(buf, SocketFlags.None, cts.Token)) > 0) sb.Append(Encoding.UTF8.GetString(buf, 0, n));
        }
        catch (OperationCanceledException) { }
        return sb.ToString();
    }

    [Fact]
    public async Task Upgrade_with_a_json_body_is_upgraded_and_the_body_reaches_the_handler()
    {
        using var s = await ConnectAsync();
        var body = "{\"Detach\":false,\"Tty\":false}";
        await s.SendAsync(Encoding.ASCII.GetBytes(
            $"POST /echo HTTP/1.1\r\nHost: api\r\nContent-Type: application/json\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: {body.Length}\r\n\r\n{body}stdin-data"));
        s.Shutdown(SocketShutdown.Send);
        var response = await ReadAllAsync(s, TimeSpan.FromSeconds(10));
        Assert.StartsWith("HTTP/1.1 101", response);
        Assert.Contains("Upgrade: tcp", response);
        Assert.Contains("application/vnd.docker.raw-stream", response);
        Assert.Contains("body:" + body + "\n", response);
        Assert.Contains("STDIN-DATA", response);
        Assert.EndsWith("bye\n", response);
    }

    [Fact]
    public async Task Keep_alive_requests_with_bodies_before_an_upgrade_keep_their_boundaries()
    {
        // As docker-py reuses a pooled connection: requests with bodies (plain and chunked), then a hijack.
        using var s = await ConnectAsync();
        await s.SendAsync(Encoding.ASCII.GetBytes(
            "POST /plain HTTP/1.1\r\nHost: api\r\nContent-Length: 5\r\n\r\nhello" +
            "POST /plain HTTP/1.1\r\nHost: api\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));
        var first = await ReadAllAsync(s, TimeSpan.FromSeconds(2));
        Assert.Contains("got:hello", first);
        Assert.Contains("got:abcde", first);
        await s.SendAsync(Encoding.ASCII.GetBytes("POST /echo HTTP/1.1\r\nHost: api\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 2\r\n\r\n{}x"));
        s.Shutdown(SocketShutdown.Send);
        var response = await ReadAllAsync(s, TimeSpan.FromSeconds(10));
        Assert.StartsWith("HTTP/1.1 101", response);
        Assert.Contains("body:{}\nX", response);
        Assert.EndsWith("bye\n", response);
    }

    [Fact]
    public async Task Plain_request_answers()
    {
        using var s = await ConnectAsync();
        await s.SendAsync(Encoding.ASCII.GetBytes("POST /plain HTTP/1.1\r\nHost: api\r\nContent-Length: 5\r\n\r\nhello"));
        var response = await ReadAllAsync(s, TimeSpan.FromSeconds(3));
        Assert.Contains("got:hello", response);
    }

    [Fact]
    public async Task Lf_only_heads_as_docker_dotnet_sends_them_pass()
    {
        using var s = await ConnectAsync();
        await s.SendAsync(Encoding.ASCII.GetBytes("POST /plain HTTP/1.1\nUser-Agent: Docker.DotNet\nHost: x\nContent-Length: 2\nConnection: close\n\r\nok"));
        var response = await ReadAllAsync(s, TimeSpan.FromSeconds(5));
        Assert.Contains("got:ok", response);
    }

    [Fact]
    public void The_rewriter_moves_the_body_length_of_upgrade_requests_only()
    {
        var w = new HttpHeadRewriter();
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        w.Process(new System.Buffers.ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("POST /a HTTP/1.1\r\nContent-Length: 2\r\n\r\nok")), output);
        Assert.False(w.Upgraded);
        w.Process(new System.Buffers.ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("POST /b HTTP/1.1\r\nUpgrade: tcp\r\nContent-Length: 2\r\n\r\n{}")), output);
        Assert.True(w.Upgraded);
        var text = Encoding.ASCII.GetString(output.WrittenSpan);
        Assert.Equal("POST /a HTTP/1.1\r\nContent-Length: 2\r\n\r\nokPOST /b HTTP/1.1\r\nUpgrade: tcp\r\nX-Wharf-Hijack-Body-Length: 2\r\n\r\n{}", text);
    }
}
