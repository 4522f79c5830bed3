using System.Globalization;
using System.Net;
using Wharf.Api.Models;

namespace Wharf.Engine.Networking.Ports;

/// <summary>
/// One container port to publish: on <see cref="HostIp"/> (0.0.0.0 for every address), at a host port
/// in [<see cref="HostPortFirst"/>, <see cref="HostPortLast"/>], or a free ephemeral one when both are 0.
/// </summary>
public sealed record PortRequest(string Proto, int ContainerPort, string HostIp, int HostPortFirst, int HostPortLast)
{
    public bool RandomHostPort => HostPortFirst == 0;

    /// <summary>
    /// The ports a container asks to publish: its PortBindings, and with PublishAllPorts every exposed port
    /// not bound explicitly (random host port). Throws <see cref="BadRequestException"/> with Docker's messages.
    /// </summary>
    public static List<PortRequest> From(HostConfig hc, ContainerConfig config)
    {
        var list = new List<PortRequest>();
        var bound = new HashSet<(int, string)>();
        foreach (var (key, bindings) in hc.PortBindings ?? [])
        {
            var (port, proto) = ParseKey(key);
            bound.Add((port, proto));
            var items = bindings is { Count: > 0 } ? bindings : [new PortBinding()];
            foreach (var b in items)
            {
                var (first, last) = ParseHostPort(b.HostPort ?? "");
                list.Add(new PortRequest(proto, port, ParseHostIp(b.HostIp ?? ""), first, last));
            }
        }
        if (hc.PublishAllPorts)
        {
            foreach (var key in config.ExposedPorts?.Keys ?? Enumerable.Empty<string>())
            {
                var (port, proto) = ParseKey(key);
                if (bound.Add((port, proto))) list.Add(new PortRequest(proto, port, "0.0.0.0", 0, 0));
            }
        }
        return list;
    }

    /// <summary>`80`, `80/tcp`, `53/udp`, `9/sctp` to (port, protocol).</summary>
    public static (int Port, string Proto) ParseKey(string key)
    {
        var slash = key.IndexOf('/');
        var portText = slash < 0 ? key : key[..slash];
        var proto = slash < 0 ? "tcp" : key[(slash + 1)..].ToLowerInvariant();
        if (proto is not ("tcp" or "udp" or "sctp")) throw new BadRequestException($"invalid port specification: \"{key}\": unknown protocol \"{proto}\"");
        if (!TryPort(portText, out var port) || port == 0) throw new BadRequestException($"invalid port specification: \"{portText}\"");
        return (port, proto);
    }

    /// <summary>"" (random), "8080", or "8000-8010" (the first free one of the range).</summary>
    public static (int First, int Last) ParseHostPort(string text)
    {
        if (text.Length == 0) return (0, 0);
        var dash = text.IndexOf('-');
        if (dash < 0)
            return TryPort(text, out var p) ? (p, p) : throw new BadRequestException($"invalid port specification: \"{text}\"");
        if (!TryPort(text[..dash], out var first) || !TryPort(text[(dash + 1)..], out var last) || first == 0 || last < first)
            throw new BadRequestException($"invalid port specification: \"{text}\"");
        return (first, last);
    }

    /// <summary>"" for every address, else an IPv4 literal (IPv6 host addresses are not supported yet).</summary>
    public static string ParseHostIp(string text)
    {
        if (text.Length == 0) return "0.0.0.0";
        if (Ipv4Subnet.TryParseAddress(text, out var v4)) return Ipv4Subnet.Format(v4);
        var bare = text.StartsWith('[') && text.EndsWith(']') ? text[1..^1] : text;
        if (bare.Contains(':') && IPAddress.TryParse(bare, out _))
            throw new BadRequestException($"publishing on an IPv6 host address is not supported: \"{text}\"");
        throw new BadRequestException($"invalid IP address in port binding: \"{text}\"");
    }

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535;
}
