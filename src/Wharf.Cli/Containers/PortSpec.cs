using System.Globalization;
using Wharf.Api.Models;

namespace Wharf.Cli.Containers;

/// <summary>
/// `-p`/`--publish` and `--expose` as the docker CLI reads them: [ip:][hostPort:]containerPort[/proto] with port
/// ranges, the long form "target=80,published=8080,protocol=udp", and the resulting ExposedPorts and PortBindings.
/// </summary>
public static class PortSpec
{
    /// <summary>Fills exposed ports and bindings from -p values; throws <see cref="FormatException"/> with docker's message.</summary>
    public static void AddPublished(IEnumerable<string> specs, Dictionary<string, EmptyObject> exposed,
        Dictionary<string, List<PortBinding>?> bindings)
    {
        foreach (var raw in specs)
        {
            foreach (var (port, binding) in ParseSpec(ToStandardNotation(raw)))
            {
                exposed.TryAdd(port, EmptyObject.Instance);
                if (!bindings.TryGetValue(port, out var list) || list is null) bindings[port] = list = [];
                list.Add(binding);
            }
        }
    }

    /// <summary>Adds --expose values ("80", "80/udp", "8000-8010/tcp") to the exposed ports.</summary>
    public static void AddExposed(IEnumerable<string> specs, Dictionary<string, EmptyObject> exposed)
    {
        foreach (var e in specs)
        {
            if (e.Contains(':')) throw new FormatException($"invalid port format for --expose: {e}");
            var (proto, port) = SplitProtoPort(e);
            if (!TryParseRange(port, out var start, out var end, out var err))
                throw new FormatException($"invalid range format for --expose: {e}, error: {err}");
            for (var p = start; p <= end; p++) exposed.TryAdd(p.ToString(CultureInfo.InvariantCulture) + "/" + proto, EmptyObject.Instance);
        }
    }

    /// <summary>convertToStandardNotation: the long "k=v,..." form into ip:public:private/proto.</summary>
    static string ToStandardNotation(string publish)
    {
        if (!publish.Contains('=')) return publish;
        var p = new Dictionary<string, string>(StringComparer.Ordinal) { ["protocol"] = "tcp" };
        foreach (var param in publish.Split(','))
        {
            var eq = param.IndexOf('=');
            if (eq <= 0) throw new FormatException($"invalid publish opts format (should be name=value but got '{param}')");
            p[param[..eq]] = param[(eq + 1)..];
        }
        return $"{p.GetValueOrDefault("published")}:{p.GetValueOrDefault("target")}/{p["protocol"]}";
    }

    static (string Proto, string Port) SplitProtoPort(string raw)
    {
        var slash = raw.IndexOf('/');
        var port = slash < 0 ? raw : raw[..slash];
        var proto = slash < 0 ? "" : raw[(slash + 1)..];
        if (port.Length == 0) return ("", "");
        return (proto.Length == 0 ? "tcp" : proto, port);
    }

    /// <summary>nat.ParsePortRange: "80" or "8000-9000".</summary>
    static bool TryParseRange(string ports, out ulong start, out ulong end, out string error)
    {
        start = end = 0;
        error = "";
        if (ports.Length == 0)
        {
            error = "empty string specified for ports";
            return false;
        }
        var parts = ports.Split('-');
        if (!GoStrconv.TryParseUint(parts[0], 10, 16, out start, out error)) return false;
        if (parts.Length == 1)
        {
            end = start;
            return true;
        }
        if (!GoStrconv.TryParseUint(parts[1], 10, 16, out end, out error)) return false;
        if (end < start)
        {
            error = $"invalid range specified for port: {ports}";
            return false;
        }
        return true;
    }

    /// <summary>nat.ParsePortSpec: one spec into (port/proto, binding) pairs.</summary>
    static List<(string Port, PortBinding Binding)> ParseSpec(string raw)
    {
        var parts = raw.Split(':');
        var n = parts.Length;
        var containerPart = parts[n - 1];
        var hostPort = n >= 2 ? parts[n - 2] : "";
        var ip = n >= 3 ? string.Join(':', parts[..(n - 2)]) : "";
        var (proto, containerPort) = SplitProtoPort(containerPart);
        if (ip.StartsWith('['))
        {
            var close = ip.IndexOf(']');
            if (close != ip.Length - 1) throw new FormatException($"invalid IP address {ip}: address {ip}:: missing port in address");
            ip = ip[1..close];
        }
        if (ip.Length > 0 && !GoNet.IsIP(ip)) throw new FormatException($"invalid IP address: {ip}");
        if (containerPort.Length == 0) throw new FormatException($"no port specified: {raw}<empty>");
        if (!TryParseRange(containerPort, out var start, out var end, out _)) throw new FormatException($"invalid containerPort: {containerPort}");
        ulong hostStart = 0, hostEnd = 0;
        if (hostPort.Length > 0 && !TryParseRange(hostPort, out hostStart, out hostEnd, out _))
            throw new FormatException($"invalid hostPort: {hostPort}");
        if (hostPort.Length > 0 && end - start != hostEnd - hostStart && end != start)
            throw new FormatException($"invalid ranges specified for container and host Ports: {containerPort} and {hostPort}");
        var lowerProto = proto.ToLowerInvariant();
        if (lowerProto is not ("tcp" or "udp" or "sctp")) throw new FormatException($"invalid proto: {proto}");
        var result = new List<(string, PortBinding)>();
        for (ulong i = 0; i <= end - start; i++)
        {
            var hp = hostPort;
            if (hostPort.Length > 0) hp = (hostStart + i).ToString(CultureInfo.InvariantCulture);
            if (start == end && hostStart != hostEnd) hp = $"{hp}-{hostEnd}";
            var port = (start + i).ToString(CultureInfo.InvariantCulture) + "/" + lowerProto;
            result.Add((port, new PortBinding { HostIp = ip, HostPort = hp }));
        }
        return result;
    }
}
