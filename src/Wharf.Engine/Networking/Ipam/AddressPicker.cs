namespace Wharf.Engine.Networking.Ipam;

/// <summary>Chooses container addresses and their MACs.</summary>
public static class AddressPicker
{
    /// <summary>
    /// The lowest address of <paramref name="range"/> (or the whole subnet) that is not the network or
    /// broadcast address, not the gateway and not in <paramref name="used"/>; null when none is left.
    /// Reusing the lowest free address is harmless because the MAC follows the address.
    /// </summary>
    public static uint? Lowest(Ipv4Subnet subnet, Ipv4Subnet? range, uint gateway, IReadOnlySet<uint> used)
    {
        var pool = range ?? subnet;
        for (ulong a = pool.Network; a <= pool.Broadcast; a++)
        {
            var ip = (uint)a;
            if (subnet.PrefixLength < 31 && (ip == subnet.Network || ip == subnet.Broadcast)) continue;
            if (ip == gateway || used.Contains(ip)) continue;
            return ip;
        }
        return null;
    }

    /// <summary>Docker's MAC for an address: 02:42 followed by the four bytes of the IPv4 address.</summary>
    public static byte[] Mac(uint address)
    {
        var ip = Ipv4Subnet.ToBytes(address);
        return [0x02, 0x42, ip[0], ip[1], ip[2], ip[3]];
    }

    /// <summary>`aa:bb:cc:dd:ee:ff` (or with dashes) to its six bytes; null when malformed, multicast or all zero.</summary>
    public static byte[]? ParseMac(string text)
    {
        var parts = text.Split(text.Contains('-') ? '-' : ':');
        if (parts.Length != 6) return null;
        var mac = new byte[6];
        for (var i = 0; i < 6; i++)
            if (parts[i].Length != 2 || !byte.TryParse(parts[i], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out mac[i])) return null;
        return (mac[0] & 1) != 0 || mac.All(b => b == 0) ? null : mac;
    }

    public static string FormatMac(ReadOnlySpan<byte> mac) => string.Join(':', mac.ToArray().Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
}
