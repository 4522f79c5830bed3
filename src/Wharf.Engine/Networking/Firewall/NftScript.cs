using System.Globalization;
using System.Text;

namespace Wharf.Engine.Networking.Firewall;

/// <summary>
/// The nft scripts for a daemon's table (family ip). Published ports are elements of two maps, so a
/// container's start and exit change elements and never rules:
///
///   published_addr: host address . protocol . port  →  container address . port   (-p 127.0.0.2:8080:80)
///   published_any:  protocol . port                 →  container address . port   (-p 8080:80)
///
/// Both are looked up for packets to a local address, from outside (prerouting) and from the host itself
/// (output). Masquerade: what leaves a network's subnet through another interface; what reaches a bridge
/// from 127.0.0.0/8 (host loopback to a published port, routed thanks to route_localnet); and hairpin
/// traffic a container sends to a published port of its own network. The forward chain isolates
/// networks: nothing passes from one Wharf bridge to another, internal networks pass nothing to or from
/// any other interface, and a network without icc passes nothing between its own containers.
/// </summary>
public static class NftScript
{
    public const string AddrMap = "published_addr";
    public const string AnyMap = "published_any";

    /// <summary>Creates or replaces the table atomically (the "add; delete; add" idiom of one nft transaction).</summary>
    public static string Table(string table, IReadOnlyList<FirewallNetwork> networks, IReadOnlyList<PortForward> forwards)
    {
        var s = new StringBuilder();
        s.Append("add table ip ").Append(table).Append('\n');
        s.Append("delete table ip ").Append(table).Append('\n');
        s.Append("table ip ").Append(table).Append(" {\n");
        s.Append("  map ").Append(AddrMap).Append(" { type ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service; }\n");
        s.Append("  map ").Append(AnyMap).Append(" { type inet_proto . inet_service : ipv4_addr . inet_service; }\n");
        s.Append("  chain published {\n");
        s.Append("    dnat ip to ip daddr . meta l4proto . th dport map @").Append(AddrMap).Append('\n');
        s.Append("    dnat ip to meta l4proto . th dport map @").Append(AnyMap).Append('\n');
        s.Append("  }\n");
        s.Append("  chain prerouting {\n    type nat hook prerouting priority dstnat; policy accept;\n    fib daddr type local jump published\n  }\n");
        s.Append("  chain output {\n    type nat hook output priority -100; policy accept;\n    fib daddr type local jump published\n  }\n");
        if (networks.Count > 0)
        {
            s.Append("  set bridges { type ifname; elements = { ").Append(string.Join(", ", networks.Select(n => Quote(n.Bridge)))).Append(" } }\n");
        }
        Forward(s, networks);
        s.Append("  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n");
        foreach (var n in networks)
        {
            var bridge = Quote(n.Bridge);
            if (!n.Internal && n.Masquerade) s.Append("    ip saddr ").Append(n.Subnet).Append(" oifname != ").Append(bridge).Append(" masquerade\n");
            s.Append("    oifname ").Append(bridge).Append(" ip saddr 127.0.0.0/8 masquerade\n");
            s.Append("    oifname ").Append(bridge).Append(" ct status dnat ip saddr ").Append(n.Subnet).Append(" masquerade\n");
        }
        s.Append("  }\n}\n");
        if (forwards.Count > 0) s.Append(Elements("add", table, forwards));
        Table6(s, table, networks.Where(n => n.Subnet6 is not null).ToList());
        return s.ToString();
    }

    /// <summary>
    /// The IPv6 side, a table of family ip6 with the same name, made only while a network has IPv6: the same
    /// isolation between bridges, and masquerade of what leaves an IPv6 subnet. No published ports over IPv6.
    /// </summary>
    private static void Table6(StringBuilder s, string table, IReadOnlyList<FirewallNetwork> networks)
    {
        s.Append("add table ip6 ").Append(table).Append('\n');
        s.Append("delete table ip6 ").Append(table).Append('\n');
        if (networks.Count == 0) return;
        s.Append("table ip6 ").Append(table).Append(" {\n");
        s.Append("  set bridges { type ifname; elements = { ").Append(string.Join(", ", networks.Select(n => Quote(n.Bridge)))).Append(" } }\n");
        Forward(s, networks);
        s.Append("  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n");
        foreach (var n in networks.Where(n => !n.Internal && n.Masquerade))
            s.Append("    ip6 saddr ").Append(n.Subnet6).Append(" oifname != ").Append(Quote(n.Bridge)).Append(" masquerade\n");
        s.Append("  }\n}\n");
    }

    /// <summary>The forward chain: nothing from one Wharf bridge to another, internal networks closed, icc off closes a bridge to itself.</summary>
    private static void Forward(StringBuilder s, IReadOnlyList<FirewallNetwork> networks)
    {
        s.Append("  chain forward {\n    type filter hook forward priority filter; policy accept;\n");
        foreach (var n in networks)
        {
            var bridge = Quote(n.Bridge);
            if (n.Internal)
            {
                s.Append("    iifname ").Append(bridge).Append(" oifname != ").Append(bridge).Append(" drop\n");
                s.Append("    oifname ").Append(bridge).Append(" iifname != ").Append(bridge).Append(" drop\n");
            }
            else
            {
                s.Append("    iifname ").Append(bridge).Append(" oifname != ").Append(bridge).Append(" oifname @bridges drop\n");
            }
            if (!n.Icc) s.Append("    iifname ").Append(bridge).Append(" oifname ").Append(bridge).Append(" drop\n");
        }
        s.Append("  }\n");
    }

    /// <summary>`add element` / `delete element` lines for <paramref name="forwards"/>, grouped per map.</summary>
    public static string Elements(string verb, string table, IEnumerable<PortForward> forwards)
    {
        var s = new StringBuilder();
        foreach (var f in forwards)
        {
            var any = f.HostIp == "0.0.0.0";
            s.Append(verb).Append(" element ip ").Append(table).Append(' ').Append(any ? AnyMap : AddrMap).Append(" { ");
            if (!any) s.Append(f.HostIp).Append(" . ");
            s.Append(f.Proto).Append(" . ").Append(f.HostPort.ToString(CultureInfo.InvariantCulture));
            if (verb == "add") s.Append(" : ").Append(f.ContainerIp).Append(" . ").Append(f.ContainerPort.ToString(CultureInfo.InvariantCulture));
            s.Append(" }\n");
        }
        return s.ToString();
    }

    /// <summary>An interface name quoted for nft; names with quotes, backslashes or white space are refused.</summary>
    public static string Quote(string name)
    {
        if (name.Any(c => c is '"' or '\\' or '\n' || char.IsWhiteSpace(c))) throw new ArgumentException($"invalid interface name: {name}");
        return "\"" + name + "\"";
    }
}
