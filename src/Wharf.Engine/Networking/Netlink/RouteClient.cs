using System.Buffers.Binary;

namespace Wharf.Engine.Networking.Netlink;

/// <summary>A link as the kernel lists it.</summary>
internal sealed record LinkInfo(int Index, string Name, int Master, string Kind, bool Up);

/// <summary>An IPv4 route of the main table.</summary>
internal sealed record RouteInfo(Ipv4Subnet Destination, int OutputInterface);

/// <summary>
/// Links, addresses and routes over one route-netlink socket, in the namespace the socket belongs to:
/// what `ip link`, `ip addr` and `ip route` do, without a process per call.
/// </summary>
internal sealed class RouteClient(NetlinkSocket socket) : IDisposable
{
    private const ushort Create = Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL | Rtnl.NLM_F_ACK;

    public NetlinkSocket Socket => socket;

    /// <summary>The link called <paramref name="name"/>, or null.</summary>
    public LinkInfo? FindLink(string name)
    {
        var request = new NetlinkRequest(Rtnl.RTM_GETLINK, 0).IfInfo().String(Rtnl.IFLA_IFNAME, name);
        try
        {
            return socket.Query(request, $"looking up link {name}").Select(ParseLink).FirstOrDefault();
        }
        catch (NetlinkException e) when (e.Errno == 19)
        {
            return null;
        }
    }

    public List<LinkInfo> ListLinks() =>
        socket.Query(new NetlinkRequest(Rtnl.RTM_GETLINK, Rtnl.NLM_F_DUMP).IfInfo(), "listing links")
            .Where(m => m.Type == Rtnl.RTM_NEWLINK).Select(ParseLink).ToList();

    public void CreateBridge(string name) =>
        socket.Execute(new NetlinkRequest(Rtnl.RTM_NEWLINK, Create).IfInfo()
            .String(Rtnl.IFLA_IFNAME, name)
            .Nested(Rtnl.IFLA_LINKINFO, r => r.String(Rtnl.IFLA_INFO_KIND, "bridge")), $"creating bridge {name}");

    /// <summary>
    /// A veth pair in one request: <paramref name="hostName"/> here, up and enslaved to <paramref name="masterIndex"/>;
    /// its peer created directly in the namespace <paramref name="peerNamespaceFd"/> as <paramref name="peerName"/>,
    /// down, with <paramref name="peerMac"/>.
    /// </summary>
    public void CreateVeth(string hostName, int masterIndex, string peerName, int peerNamespaceFd, byte[] peerMac)
    {
        var r = new NetlinkRequest(Rtnl.RTM_NEWLINK, Create).IfInfo(flags: Rtnl.IFF_UP, change: Rtnl.IFF_UP)
            .String(Rtnl.IFLA_IFNAME, hostName)
            .U32(Rtnl.IFLA_MASTER, (uint)masterIndex);
        var info = r.BeginNested(Rtnl.IFLA_LINKINFO);
        r.String(Rtnl.IFLA_INFO_KIND, "veth");
        var data = r.BeginNested(Rtnl.IFLA_INFO_DATA);
        var peer = r.BeginNested(Rtnl.VETH_INFO_PEER);
        // The peer cannot be set up in this request (the kernel answers ENOTCONN): its namespace's side does that.
        r.IfInfo()
            .String(Rtnl.IFLA_IFNAME, peerName)
            .Attribute(Rtnl.IFLA_ADDRESS, peerMac)
            .U32(Rtnl.IFLA_NET_NS_FD, (uint)peerNamespaceFd);
        r.EndNested(peer).EndNested(data).EndNested(info);
        socket.Execute(r, $"creating veth pair {hostName}");
    }

    /// <summary>Sets or clears IFF_UP.</summary>
    public void SetUp(int index, string name, bool up = true) =>
        socket.Execute(new NetlinkRequest(Rtnl.RTM_NEWLINK, Rtnl.NLM_F_ACK).IfInfo(index, up ? Rtnl.IFF_UP : 0, Rtnl.IFF_UP),
            $"setting link {name} {(up ? "up" : "down")}");

