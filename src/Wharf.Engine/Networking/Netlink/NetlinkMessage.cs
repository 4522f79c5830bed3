using System.Buffers.Binary;
using System.Text;

namespace Wharf.Engine.Networking.Netlink;

/// <summary>A received netlink message: its type and payload (fixed family header, then attributes).</summary>
internal readonly record struct NetlinkMessage(ushort Type, ushort Flags, uint Sequence, byte[] Payload)
{
    /// <summary>Splits a datagram into its messages.</summary>
    public static List<NetlinkMessage> Parse(ReadOnlySpan<byte> datagram)
    {
        var list = new List<NetlinkMessage>();
        while (datagram.Length >= Rtnl.HeaderSize)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(datagram);
            if (length < Rtnl.HeaderSize || length > datagram.Length) throw new IOException($"netlink: malformed message of {length} bytes");
            list.Add(new NetlinkMessage(
                BinaryPrimitives.ReadUInt16LittleEndian(datagram[4..]),
                BinaryPrimitives.ReadUInt16LittleEndian(datagram[6..]),
                BinaryPrimitives.ReadUInt32LittleEndian(datagram[8..]),
                datagram[Rtnl.HeaderSize..length].ToArray()));
            datagram = datagram[Math.Min(NetlinkRequest.Align(length), datagram.Length)..];
        }
        return list;
    }

    /// <summary>The attributes after a fixed header of <paramref name="fixedSize"/> bytes, by type (nested flag cleared).</summary>
    public Dictionary<ushort, byte[]> Attributes(int fixedSize) => ParseAttributes(Payload.AsSpan(Math.Min(fixedSize, Payload.Length)));

    public static Dictionary<ushort, byte[]> ParseAttributes(ReadOnlySpan<byte> span)
    {
        var attrs = new Dictionary<ushort, byte[]>();
        while (span.Length >= 4)
        {
            var len = BinaryPrimitives.ReadUInt16LittleEndian(span);
            var type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(span[2..]) & 0x3FFF);
            if (len < 4 || len > span.Length) break;
            attrs[type] = span[4..len].ToArray();
            span = span[Math.Min(NetlinkRequest.Align(len), span.Length)..];
        }
        return attrs;
    }

    public static string AsString(byte[] value) => Encoding.UTF8.GetString(value).TrimEnd('\0');
}
