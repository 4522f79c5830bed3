using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Wharf.Api.Client;

public sealed partial class WharfClient
{
    const int MaxResponseHead = 64 * 1024;

    /// <summary>
    /// POSTs to a versioned path with <c>Connection: Upgrade</c> / <c>Upgrade: tcp</c> on a connection of its own and
    /// returns that connection once the daemon answers 101 (or 200, as old daemons do). Error statuses throw
    /// <see cref="WharfApiException"/> with the daemon's message.
    /// </summary>
    public async Task<HijackedStream> HijackAsync(string pathAndQuery, ReadOnlyMemory<byte> jsonBody = default, CancellationToken ct = default)
    {
        var path = await VersionedPathAsync(pathAndQuery, ct).ConfigureAwait(false);
        var (socket, transport) = await ConnectAsync(ct).ConfigureAwait(false);
        try
        {
            var head = new StringBuilder()
                .Append("POST ").Append(path).Append(" HTTP/1.1\r\n")
                .Append("Host: ").Append(_host.IsUnix ? "api.moby.localhost" : _host.Address).Append("\r\n")
                .Append("User-Agent: ").Append(_userAgent).Append("\r\n")
                .Append("Content-Type: ").Append(jsonBody.IsEmpty ? "text/plain" : "application/json").Append("\r\n")
                .Append("Content-Length: ").Append(jsonBody.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n")
                .Append("Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n");
            await transport.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), ct).ConfigureAwait(false);
            if (!jsonBody.IsEmpty) await transport.WriteAsync(jsonBody, ct).ConfigureAwait(false);
            await transport.FlushAsync(ct).ConfigureAwait(false);

            var (response, leftover) = await ReadResponseHeadAsync(transport, ct).ConfigureAwait(false);
            if (response.Status is 101 or 200)
                return new HijackedStream(socket, transport, leftover, response.Header("Content-Type"));
            var body = await ReadErrorBodyAsync(transport, response, leftover, ct).ConfigureAwait(false);
            throw ToApiException(response.Status, response.Reason, response.Header("Content-Type"), body, path);
        }
        catch
        {
            await transport.DisposeAsync().ConfigureAwait(false);
            socket.Dispose();
            throw;
        }
    }

    async Task<(Socket, Stream)> ConnectAsync(CancellationToken ct)
    {
        Socket socket;
        try
        {
            if (_host.IsUnix)
            {
                socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try { await socket.ConnectAsync(new UnixDomainSocketEndPoint(_host.Address), ct).ConfigureAwait(false); }
                catch { socket.Dispose(); throw; }
            }
            else
            {
                socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try { await socket.ConnectAsync(_host.Address, _host.Port, ct).ConfigureAwait(false); }
                catch { socket.Dispose(); throw; }
            }
        }
        catch (SocketException e)
        {
            throw new WharfConnectionException(_host.Original, e);
        }
        Stream stream = new NetworkStream(socket, ownsSocket: false);
        if (_ssl is null) return (socket, stream);
        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
        try
        {
            var options = new SslClientAuthenticationOptions
            {
                TargetHost = _host.Address,
                ClientCertificates = _ssl.ClientCertificates,
                RemoteCertificateValidationCallback = _ssl.RemoteCertificateValidationCallback,
            };
            await ssl.AuthenticateAsClientAsync(options, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            socket.Dispose();
            throw new WharfConnectionException(_host.Original, e);
        }
        return (socket, ssl);
    }

    /// <summary>Status line and headers of a raw HTTP/1.1 response.</summary>
    sealed record RawResponseHead(int Status, string Reason, Dictionary<string, string> Headers)
    {
        public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
    }

    /// <summary>Reads up to the blank line; returns the head and the bytes read past it.</summary>
    static async Task<(RawResponseHead, byte[])> ReadResponseHeadAsync(Stream s, CancellationToken ct)
    {
        var buf = new byte[4096];
        int len = 0;
        while (true)
        {
            var end = buf.AsSpan(0, len).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                var head = ParseHead(Encoding.ASCII.GetString(buf, 0, end));
                return (head, buf.AsSpan(end + 4, len - end - 4).ToArray());
            }
            if (len == buf.Length)
            {
                if (buf.Length >= MaxResponseHead) throw new WharfApiException(500, "response head from daemon is too large");
                Array.Resize(ref buf, buf.Length * 2);
            }
            var n = await s.ReadAsync(buf.AsMemory(len), ct).ConfigureAwait(false);
            if (n == 0) throw new WharfApiException(500, "the daemon closed the connection before answering");
            len += n;
        }
    }

    static RawResponseHead ParseHead(string head)
    {
        var lines = head.Split("\r\n");
        var parts = lines[0].Split(' ', 3);
        if (parts.Length < 2 || !parts[0].StartsWith("HTTP/", StringComparison.Ordinal) ||
            !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
            throw new WharfApiException(500, "malformed response from daemon: " + lines[0]);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon > 0) headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        return new RawResponseHead(status, parts.Length > 2 ? parts[2] : "", headers);
    }

    /// <summary>The body of an error answer: Content-Length, chunked, or up to the connection's end.</summary>
    static async Task<string> ReadErrorBodyAsync(Stream s, RawResponseHead head, byte[] leftover, CancellationToken ct)
    {
        var all = new MemoryStream();
        all.Write(leftover);
        var chunked = head.Header("Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true;
        long? length = long.TryParse(head.Header("Content-Length"), NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : null;
        var buf = new byte[8192];
        while (length is null || all.Length < length)
        {
            if (chunked && all.ToArray().AsSpan().IndexOf("0\r\n\r\n"u8) >= 0) break;
            int n;
            try { n = await s.ReadAsync(buf, ct).ConfigureAwait(false); }
            catch (IOException) { break; }
            if (n == 0) break;
            all.Write(buf, 0, n);
            if (all.Length > 1 << 20) break;
        }
        var bytes = all.ToArray();
        if (length is { } max && bytes.Length > max) bytes = bytes[..(int)max];
        return Encoding.UTF8.GetString(chunked ? Dechunk(bytes) : bytes);
    }

    static byte[] Dechunk(byte[] data)
    {
        var output = new MemoryStream();
        int pos = 0;
        while (pos < data.Length)
        {
            var eol = data.AsSpan(pos).IndexOf("\r\n"u8);
            if (eol < 0) break;
            var sizeText = Encoding.ASCII.GetString(data, pos, eol).Split(';')[0].Trim();
            if (!int.TryParse(sizeText, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size) || size == 0) break;
            pos += eol + 2;
            size = Math.Min(size, data.Length - pos);
            output.Write(data, pos, size);
            pos += size + 2;
        }
        return output.ToArray();
    }
}
