using System.Net.Sockets;
using System.Text;

namespace Wharf.Cli.Tests;

/// <summary>A request as the fake daemon saw it.</summary>
public sealed record FakeRequest(string Method, string Target, Dictionary<string, string> Headers, byte[] Body)
{
    public string Path => Target.Split('?')[0];

    public string Query => Target.Contains('?') ? Target[(Target.IndexOf('?') + 1)..] : "";

    /// <summary>Decoded values of one query parameter.</summary>
    public List<string> QueryValues(string key) =>
        Query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(kv => Uri.UnescapeDataString(kv[0]) == key)
            .Select(kv => kv.Length > 1 ? Uri.UnescapeDataString(kv[1].Replace('+', ' ')) : "")
            .ToList();

    public string BodyText => Encoding.UTF8.GetString(Body);
}

/// <summary>
/// A canned HTTP response; <see cref="Chunks"/> are sent with chunked encoding, flushed one by one; <see cref="BodyBytes"/>
/// replaces <see cref="FakeResponse.Body"/> for binary bodies; with <see cref="Hijack"/> the daemon answers 101 and hands the
/// connection to it (attach, exec start).
/// </summary>
public sealed record FakeResponse(int Status, string Body = "", string ContentType = "application/json",
    Dictionary<string, string>? Headers = null, IReadOnlyList<string>? Chunks = null)
{
    public byte[]? BodyBytes { get; init; }

    public Func<Stream, Task>? Hijack { get; init; }

    /// <summary>A pause before each of <see cref="Chunks"/> (headers go first), for answers that take time.</summary>
    public TimeSpan ChunkDelay { get; init; }

    public static FakeResponse Upgrade(bool tty, Func<Stream, Task> session) =>
        new(101, ContentType: tty ? "application/vnd.docker.raw-stream" : "application/vnd.docker.multiplexed-stream") { Hijack = session };

    public static FakeResponse Json(string body, int status = 200) => new(status, body);

    public static FakeResponse Error(int status, string message) =>
        new(status, "{\"message\":\"" + message.Replace("\"", "\\\"") + "\"}");
}

/// <summary>A tiny HTTP/1.1 server on a temporary unix socket answering through a handler.</summary>
public sealed class FakeDaemon : IAsyncDisposable
{
    readonly Socket _listener;
    readonly CancellationTokenSource _cts = new();
    readonly Func<FakeRequest, FakeResponse> _handler;
    readonly Task _loop;
    readonly string _dir;

    public FakeDaemon(Func<FakeRequest, FakeResponse> handler, string? apiVersion = "1.47")
    {
        _handler = handler;
        ApiVersion = apiVersion;
        _dir = Directory.CreateTempSubdirectory("wharf-fake-").FullName;
        SocketPath = System.IO.Path.Combine(_dir, "d.sock");
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen(16);
        _loop = AcceptLoopAsync();
    }

    public string SocketPath { get; }
    public string Host => "unix://" + SocketPath;
    public string? ApiVersion { get; set; }
    public List<FakeRequest> Requests { get; } = [];

    async Task AcceptLoopAsync()
    {
        while (!_cts.IsCancellationRequested)
        {
            Socket s;
            try { s = await _listener.AcceptAsync(_cts.Token); }
            catch (Exception) { return; }
            _ = Task.Run(() => ServeAsync(s));
        }
    }

