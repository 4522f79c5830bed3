using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Wharf.Engine.Networking.Dns;

/// <summary>What the resolver answers itself: the addresses of a name, or the name of an address; null to forward.</summary>
public interface IDnsNames
{
    /// <summary>The addresses <paramref name="name"/> has for the asking container, or null when it is not one of its peers' names.</summary>
    IReadOnlyList<uint>? Resolve(string name);

    /// <summary>The name of a peer's address (reverse lookup), or null.</summary>
    string? ReverseName(uint address);

    /// <summary>The IPv6 addresses of a name that <see cref="Resolve"/> knows (peers on IPv6 networks); empty when it has none.</summary>
    IReadOnlyList<UInt128> Resolve6(string name) => [];
}

/// <summary>
/// One container's DNS server, at 127.0.0.11:53 inside its network namespace as Docker's. The sockets are
/// made in the container's namespace (they stay there) on ports of their own, and port 53 is mapped to
/// them by a nat rule in that namespace, so programs in the container can still use port 53 themselves.
/// Names of peers on the container's user-defined networks are answered here; the rest is forwarded,
/// from the host's namespace, to the upstream servers (the container's --dns, the daemon's --dns, or the
/// host's resolv.conf), first answer wins; none: SERVFAIL.
/// </summary>
public sealed class EmbeddedDns : IDisposable
{
    public static readonly IPAddress Address = IPAddress.Parse("127.0.0.11");
    private static readonly TimeSpan UpstreamTimeout = TimeSpan.FromSeconds(3);

    private readonly Socket _udp;
    private readonly Socket _tcp;
    private readonly IDnsNames _names;
    private readonly IReadOnlyList<IPEndPoint> _upstream;
    private readonly CancellationTokenSource _stop = new();

    public EmbeddedDns(Socket udp, Socket tcp, IDnsNames names, IReadOnlyList<IPEndPoint> upstream)
    {
        _udp = udp;
        _tcp = tcp;
        _names = names;
        _upstream = upstream;
        _ = ServeUdpAsync();
        _ = ServeTcpAsync();
    }

    public int UdpPort => ((IPEndPoint)_udp.LocalEndPoint!).Port;
    public int TcpPort => ((IPEndPoint)_tcp.LocalEndPoint!).Port;

    /// <summary>Binds the two sockets to 127.0.0.11 on free ports; to be called on a thread inside the container's namespace.</summary>
    public static (Socket Udp, Socket Tcp) Bind()
    {
        var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            udp.Bind(new IPEndPoint(Address, 0));
            tcp.Bind(new IPEndPoint(Address, 0));
            tcp.Listen(64);
            return (udp, tcp);
        }
        catch
        {
            udp.Dispose();
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>The nft script, run inside the container's namespace, that sends 127.0.0.11:53 to the sockets.</summary>
    public static string NatScript(int udpPort, int tcpPort) => $$"""
        add table ip wharf_dns
        delete table ip wharf_dns
        table ip wharf_dns {
          chain output {
            type nat hook output priority -100; policy accept;
            ip daddr 127.0.0.11 udp dport 53 dnat to 127.0.0.11:{{udpPort}}
            ip daddr 127.0.0.11 tcp dport 53 dnat to 127.0.0.11:{{tcpPort}}
          }
        }

        """;

    private async Task ServeUdpAsync()
    {
        var buffer = new byte[4096];
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult got;
            try
            {
                got = await _udp.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested) return;
                continue;
            }
            var query = buffer.AsSpan(0, got.ReceivedBytes).ToArray();
            var client = got.RemoteEndPoint;
            _ = Task.Run(async () =>
            {
                var answer = await AnswerAsync(query, tcp: false);
                try { await _udp.SendToAsync(answer, client, _stop.Token); }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException) { }
            });
        }
    }

    private async Task ServeTcpAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket conn;
            try
            {
                conn = await _tcp.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested) return;
                continue;
            }
            _ = Task.Run(() => ServeConnectionAsync(conn));
        }
    }

    private async Task ServeConnectionAsync(Socket conn)
    {
        using var _ = conn;
        using var stream = new NetworkStream(conn);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            while (await ReadFrameAsync(stream, timeout.Token) is { } query)
            {
                var answer = await AnswerAsync(query, tcp: true);
                await WriteFrameAsync(stream, answer, timeout.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException) { }
    }

    /// <summary>Answers a query: a peer's name or address here, anything else from upstream.</summary>
    public async Task<byte[]> AnswerAsync(byte[] query, bool tcp)
    {
        var q = DnsMessage.ParseQuery(query);
        if (q is null) return DnsMessage.Error(DnsMessage.IdOf(query), DnsMessage.FormErr);
        if (q.Class == DnsMessage.ClassIn)
        {
            if (q.Type is DnsMessage.TypeA or DnsMessage.TypeAaaa or DnsMessage.TypeAny && _names.Resolve(q.Name) is { } addresses)
                return q.Type == DnsMessage.TypeAaaa
                    ? DnsMessage.Answer(query, q, DnsMessage.NoError, [], addresses6: _names.Resolve6(q.Name))
                    : DnsMessage.Answer(query, q, DnsMessage.NoError, addresses);
            if (q.Type == DnsMessage.TypePtr && DnsMessage.ReverseAddress(q.Name) is { } a && _names.ReverseName(a) is { } name)
                return DnsMessage.Answer(query, q, DnsMessage.NoError, [], name);
        }
        return await ForwardAsync(query, tcp) ?? DnsMessage.Error(q.Id, DnsMessage.ServFail);
    }

    private async Task<byte[]?> ForwardAsync(byte[] query, bool tcp)
    {
        foreach (var server in _upstream)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(UpstreamTimeout);
            try
            {
                using var s = new Socket(server.AddressFamily, tcp ? SocketType.Stream : SocketType.Dgram, tcp ? ProtocolType.Tcp : ProtocolType.Udp);
                await s.ConnectAsync(server, timeout.Token);
                if (tcp)
                {
                    using var stream = new NetworkStream(s);
                    await WriteFrameAsync(stream, query, timeout.Token);
                    if (await ReadFrameAsync(stream, timeout.Token) is { } reply) return reply;
                    continue;
                }
                await s.SendAsync(query, timeout.Token);
                var buffer = new byte[65535];
                while (true)
                {
                    var n = await s.ReceiveAsync(buffer, timeout.Token);
                    // Only the answer to this query (same ID) counts.
                    if (n >= 2 && DnsMessage.IdOf(buffer) == DnsMessage.IdOf(query)) return buffer[..n];
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or IOException)
            {
                if (_stop.IsCancellationRequested) return null;
            }
        }
        return null;
    }

    private static async Task<byte[]?> ReadFrameAsync(Stream stream, CancellationToken ct)
    {
        var length = new byte[2];
        if (!await ReadExactlyOrEndAsync(stream, length, ct)) return null;
        var message = new byte[BinaryPrimitives.ReadUInt16BigEndian(length)];
        return await ReadExactlyOrEndAsync(stream, message, ct) ? message : null;
    }

    private static async Task<bool> ReadExactlyOrEndAsync(Stream stream, byte[] buffer, CancellationToken ct)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, ct);
            return true;
        }
        catch (EndOfStreamException)
        {
            return false;
        }
    }

    private static async Task WriteFrameAsync(Stream stream, byte[] message, CancellationToken ct)
    {
        var framed = new byte[2 + message.Length];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)message.Length);
        message.CopyTo(framed, 2);
        await stream.WriteAsync(framed, ct);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _udp.Dispose();
        _tcp.Dispose();
    }
}
