using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Text;
using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>ADD of a URL through `docker build`: fetched from a test server on 127.0.0.1, kept as the file it is (never extracted).</summary>
public sealed class DockerCliBuildAddUrlTests(DaemonFixture fx) : IClassFixture<DaemonFixture>, IDisposable
{
    private readonly HttpListener _server = new();
    private string _base = "";
    private WharfDaemon D => fx.Daemon;

    private void Serve(byte[] archive)
    {
        var port = TestPorts.Free();
        _base = $"http://127.0.0.1:{port}";
        _server.Prefixes.Add(_base + "/");
        _server.Start();
        _ = Task.Run(async () =>
        {
            while (_server.IsListening)
            {
                HttpListenerContext ctx;
                try { ctx = await _server.GetContextAsync(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
                var body = ctx.Request.Url!.AbsolutePath switch
                {
                    "/files/app.tar.gz" => archive,
                    "/files/note.txt" => Encoding.UTF8.GetBytes("served note\n"),
                    _ => null,
                };
                ctx.Response.StatusCode = body is null ? 404 : 200;
                if (body is not null) await ctx.Response.OutputStream.WriteAsync(body);
                ctx.Response.Close();
            }
        });
    }

    public void Dispose() => _server.Close();

    private static byte[] TarGz()
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gz))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "inside.txt") { DataStream = new MemoryStream("inside\n"u8.ToArray()) };
            tar.WriteEntry(entry);
        }
        return ms.ToArray();
    }

    [Fact]
    public async Task Add_of_a_url_downloads_the_file_without_extracting_it_and_a_missing_one_fails_the_build()
    {
        var archive = TarGz();
        Serve(archive);
        var ctx = DockerCliBuildTests.Context(D, $"FROM busybox\nADD {_base}/files/app.tar.gz /dl/\nADD {_base}/files/note.txt /note.txt\n");
        await D.DockerOkAsync("build", "-t", "addurl:1", ctx);

        var o = await D.DockerOkAsync("run", "--rm", "addurl:1", "sh", "-c",
            "stat -c '%n %s %a' /dl/app.tar.gz; cat /note.txt; test -e /dl/inside.txt || echo not-extracted");
        Assert.Equal($"/dl/app.tar.gz {archive.Length} 600\nserved note\nnot-extracted\n", o);

        var bad = DockerCliBuildTests.Context(D, $"FROM busybox\nADD {_base}/files/missing.txt /x\n");
        var r = await D.DockerAsync("build", "-t", "addurl:bad", bad);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains($"ADD failed: fetching {_base}/files/missing.txt: 404 Not Found", r.Stderr);
        Assert.NotEqual(0, (await D.DockerAsync("image", "inspect", "addurl:bad")).ExitCode);
        Assert.Equal("", (await D.DockerOkAsync("ps", "-aq")).Trim());
    }
}
