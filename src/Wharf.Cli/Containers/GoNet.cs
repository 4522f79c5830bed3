using System.Net;
using System.Net.Sockets;

namespace Wharf.Cli.Containers;

/// <summary>Go's net.ParseIP and net.ParseMAC acceptance rules (stricter than .NET's parsers).</summary>
public static class GoNet
{
    /// <summary>Dotted-quad IPv4 (no leading zeros, no short forms) or IPv6 without a zone.</summary>
    public static bool IsIP(string s)
    {
        if (s.Contains(':')) return !s.Contains('%') && IPAddress.TryParse(s, out var a) && a.AddressFamily == AddressFamily.InterNetworkV6;
        var parts = s.Split('.');
        if (parts.Length != 4) return false;
        foreach (var p in parts)
        {
            if (p.Length is 0 or > 3 || !p.All(char.IsAsciiDigit)) return false;
            if (p.Length > 1 && p[0] == '0') return false;
            if (int.Parse(p, System.Globalization.CultureInfo.InvariantCulture) > 255) return false;
        }
        return true;
    }

    /// <summary>net.ParseMAC: 6, 8 or 20 octets as xx:xx:.., xx-xx-.. or xxxx.xxxx.xxxx.</summary>
    public static bool IsMac(string s)
    {
        static bool Hex(string h) => h.All(Uri.IsHexDigit);
        if (s.Length < 14) return false;
        if (s[2] == ':' || s[2] == '-')
        {
            var parts = s.Split(s[2]);
            return parts.Length is 6 or 8 or 20 && parts.All(p => p.Length == 2 && Hex(p));
        }
        if (s[4] == '.')
        {
            var parts = s.Split('.');
            return parts.Length is 3 or 4 or 10 && parts.All(p => p.Length == 4 && Hex(p));
        }
        return false;
    }
}
