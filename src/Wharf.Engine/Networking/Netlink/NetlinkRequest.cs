using System.Buffers.Binary;
using System.Text;

namespace Wharf.Engine.Networking.Netlink;

/// <summary>
/// One netlink message being built: the 16-byte header, a fixed family header (ifinfomsg, ifaddrmsg,
/// rtmsg) and attributes, nested ones included, each aligned to 4 bytes in host byte order.
/// </summary>
internal sealed class NetlinkRequest
{
    private byte[] _buffer = new byte[256];
    private int _length;

    public NetlinkRequest(ushort type, ushort flags)
    {
        Type = type;
        Flags = (ushort)(flags | Rtnl.NLM_F_REQUEST);
        _length = Rtnl.HeaderSize;
    }

    public ushort Type { get; }
    public ushort Flags { get; }

    /// <summary>The message with its header filled in for <paramref name="sequence"/>.</summary>
    public ReadOnlySpan<byte> Finish(uint sequence)
    {
        var span = _buffer.AsSpan(0, _length);
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)_length);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], Type);
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], Flags);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], 0);
        return span;
    }

    /// <summary>struct ifinfomsg: family, type, index, flags, change.</summary>
    public NetlinkRequest IfInfo(int index = 0, uint flags = 0, uint change = 0, byte family = 0)
    {
        var s = Reserve(Rtnl.IfInfoMsgSize);
        s[0] = family;
        BinaryPrimitives.WriteInt32LittleEndian(s[4..], index);
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(s[12..], change);
        return this;
    }

    /// <summary>struct ifaddrmsg for IPv4.</summary>
    public NetlinkRequest IfAddr(int index, byte prefixLength, byte family = Native.Libc.AF_INET, byte flags = 0)
    {
        var s = Reserve(Rtnl.IfAddrMsgSize);
        s[0] = family;
        s[1] = prefixLength;
        s[2] = flags;
        BinaryPrimitives.WriteInt32LittleEndian(s[4..], index);
        return this;
    }

    /// <summary>struct rtmsg for an IPv4 unicast route in the main table.</summary>
    public NetlinkRequest RtMsg(byte destinationLength, byte table = Rtnl.RT_TABLE_MAIN, byte family = Native.Libc.AF_INET)
    {
        var s = Reserve(Rtnl.RtMsgSize);
        s[0] = family;
        s[1] = destinationLength;
        s[4] = table;
        s[5] = Rtnl.RTPROT_BOOT;
        s[6] = Rtnl.RT_SCOPE_UNIVERSE;
        s[7] = Rtnl.RTN_UNICAST;
        return this;
    }

    public NetlinkRequest Attribute(ushort type, ReadOnlySpan<byte> value)
    {
        var s = Reserve(Align(4 + value.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(s, (ushort)(4 + value.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(s[2..], type);
        value.CopyTo(s[4..]);
        return this;
    }

    public NetlinkRequest U32(ushort type, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        return Attribute(type, b);
    }

    public NetlinkRequest U8(ushort type, byte value) => Attribute(type, [value]);

    /// <summary>A NUL-terminated string attribute (interface names, link kinds).</summary>
    public NetlinkRequest String(ushort type, string value)
    {
        Span<byte> b = stackalloc byte[Encoding.UTF8.GetByteCount(value) + 1];
        Encoding.UTF8.GetBytes(value, b);
        return Attribute(type, b);
    }

    /// <summary>Starts a nested attribute; pass the result to <see cref="EndNested"/>.</summary>
    public int BeginNested(ushort type)
    {
        var start = _length;
        var s = Reserve(4);
        BinaryPrimitives.WriteUInt16LittleEndian(s[2..], (ushort)(type | Rtnl.NLA_F_NESTED));
        return start;
    }

    public NetlinkRequest EndNested(int start)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(start), (ushort)(_length - start));
        return this;
    }

    internal static int Align(int n) => (n + 3) & ~3;

    private Span<byte> Reserve(int n)
    {
        if (_length + n > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + n));
        var s = _buffer.AsSpan(_length, n);
        s.Clear();
        _length += n;
        return s;
    }
}