    /// <summary>Hairpin mode on a bridge port: a container reaches its own published ports through the host's address.</summary>
    public void SetHairpin(int index, string name) =>
        socket.Execute(new NetlinkRequest(Rtnl.RTM_SETLINK, Rtnl.NLM_F_ACK).IfInfo(index, family: Native.Libc.AF_BRIDGE)
            .Nested(Rtnl.IFLA_PROTINFO, r => r.U8(Rtnl.IFLA_BRPORT_MODE, 1)), $"setting hairpin mode on {name}");

    /// <summary>Deletes a link; false when there was none.</summary>
    public bool DeleteLink(string name) =>
        socket.ExecuteIfExists(new NetlinkRequest(Rtnl.RTM_DELLINK, Rtnl.NLM_F_ACK).IfInfo().String(Rtnl.IFLA_IFNAME, name), $"deleting link {name}");

    public void AddAddress(int index, string name, uint address, int prefixLength)
    {
        var bytes = Ipv4Subnet.ToBytes(address);
        var broadcast = Ipv4Subnet.ToBytes(address | (prefixLength == 32 ? 0 : uint.MaxValue >> prefixLength));
        socket.Execute(new NetlinkRequest(Rtnl.RTM_NEWADDR, Rtnl.NLM_F_CREATE | Rtnl.NLM_F_REPLACE | Rtnl.NLM_F_ACK)
            .IfAddr(index, (byte)prefixLength)
            .Attribute(Rtnl.IFA_LOCAL, bytes).Attribute(Rtnl.IFA_ADDRESS, bytes).Attribute(Rtnl.IFA_BROADCAST, broadcast),
            $"adding address {Ipv4Subnet.Format(address)}/{prefixLength} to {name}");
    }

    public void DeleteAddress(int index, string name, uint address, int prefixLength)
    {
        var bytes = Ipv4Subnet.ToBytes(address);
        socket.Execute(new NetlinkRequest(Rtnl.RTM_DELADDR, Rtnl.NLM_F_ACK).IfAddr(index, (byte)prefixLength)
            .Attribute(Rtnl.IFA_LOCAL, bytes).Attribute(Rtnl.IFA_ADDRESS, bytes),
            $"removing address {Ipv4Subnet.Format(address)}/{prefixLength} from {name}");
    }

    /// <summary>An IPv6 address without duplicate address detection: usable at once (the subnet is Wharf's own).</summary>
    public void AddAddress6(int index, string name, UInt128 address, int prefixLength)
    {
        var bytes = Ipv6Subnet.ToBytes(address);
        socket.Execute(new NetlinkRequest(Rtnl.RTM_NEWADDR, Rtnl.NLM_F_CREATE | Rtnl.NLM_F_REPLACE | Rtnl.NLM_F_ACK)
            .IfAddr(index, (byte)prefixLength, Rtnl.AF_INET6, Rtnl.IFA_F_NODAD).Attribute(Rtnl.IFA_LOCAL, bytes).Attribute(Rtnl.IFA_ADDRESS, bytes),
            $"adding address {Ipv6Subnet.Format(address)}/{prefixLength} to {name}");
    }

    public void AddDefaultRoute6(UInt128 gateway, int index, string name) =>
        socket.Execute(new NetlinkRequest(Rtnl.RTM_NEWROUTE, Create).RtMsg(0, family: Rtnl.AF_INET6)
            .Attribute(Rtnl.RTA_GATEWAY, Ipv6Subnet.ToBytes(gateway)).U32(Rtnl.RTA_OIF, (uint)index),
            $"adding default route via {Ipv6Subnet.Format(gateway)} on {name}");