    async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var reader = new BufferedReader(stream);
        try
        {
            while (true)
            {
                var requestLine = await reader.ReadLineAsync();
                if (requestLine is null || requestLine.Length == 0) return;
                var parts = requestLine.Split(' ');
                var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                string? line;
                while ((line = await reader.ReadLineAsync()) is { Length: > 0 })
                {
                    var c = line.IndexOf(':');
                    headers[line[..c].Trim()] = line[(c + 1)..].Trim();
                }
                byte[] body;
                if (headers.TryGetValue("Content-Length", out var cl)) body = await reader.ReadExactAsync(int.Parse(cl));
                else if (headers.TryGetValue("Transfer-Encoding", out var te) && te.Contains("chunked")) body = await reader.ReadChunkedAsync();
                else body = [];
                var req = new FakeRequest(parts[0], parts[1], headers, body);
                lock (Requests) Requests.Add(req);
                FakeResponse res;
                if (req.Path == "/_ping")
                {
                    var h = new Dictionary<string, string> { ["OSType"] = "linux", ["Docker-Experimental"] = "false" };
                    if (ApiVersion is not null) h["API-Version"] = ApiVersion;
                    res = new FakeResponse(200, req.Method == "HEAD" ? "" : "OK", "text/plain", h);
                }
                else res = _handler(req);
                if (res.Hijack is not null)
                {
                    var head = $"HTTP/1.1 101 UPGRADED\r\nContent-Type: {res.ContentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n";
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
                    await res.Hijack(new HijackedPeer(reader, stream, socket));
                    return;
                }
                await WriteResponseAsync(stream, req, res);
            }
        }
        catch (IOException) { }
        catch (SocketException) { }
    }

    static async Task WriteResponseAsync(NetworkStream stream, FakeRequest req, FakeResponse res)
    {
        var sb = new StringBuilder();
        sb.Append("HTTP/1.1 ").Append(res.Status).Append(' ').Append(res.Status switch
        {
            200 => "OK", 201 => "Created", 204 => "No Content", 404 => "Not Found", 409 => "Conflict", 500 => "Internal Server Error", _ => "Status",
        }).Append("\r\n");
        sb.Append("Content-Type: ").Append(res.ContentType).Append("\r\n");
        if (res.Headers is not null) foreach (var (k, v) in res.Headers) sb.Append(k).Append(": ").Append(v).Append("\r\n");
        var bodyBytes = res.BodyBytes ?? Encoding.UTF8.GetBytes(res.Body);
        if (res.Chunks is null)
        {
            sb.Append("Content-Length: ").Append(req.Method == "HEAD" ? 0 : bodyBytes.Length).Append("\r\n\r\n");
            await stream.WriteAsync(Encoding.ASCII.GetBytes(sb.ToString()));
            if (req.Method != "HEAD") await stream.WriteAsync(bodyBytes);
            await stream.FlushAsync();
            return;
        }
        sb.Append("Transfer-Encoding: chunked\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(sb.ToString()));
        foreach (var chunk in res.Chunks)
        {
            if (res.ChunkDelay > TimeSpan.Zero) await Task.Delay(res.ChunkDelay);
            var b = Encoding.UTF8.GetBytes(chunk);
            await stream.WriteAsync(Encoding.ASCII.GetBytes(b.Length.ToString("x") + "\r\n"));
            await stream.WriteAsync(b);
            await stream.WriteAsync("\r\n"u8.ToArray());
            await stream.FlushAsync();
        }
        await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
        await stream.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _cts.Cancel();
        _listener.Dispose();
        try { await _loop; } catch (Exception) { }
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    /// <summary>The daemon's side of a hijacked connection: reads continue from the request reader's buffer.</summary>
    sealed class HijackedPeer(BufferedReader reader, Stream inner, Socket socket) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => reader.ReadSomeAsync(buffer, offset, count);
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) => inner.WriteAsync(buffer, offset, count, ct);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) socket.Shutdown(SocketShutdown.Both);
            base.Dispose(disposing);
        }
    }

    /// <summary>Byte reader with line, exact and chunked reads over a stream.</summary>
    sealed class BufferedReader(Stream s)
    {
        public async Task<int> ReadSomeAsync(byte[] buffer, int offset, int count)
        {
            if (!await FillAsync()) return 0;
            var take = Math.Min(count, _len - _pos);
            Array.Copy(_buf, _pos, buffer, offset, take);
            _pos += take;
            return take;
        }

        readonly byte[] _buf = new byte[65536];
        int _pos, _len;

        async Task<bool> FillAsync()
        {
            if (_pos < _len) return true;
            _len = await s.ReadAsync(_buf);
            _pos = 0;
            return _len > 0;
        }

        public async Task<string?> ReadLineAsync()
        {
            var bytes = new List<byte>();
            while (true)
            {
                if (!await FillAsync()) return bytes.Count == 0 ? null : Encoding.ASCII.GetString(bytes.ToArray());
                var b = _buf[_pos++];
                if (b == '\n') return Encoding.ASCII.GetString(bytes.ToArray()).TrimEnd('\r');
                bytes.Add(b);
            }
        }

        public async Task<byte[]> ReadExactAsync(int n)
        {
            var result = new byte[n];
            int off = 0;
            while (off < n)
            {
                if (!await FillAsync()) throw new IOException("eof");
                var take = Math.Min(n - off, _len - _pos);
                Array.Copy(_buf, _pos, result, off, take);
                _pos += take;
                off += take;
            }
            return result;
        }

        public async Task<byte[]> ReadChunkedAsync()
        {
            var ms = new MemoryStream();
            while (true)
            {
                var sizeLine = await ReadLineAsync() ?? throw new IOException("eof");
                var size = Convert.ToInt32(sizeLine.Split(';')[0].Trim(), 16);
                if (size == 0)
                {
                    while (await ReadLineAsync() is { Length: > 0 }) { }
                    return ms.ToArray();
                }
                ms.Write(await ReadExactAsync(size));
                await ReadLineAsync();
            }
        }
    }
}
