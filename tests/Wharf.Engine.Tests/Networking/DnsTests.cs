using System.Net;
using System.Net.Sockets;
using Wharf.Engine.Networking;
using Wharf.Engine.Networking.Dns;

namespace Wharf.Engine.Tests.Networking;

public sealed class DnsTests
{
    private static uint Ip(string s) => Ipv4Subnet.TryParseAddress(s, out var a) ? a : throw new FormatException(s);

    private sealed class Names(Dictionary<string, uint[]> known) : IDnsNames
    {
        public IReadOnlyList<uint>? Resolve(string name) => known.TryGetValue(name, out var a) ? a : null;
        public string? ReverseName(uint address) => known.FirstOrDefault(k => k.Value.Contains(address)).Key is { } n ? n + ".net" : null;
    }

    [Fact]
    public void A_query_parses_and_round_trips()
    {
        var q = DnsMessage.Query(0x1234, "web.mynet.", DnsMessage.TypeA);
        var parsed = DnsMessage.ParseQuery(q)!;
        Assert.Equal((0x1234, "web.mynet", DnsMessage.TypeA, DnsMessage.ClassIn, true), (parsed.Id, parsed.Name, parsed.Type, parsed.Class, parsed.RecursionDesired));
        var answer = DnsMessage.Answer(q, parsed, DnsMessage.NoError, [Ip("10.0.0.2"), Ip("10.0.0.3")]);
        Assert.Equal(0x12, answer[0]);
        Assert.Equal(0x34, answer[1]);
        Assert.Equal(0x80, answer[2] & 0x80);
        Assert.Equal(2, answer[7]);
        Assert.Equal(new byte[] { 10, 0, 0, 3 }, answer[^4..]);
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { 0, 1, 0x81, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1 })]
    [InlineData(new byte[] { 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 64, 97 })]
    public void Responses_and_garbage_are_not_queries(byte[] message) => Assert.Null(DnsMessage.ParseQuery(message));

    [Fact]
    public void Reverse_names()
    {
        Assert.Equal(Ip("10.1.2.3"), DnsMessage.ReverseAddress("3.2.1.10.in-addr.arpa"));
        Assert.Null(DnsMessage.ReverseAddress("3.2.1.in-addr.arpa"));
        Assert.Null(DnsMessage.ReverseAddress("example.com"));
    }

    [Fact]
    public async Task Peers_are_answered_and_the_rest_forwarded_to_the_first_upstream_that_answers()
    {
        using var upstream = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var upstreamTask = Task.Run(async () =>
        {
            var r = await upstream.ReceiveAsync();
            var q = DnsMessage.ParseQuery(r.Buffer)!;
            await upstream.SendAsync(DnsMessage.Answer(r.Buffer, q, DnsMessage.NoError, [Ip("192.0.2.77")]), r.RemoteEndPoint);
        });
        var dead = new IPEndPoint(IPAddress.Loopback, 9);
        var (udp, tcp) = BindLoopback();
        using var dns = new EmbeddedDns(udp, tcp, new Names(new() { ["web"] = [Ip("10.0.0.2")] }),
            [dead, (IPEndPoint)upstream.Client.LocalEndPoint!]);

        var local = await dns.AnswerAsync(DnsMessage.Query(1, "web", DnsMessage.TypeA), tcp: false);
        Assert.Equal(new byte[] { 10, 0, 0, 2 }, local[^4..]);
        var aaaa = await dns.AnswerAsync(DnsMessage.Query(2, "web", DnsMessage.TypeAaaa), tcp: false);
        Assert.Equal((0, 0), (aaaa[3] & 0xF, aaaa[7]));
        var ptr = await dns.AnswerAsync(DnsMessage.Query(3, "2.0.0.10.in-addr.arpa", DnsMessage.TypePtr), tcp: false);
        Assert.Contains("web", System.Text.Encoding.ASCII.GetString(ptr[^12..]));

        var forwarded = await dns.AnswerAsync(DnsMessage.Query(4, "example.test", DnsMessage.TypeA), tcp: false);
        await upstreamTask;
        Assert.Equal(new byte[] { 192, 0, 2, 77 }, forwarded[^4..]);
        Assert.Equal(4, DnsMessage.IdOf(forwarded));
    }

    [Fact]
    public async Task No_upstream_is_servfail_and_garbage_formerr()
    {
        var (udp, tcp) = BindLoopback();
        using var dns = new EmbeddedDns(udp, tcp, new Names([]), []);
        var answer = await dns.AnswerAsync(DnsMessage.Query(7, "example.test", DnsMessage.TypeA), tcp: false);
        Assert.Equal(DnsMessage.ServFail, answer[3] & 0xF);
        var garbage = await dns.AnswerAsync([0, 9, 0x81], tcp: false);
        Assert.Equal(DnsMessage.FormErr, garbage[3] & 0xF);
    }

    [Fact]
    public async Task Serves_udp_and_tcp_on_its_sockets()
    {
        var (udp, tcp) = BindLoopback();
        using var dns = new EmbeddedDns(udp, tcp, new Names(new() { ["db"] = [Ip("10.0.0.9")] }), []);
        using var client = new UdpClient();
        await client.SendAsync(DnsMessage.Query(11, "db", DnsMessage.TypeA), new IPEndPoint(IPAddress.Loopback, dns.UdpPort));
        var reply = await client.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(new byte[] { 10, 0, 0, 9 }, reply.Buffer[^4..]);

        using var conn = new TcpClient();
        await conn.ConnectAsync(IPAddress.Loopback, dns.TcpPort);
        var stream = conn.GetStream();
        var q = DnsMessage.Query(12, "db", DnsMessage.TypeA);
        await stream.WriteAsync(new byte[] { 0, (byte)q.Length }.Concat(q).ToArray());
        var length = new byte[2];
        await stream.ReadExactlyAsync(length);
        var body = new byte[length[1]];
        await stream.ReadExactlyAsync(body);
        Assert.Equal(12, DnsMessage.IdOf(body));
        Assert.Equal(new byte[] { 10, 0, 0, 9 }, body[^4..]);
    }

    private static (Socket, Socket) BindLoopback()
    {
        var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        tcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        tcp.Listen(4);
        return (udp, tcp);
    }
}
