using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Wharf.Engine.Native;

namespace Wharf.Engine.Networking.Netlink;

/// <summary>A route-netlink request failed: errno and the kernel's extended-ack text when it sent one.</summary>
public sealed class NetlinkException(string what, int errno, string? detail)
    : IOException($"{what}: {Marshal.GetPInvokeErrorMessage(errno)}{(string.IsNullOrEmpty(detail) ? "" : " (" + detail + ")")}", errno)
{
    public int Errno { get; } = errno;
}

/// <summary>
/// An AF_NETLINK/NETLINK_ROUTE socket, opened with socket(2) and wrapped in a <see cref="Socket"/>.
/// It belongs to the network namespace of the thread that opened it, for its whole life, so a socket
/// opened inside a container's namespace configures that namespace from any thread. Not thread-safe:
/// one request at a time.
/// </summary>
internal sealed class NetlinkSocket : IDisposable
{
    private const int ENODEV = 19;
    private readonly Socket _socket;
    private readonly byte[] _receive = new byte[64 * 1024];
    private uint _sequence = (uint)Environment.TickCount;

    private NetlinkSocket(Socket socket) => _socket = socket;

    /// <summary>Opens a socket in the calling thread's network namespace.</summary>
    public static unsafe NetlinkSocket Open()
    {
        var fd = Libc.Socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, Rtnl.NETLINK_ROUTE);
        if (fd < 0) throw new NetlinkException("opening a netlink socket", Libc.LastErrno, null);
        int one = 1;
        // Errors then carry the kernel's explanation and not a copy of our request.
        _ = Libc.SetSockOpt(fd, Libc.SOL_NETLINK, Rtnl.NETLINK_EXT_ACK, &one, sizeof(int));
        _ = Libc.SetSockOpt(fd, Libc.SOL_NETLINK, Rtnl.NETLINK_CAP_ACK, &one, sizeof(int));
        var socket = new Socket(new SafeSocketHandle(fd, ownsHandle: true)) { ReceiveTimeout = 30_000 };
        return new NetlinkSocket(socket);
    }

    /// <summary>Sends a request with NLM_F_ACK and waits for its acknowledgement; throws <see cref="NetlinkException"/>.</summary>
    public void Execute(NetlinkRequest request, string what)
    {
        var seq = Send(request, what);
        foreach (var m in ReceiveUntil(seq, what, dump: false))
        {
            _ = m;
        }
    }

    /// <summary>Like <see cref="Execute"/>, but false when the kernel answers ENODEV (no such device).</summary>
    public bool ExecuteIfExists(NetlinkRequest request, string what)
    {
        try
        {
            Execute(request, what);
            return true;
        }
        catch (NetlinkException e) when (e.Errno == ENODEV)
        {
            return false;
        }
    }

    /// <summary>Sends a GET request and returns the answers: every part of a dump, or the single reply.</summary>
    public List<NetlinkMessage> Query(NetlinkRequest request, string what) =>
        ReceiveUntil(Send(request, what), what, dump: (request.Flags & Rtnl.NLM_F_DUMP) == Rtnl.NLM_F_DUMP).ToList();

    private uint Send(NetlinkRequest request, string what)
    {
        var seq = ++_sequence;
        var bytes = request.Finish(seq);
        try
        {
            _socket.Send(bytes);
        }
        catch (SocketException e)
        {
            throw new NetlinkException(what, (int)e.SocketErrorCode, e.Message);
        }
        return seq;
    }

    private IEnumerable<NetlinkMessage> ReceiveUntil(uint seq, string what, bool dump)
    {
        while (true)
        {
            int n;
            try
            {
                n = _socket.Receive(_receive);
            }
            catch (SocketException e)
            {
                throw new NetlinkException(what, (int)e.SocketErrorCode, e.Message);
            }
            foreach (var m in NetlinkMessage.Parse(_receive.AsSpan(0, n)))
            {
                if (m.Sequence != seq) continue;
                if (m.Type == Rtnl.NLMSG_ERROR)
                {
                    var errno = -BinaryPrimitives.ReadInt32LittleEndian(m.Payload);
                    if (errno == 0) yield break;
                    throw new NetlinkException(what, errno, ExtendedAckText(m));
                }
                if (m.Type == Rtnl.NLMSG_DONE) yield break;
                yield return m;
                if (!dump) yield break;
            }
        }
    }

    private static string? ExtendedAckText(NetlinkMessage m)
    {
        if ((m.Flags & Rtnl.NLM_F_ACK_TLVS) == 0 || m.Payload.Length <= Rtnl.ErrorSize) return null;
        return NetlinkMessage.ParseAttributes(m.Payload.AsSpan(Rtnl.ErrorSize)).TryGetValue(Rtnl.NLMSGERR_ATTR_MSG, out var text)
            ? NetlinkMessage.AsString(text) : null;
    }

    public void Dispose() => _socket.Dispose();
}
