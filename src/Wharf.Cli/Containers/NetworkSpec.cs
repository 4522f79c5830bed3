using System.Text.RegularExpressions;
using Wharf.Api.Models;

namespace Wharf.Cli.Containers;

/// <summary>
/// `--network` values (a name, or "name=n,alias=a,ip=..,driver-opt=k=v") and the endpoint settings the docker CLI
/// derives from them and from --network-alias, --link, --ip, --ip6, --mac-address and --link-local-ip.
/// </summary>
public static partial class NetworkSpec
{
    /// <summary>One --network value (opts.NetworkAttachmentOpts).</summary>
    public sealed class Attachment
    {
        public string Target = "";
        public List<string> Aliases = [];
        public Dictionary<string, string>? DriverOpts;
        public List<string> Links = [];
        public string IPv4Address = "";
        public string IPv6Address = "";
        public List<string> LinkLocalIps = [];
        public string MacAddress = "";
        public int GwPriority;
    }

    [GeneratedRegex(@"\w+=\w+(,\w+=\w+)*")]
    private static partial Regex LongSyntax();

    public static string Validate(string value)
    {
        Parse(value);
        return value;
    }

    /// <summary>NetworkOpt.Set.</summary>
    public static Attachment Parse(string value)
    {
        var a = new Attachment();
        if (!LongSyntax().IsMatch(value))
        {
            a.Target = value;
            return a;
        }
        foreach (var field in CsvRecord.Parse(value))
        {
            var lower = field.ToLowerInvariant();
            var eq = lower.IndexOf('=');
            if (eq <= 0) throw new FormatException($"invalid field {field}");
            var key = lower[..eq].Trim();
            var val = lower[(eq + 1)..].Trim();
            switch (key)
            {
                case "name": a.Target = val; break;
                case "alias": a.Aliases.Add(val); break;
                case "ip": a.IPv4Address = val; break;
                case "ip6": a.IPv6Address = val; break;
                case "mac-address": a.MacAddress = val; break;
                case "link-local-ip": a.LinkLocalIps.Add(val); break;
                case "driver-opt":
                    var deq = val.IndexOf('=');
                    if (deq <= 0) throw new FormatException("invalid key value pair format in driver options");
                    (a.DriverOpts ??= [])[val[..deq].Trim()] = val[(deq + 1)..].Trim();
                    break;
                case "gw-priority":
                    if (!GoStrconv.TryAtoi(val, out a.GwPriority, out var err))
                        throw new FormatException($"invalid gw-priority ({val}): {(err.EndsWith("value out of range", StringComparison.Ordinal) ? "value out of range" : "invalid syntax")}");
                    break;
                default: throw new FormatException("invalid field key " + key);
            }
        }
        if (a.Target.Length == 0) throw new FormatException("network name/id is not specified");
        return a;
    }

    /// <summary>Not default, bridge, host, none or container:x (container.NetworkMode.IsUserDefined).</summary>
    public static bool IsUserDefined(string mode) =>
        mode is not ("default" or "bridge" or "host" or "none") && !mode.StartsWith("container:", StringComparison.Ordinal);

    /// <summary>The options that are not part of --network but apply to the first network.</summary>
    public sealed record ContainerOptions(IReadOnlyList<string> Aliases, IReadOnlyList<string> Links, string IPv4, string IPv6,
        string Mac, IReadOnlyList<string> LinkLocalIps);

    /// <summary>parseNetworkOpts: the EndpointsConfig of the create request.</summary>
    public static Dictionary<string, EndpointSettings?> Endpoints(IReadOnlyList<Attachment> networks, ContainerOptions copts)
    {
        var endpoints = new Dictionary<string, EndpointSettings?>(StringComparer.Ordinal);
        bool userDefined = false, nonUserDefined = false;
        if (networks.Count == 0)
        {
            var n = new Attachment { Target = "default" };
            Apply(n, copts);
            endpoints["default"] = ToEndpoint(n);
        }
        for (int i = 0; i < networks.Count; i++)
        {
            var n = networks[i];
            if (IsUserDefined(n.Target)) userDefined = true;
            else nonUserDefined = true;
            if (i == 0) Apply(n, copts);
            var ep = ToEndpoint(n);
            if (endpoints.ContainsKey(n.Target)) throw new FormatException($"network \"{n.Target}\" is specified multiple times");
            if (i == 0 && networks.Count == 1 && IsEmpty(ep)) continue;
            endpoints[n.Target] = ep;
        }
        if (userDefined && nonUserDefined)
            throw new FormatException("conflicting options: cannot attach both user-defined and non-user-defined network-modes");
        return endpoints;
    }

