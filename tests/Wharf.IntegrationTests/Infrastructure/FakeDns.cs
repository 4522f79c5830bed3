using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Wharf.IntegrationTests.Infrastructure;

/// <summary>
/// An upstream DNS server on 127.0.0.x:53 for the embedded resolver to forward to: it knows a fixed set of
/// A records and answers NXDOMAIN for the rest, and counts the queries it saw. Nothing leaves 127.0.0.0/8.
/// </summary>
public sealed class FakeDns : IDisposable
{
    private readonly UdpClient _udp;
    private readonly Dictionary<string, IPAddress> _records;
    private readonly CancellationTokenSource _stop = new();
    private int _queries;

    private FakeDns(UdpClient udp, Dictionary<string, IPAddress> records)
    {
        _udp = udp;
        _records = records;
        _ = ServeAsync();
    }

    public IPAddress Address => ((IPEndPoint)_udp.Client.LocalEndPoint!).Address;
    public int Queries => Volatile.Read(ref _queries);

    /// <summary>Starts on a free 127.0.0.x (x from 100 up) port 53.</summary>
    public static FakeDns Start(Dictionary<string, string> records)
    {
        var parsed = records.ToDictionary(r => r.Key.TrimEnd('.').ToLowerInvariant(), r => IPAddress.Parse(r.Value));
        for (var i = 0; i < 200; i++)
        {
            var ip = new IPAddress([127, 0, (byte)Random.Shared.Next(1, 250), (byte)Random.Shared.Next(2, 250)]);
            try
            {
                return new FakeDns(new UdpClient(new IPEndPoint(ip, 53)), parsed);
            }
            catch (SocketException) { }
        }
        throw new InvalidOperationException("no free 127.0.x.y:53 for the fake DNS server");
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult r;
            try { r = await _udp.ReceiveAsync(_stop.Token); }
            catch (Exception) { return; }
            Interlocked.Increment(ref _queries);
            var answer = Answer(r.Buffer);
            if (answer is not null) await _udp.SendAsync(answer, r.RemoteEndPoint);
        }
    }

    private byte[]? Answer(byte[] q)
    {
        if (q.Length < 12) return null;
        var i = 12;
        var name = new StringBuilder();
        while (i < q.Length && q[i] != 0)
        {
            if (name.Length > 0) name.Append('.');
            name.Append(Encoding.ASCII.GetString(q, i + 1, q[i]));
            i += q[i] + 1;
        }
        var end = i + 5;
        if (end > q.Length) return null;
        var type = BinaryPrimitives.ReadUInt16BigEndian(q.AsSpan(i + 1));
        var known = _records.TryGetValue(name.ToString().ToLowerInvariant(), out var ip);
        var withAnswer = known && type == 1;
        var r = new byte[end + (withAnswer ? 16 : 0)];
        q.AsSpan(0, end).CopyTo(r);
        r[2] = (byte)(0x80 | (q[2] & 0x01));
        r[3] = (byte)(0x80 | (known ? 0 : 3));
        BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(6), (ushort)(withAnswer ? 1 : 0));
        r[8] = r[9] = r[10] = r[11] = 0;
        if (withAnswer)
        {
            BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(end), 0xC00C);
            BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(end + 2), 1);
            BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(end + 4), 1);
            BinaryPrimitives.WriteUInt32BigEndian(r.AsSpan(end + 6), 60);
            BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(end + 10), 4);
            ip!.GetAddressBytes().CopyTo(r, end + 12);
        }
        return r;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _udp.Dispose();
    }
}
