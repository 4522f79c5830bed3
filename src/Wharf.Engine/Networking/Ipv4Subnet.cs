using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Wharf.Engine.Networking;

/// <summary>An IPv4 prefix (network address and length); addresses are host-order <see cref="uint"/>s.</summary>
public readonly record struct Ipv4Subnet
{
    public Ipv4Subnet(uint address, int prefixLength)
    {
        if (prefixLength is < 0 or > 32) throw new ArgumentOutOfRangeException(nameof(prefixLength));
        PrefixLength = prefixLength;
        Network = address & Mask(prefixLength);
    }

    public uint Network { get; }
    public int PrefixLength { get; }

    public uint Broadcast => Network | ~Mask(PrefixLength);
    public ulong Size => 1UL << (32 - PrefixLength);

    public bool Contains(uint address) => (address & Mask(PrefixLength)) == Network;
    public bool Contains(Ipv4Subnet other) => other.PrefixLength >= PrefixLength && Contains(other.Network);
    public bool Overlaps(Ipv4Subnet other) => Contains(other.Network) || other.Contains(Network);

    public override string ToString() => Format(Network) + "/" + PrefixLength.ToString(CultureInfo.InvariantCulture);

    public static uint Mask(int prefixLength) => prefixLength == 0 ? 0 : uint.MaxValue << (32 - prefixLength);

    /// <summary>Parses `a.b.c.d/n`; the host part may be set (`10.1.2.1/24`), <paramref name="address"/> keeps it.</summary>
    public static bool TryParse(string text, out Ipv4Subnet subnet, out uint address)
    {
        subnet = default;
        address = 0;
        var slash = text.IndexOf('/');
        if (slash < 0 || !TryParseAddress(text[..slash], out address)) return false;
        if (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length > 32) return false;
        subnet = new Ipv4Subnet(address, length);
        return true;
    }

    public static Ipv4Subnet Parse(string text) =>
        TryParse(text, out var s, out _) ? s : throw new FormatException($"invalid CIDR address: {text}");

    /// <summary>A dotted-quad IPv4 address (no IPv6, no shortened forms).</summary>
    public static bool TryParseAddress(string text, out uint address)
    {
        address = 0;
        var parts = text.Split('.');
        if (parts.Length != 4) return false;
        foreach (var p in parts)
        {
            if (p.Length is 0 or > 3 || !byte.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var b)) return false;
            address = (address << 8) | b;
        }
        return true;
    }

    public static string Format(uint address) => new IPAddress(ToBytes(address)).ToString();

    public static byte[] ToBytes(uint address)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, address);
        return b;
    }

    public static uint FromBytes(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadUInt32BigEndian(bytes);

    public static uint FromIPAddress(IPAddress ip) =>
        ip.AddressFamily == AddressFamily.InterNetwork ? FromBytes(ip.GetAddressBytes()) : throw new FormatException($"not an IPv4 address: {ip}");
}
