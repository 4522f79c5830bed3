using System.Globalization;
using System.Net;

namespace Wharf.Engine.Build;

/// <summary>EXPOSE port words (`80`, `53/udp`, `8000-8002/tcp`, also `[ip:]host:container`) to `port/proto` keys.</summary>
public static class PortSpec
{
    /// <summary>The exposed-port keys one word stands for (`8000-8001` → `8000/tcp`, `8001/tcp`); throws <see cref="FormatException"/>.</summary>
    public static IReadOnlyList<string> ExposedPortKeys(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var (ip, hostPort, containerPart) = SplitParts(spec);
        var slash = containerPart.IndexOf('/', StringComparison.Ordinal);
        var port = slash < 0 ? containerPart : containerPart[..slash];
        var proto = slash < 0 ? "" : containerPart[(slash + 1)..];
        if (port.Length == 0)
        {
            throw new FormatException($"no port specified: {spec}<empty>");
        }
        proto = proto.Length == 0 ? "tcp" : proto.ToLowerInvariant();
        if (proto is not ("tcp" or "udp" or "sctp"))
        {
            throw new FormatException("invalid proto: " + proto);
        }
        if (ip.Length > 0)
        {
            var bare = ip.StartsWith('[') && ip.EndsWith(']') ? ip[1..^1] : ip;
            if (!IPAddress.TryParse(bare, out _))
            {
                throw new FormatException($"invalid IP address: {ip}");
            }
        }
        if (!TryParseRange(port, out var start, out var end))
        {
            throw new FormatException("invalid containerPort: " + port);
        }
        if (hostPort.Length > 0)
        {
            if (!TryParseRange(hostPort, out var hostStart, out var hostEnd))
            {
                throw new FormatException("invalid hostPort: " + hostPort);
            }
            // A host range may differ only when it is a pool for a single container port.
            if (end - start != hostEnd - hostStart && end != start)
            {
                throw new FormatException($"invalid ranges specified for container and host Ports: {port} and {hostPort}");
            }
        }
        var keys = new List<string>(end - start + 1);
        for (var p = start; p <= end; p++)
        {
            keys.Add(p.ToString(CultureInfo.InvariantCulture) + "/" + proto);
        }
        return keys;
    }

    private static (string Ip, string HostPort, string ContainerPort) SplitParts(string raw)
    {
        var parts = raw.Split(':');
        return parts.Length switch
        {
            1 => ("", "", parts[0]),
            2 => ("", parts[0], parts[1]),
            3 => (parts[0], parts[1], parts[2]),
            _ => (string.Join(':', parts[..^2]), parts[^2], parts[^1]),
        };
    }

    private static bool TryParseRange(string text, out int start, out int end)
    {
        start = end = 0;
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        var first = dash < 0 ? text : text[..dash];
        var last = dash < 0 ? text : text[(dash + 1)..];
        if (!TryParsePort(first, out start) || !TryParsePort(last, out end))
        {
            return false;
        }
        return end >= start;
    }

    private static bool TryParsePort(string text, out int port)
        => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535;
}
