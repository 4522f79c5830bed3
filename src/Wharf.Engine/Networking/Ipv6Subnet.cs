using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Wharf.Engine.Networking;

/// <summary>
/// An IPv6 subnet of a bridge network. Only unique local addresses (fd00::/8) are handed out: Wharf does not
/// route global IPv6 prefixes. Addresses are 128-bit numbers in host order.
/// </summary>
public readonly record struct Ipv6Subnet(UInt128 Network, int PrefixLength)
{
    private static readonly UInt128 UlaPrefix = (UInt128)0xfd << 120;

    public UInt128 Mask => PrefixLength == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - PrefixLength);

    public bool Contains(UInt128 address) => (address & Mask) == Network;

    public bool Overlaps(Ipv6Subnet other)
    {
        var shorter = Math.Min(PrefixLength, other.PrefixLength);
        var mask = shorter == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - shorter);
        return (Network & mask) == (other.Network & mask);
    }

    /// <summary>Inside fd00::/8, the unique local addresses a node may pick for itself.</summary>
    public bool IsUla => PrefixLength >= 8 && (Network >> 120) == 0xfd;

    public override string ToString() => Format(Network) + "/" + PrefixLength;

    /// <summary>"fd12::/64": the subnet and the address as written (host bits possibly set).</summary>
    public static bool TryParse(string text, out Ipv6Subnet subnet, out UInt128 address)
    {
        subnet = default;
        address = 0;
        var slash = text.IndexOf('/');
        if (slash < 0 || !int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, null, out var prefix) || prefix > 128) return false;
        if (!TryParseAddress(text[..slash], out address)) return false;
        var mask = prefix == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - prefix);
        subnet = new Ipv6Subnet(address & mask, prefix);
        return true;
    }

    public static Ipv6Subnet Parse(string text) =>
        TryParse(text, out var s, out _) ? s : throw new FormatException($"not an IPv6 subnet: {text}");

    public static bool TryParseAddress(string? text, out UInt128 address)
    {
        address = 0;
        if (string.IsNullOrEmpty(text) || !text.Contains(':') || !IPAddress.TryParse(text, out var ip)
            || ip.AddressFamily != AddressFamily.InterNetworkV6 || ip.ScopeId != 0 || text.Contains('%')) return false;
        address = FromBytes(ip.GetAddressBytes());
        return true;
    }

    public static UInt128 FromBytes(ReadOnlySpan<byte> b) => System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(b);

    public static byte[] ToBytes(UInt128 address)
    {
        var b = new byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(b, address);
        return b;
    }

    public static string Format(UInt128 address) => new IPAddress(ToBytes(address)).ToString();

    /// <summary>A random /64 under fd00::/8 (40 random bits of global id, subnet id 0), as Docker picks one.</summary>
    public static Ipv6Subnet RandomUla()
    {
        Span<byte> id = stackalloc byte[5];
        RandomNumberGenerator.Fill(id);
        UInt128 global = 0;
        foreach (var b in id) global = (global << 8) | b;
        return new Ipv6Subnet(UlaPrefix | (global << 80), 64);
    }

    /// <summary>The lowest address after the gateway not in <paramref name="used"/>; null when the subnet is full.</summary>
    public UInt128? Lowest(UInt128 gateway, IReadOnlySet<UInt128> used)
    {
        var last = Network | ~Mask;
        for (var a = Network + 1; a <= last && a > Network; a++)
        {
            if (a != gateway && !used.Contains(a)) return a;
            if (a - Network > 1_000_000) break;
        }
        return null;
    }
}