    /// <summary>The IPv4 addresses of a link with their prefix lengths.</summary>
    public List<(uint Address, int PrefixLength)> Addresses(int index)
    {
        var list = new List<(uint, int)>();
        var dump = new NetlinkRequest(Rtnl.RTM_GETADDR, Rtnl.NLM_F_DUMP).IfAddr(0, 0);
        foreach (var m in socket.Query(dump, "listing addresses"))
        {
            if (m.Type != Rtnl.RTM_NEWADDR || m.Payload.Length < Rtnl.IfAddrMsgSize) continue;
            if (BinaryPrimitives.ReadInt32LittleEndian(m.Payload.AsSpan(4)) != index || m.Payload[0] != Native.Libc.AF_INET) continue;
            var attrs = m.Attributes(Rtnl.IfAddrMsgSize);
            if (attrs.TryGetValue(Rtnl.IFA_LOCAL, out var local) || attrs.TryGetValue(Rtnl.IFA_ADDRESS, out local))
                list.Add((Ipv4Subnet.FromBytes(local), m.Payload[1]));
        }
        return list;
    }

    public void AddDefaultRoute(uint gateway, int index, string name) =>
        socket.Execute(new NetlinkRequest(Rtnl.RTM_NEWROUTE, Create).RtMsg(0)
            .Attribute(Rtnl.RTA_GATEWAY, Ipv4Subnet.ToBytes(gateway)).U32(Rtnl.RTA_OIF, (uint)index),
            $"adding default route via {Ipv4Subnet.Format(gateway)} on {name}");

    /// <summary>The IPv4 routes of the main table.</summary>
    public List<RouteInfo> Routes()
    {
        var list = new List<RouteInfo>();
        foreach (var m in socket.Query(new NetlinkRequest(Rtnl.RTM_GETROUTE, Rtnl.NLM_F_DUMP).RtMsg(0, 0), "listing routes"))
        {
            if (m.Payload.Length < Rtnl.RtMsgSize || m.Payload[0] != Native.Libc.AF_INET) continue;
            var attrs = m.Attributes(Rtnl.RtMsgSize);
            var table = attrs.TryGetValue(Rtnl.RTA_TABLE, out var t) ? BinaryPrimitives.ReadUInt32LittleEndian(t) : m.Payload[4];
            if (table != Rtnl.RT_TABLE_MAIN) continue;
            var dst = attrs.TryGetValue(Rtnl.RTA_DST, out var d) ? Ipv4Subnet.FromBytes(d) : 0;
            var oif = attrs.TryGetValue(Rtnl.RTA_OIF, out var o) ? BinaryPrimitives.ReadInt32LittleEndian(o) : 0;
            list.Add(new RouteInfo(new Ipv4Subnet(dst, m.Payload[1]), oif));
        }
        return list;
    }

    private static LinkInfo ParseLink(NetlinkMessage m)
    {
        var index = BinaryPrimitives.ReadInt32LittleEndian(m.Payload.AsSpan(4));
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(m.Payload.AsSpan(8));
        var attrs = m.Attributes(Rtnl.IfInfoMsgSize);
        var name = attrs.TryGetValue(Rtnl.IFLA_IFNAME, out var n) ? NetlinkMessage.AsString(n) : "";
        var master = attrs.TryGetValue(Rtnl.IFLA_MASTER, out var ms) ? BinaryPrimitives.ReadInt32LittleEndian(ms) : 0;
        var kind = attrs.TryGetValue(Rtnl.IFLA_LINKINFO, out var li)
            && NetlinkMessage.ParseAttributes(li).TryGetValue(Rtnl.IFLA_INFO_KIND, out var k) ? NetlinkMessage.AsString(k) : "";
        return new LinkInfo(index, name, master, kind, (flags & Rtnl.IFF_UP) != 0);
    }

    public void Dispose() => socket.Dispose();
}

internal static class NetlinkRequestExtensions
{
    public static NetlinkRequest Nested(this NetlinkRequest r, ushort type, Action<NetlinkRequest> body)
    {
        var start = r.BeginNested(type);
        body(r);
        return r.EndNested(start);
    }
}