    static bool IsEmpty(EndpointSettings ep) =>
        ep.IPAMConfig is null && ep.Links is null && string.IsNullOrEmpty(ep.MacAddress) && ep.Aliases is null && ep.DriverOpts is null;

    static void Apply(Attachment n, ContainerOptions c)
    {
        if (n.Aliases.Count > 0 && c.Aliases.Count > 0)
            throw new FormatException("conflicting options: cannot specify both --network-alias and per-network alias");
        if (n.Links.Count > 0 && c.Links.Count > 0)
            throw new FormatException("conflicting options: cannot specify both --link and per-network links");
        if (n.IPv4Address.Length > 0 && c.IPv4.Length > 0)
            throw new FormatException("conflicting options: cannot specify both --ip and per-network IPv4 address");
        if (n.IPv6Address.Length > 0 && c.IPv6.Length > 0)
            throw new FormatException("conflicting options: cannot specify both --ip6 and per-network IPv6 address");
        if (n.MacAddress.Length > 0 && c.Mac.Length > 0)
            throw new FormatException("conflicting options: cannot specify both --mac-address and per-network MAC address");
        if (n.LinkLocalIps.Count > 0 && c.LinkLocalIps.Count > 0)
            throw new FormatException("conflicting options: cannot specify both --link-local-ip and per-network link-local IP addresses");
        if (c.Aliases.Count > 0) n.Aliases = [.. c.Aliases];
        if (IsUserDefined(n.Target) && c.Links.Count > 0) n.Links = [.. c.Links];
        if (c.IPv4.Length > 0) n.IPv4Address = c.IPv4;
        if (c.IPv6.Length > 0) n.IPv6Address = c.IPv6;
        if (c.Mac.Length > 0) n.MacAddress = c.Mac;
        if (c.LinkLocalIps.Count > 0) n.LinkLocalIps = [.. c.LinkLocalIps];
    }

    /// <summary>parseNetworkAttachmentOpt.</summary>
    static EndpointSettings ToEndpoint(Attachment a)
    {
        if (a.Target.Trim().Length == 0) throw new FormatException("no name set for network");
        if (!IsUserDefined(a.Target))
        {
            if (a.Aliases.Count > 0) throw new FormatException("network-scoped aliases are only supported for user-defined networks");
            if (a.Links.Count > 0) throw new FormatException("links are only supported for user-defined networks");
        }
        var ep = new EndpointSettings
        {
            Aliases = a.Aliases.Count > 0 ? [.. a.Aliases] : null,
            DriverOpts = a.DriverOpts is { Count: > 0 } ? a.DriverOpts : null,
            Links = a.Links.Count > 0 ? a.Links : null,
        };
        if (a.IPv4Address.Length > 0 || a.IPv6Address.Length > 0 || a.LinkLocalIps.Count > 0)
        {
            ep.IPAMConfig = new EndpointIpamConfig
            {
                IPv4Address = a.IPv4Address.Length > 0 ? a.IPv4Address : null,
                IPv6Address = a.IPv6Address.Length > 0 ? a.IPv6Address : null,
                LinkLocalIPs = a.LinkLocalIps.Count > 0 ? a.LinkLocalIps : null,
            };
        }
        if (a.MacAddress.Length > 0)
        {
            if (!GoNet.IsMac(a.MacAddress.Trim())) throw new FormatException($"{a.MacAddress} is not a valid mac address");
            ep.MacAddress = a.MacAddress;
        }
        return ep;
    }
}
