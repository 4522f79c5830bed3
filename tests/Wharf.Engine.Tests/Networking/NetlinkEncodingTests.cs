using Wharf.Engine.Networking;
using Wharf.Engine.Networking.Netlink;

namespace Wharf.Engine.Tests.Networking;

public sealed class NetlinkEncodingTests
{
    [Fact]
    public void Header_fixed_part_and_padded_attributes()
    {
        var bytes = new NetlinkRequest(Rtnl.RTM_NEWLINK, Rtnl.NLM_F_ACK).IfInfo(7, Rtnl.IFF_UP, Rtnl.IFF_UP)
            .String(Rtnl.IFLA_IFNAME, "br0").Finish(42).ToArray();
        // 16 header + 16 ifinfomsg + (4 + "br0\0") = 40.
        Assert.Equal(40, bytes.Length);
        Assert.Equal(40u, BitConverter.ToUInt32(bytes, 0));
        Assert.Equal(Rtnl.RTM_NEWLINK, BitConverter.ToUInt16(bytes, 4));
        Assert.Equal(Rtnl.NLM_F_ACK | Rtnl.NLM_F_REQUEST, BitConverter.ToUInt16(bytes, 6));
        Assert.Equal(42u, BitConverter.ToUInt32(bytes, 8));
        Assert.Equal(7, BitConverter.ToInt32(bytes, 20));
        Assert.Equal(1u, BitConverter.ToUInt32(bytes, 24));
        Assert.Equal(8, BitConverter.ToUInt16(bytes, 32));
        Assert.Equal(Rtnl.IFLA_IFNAME, BitConverter.ToUInt16(bytes, 34));
        Assert.Equal("br0\0"u8.ToArray(), bytes[36..40]);
    }

    [Fact]
    public void Nested_attributes_carry_their_total_length_and_the_nested_flag()
    {
        var r = new NetlinkRequest(Rtnl.RTM_NEWLINK, 0).IfInfo();
        var outer = r.BeginNested(Rtnl.IFLA_LINKINFO);
        r.String(Rtnl.IFLA_INFO_KIND, "veth"); // 4 + 5 -> padded to 12
        var inner = r.BeginNested(Rtnl.IFLA_INFO_DATA);
        r.U32(1, 5);
        r.EndNested(inner).EndNested(outer);
        var bytes = r.Finish(1).ToArray();
        var attrs = NetlinkMessage.ParseAttributes(bytes.AsSpan(32));
        var linkinfo = NetlinkMessage.ParseAttributes(attrs[Rtnl.IFLA_LINKINFO]);
        Assert.Equal("veth", NetlinkMessage.AsString(linkinfo[Rtnl.IFLA_INFO_KIND]));
        Assert.Equal(5u, BitConverter.ToUInt32(NetlinkMessage.ParseAttributes(linkinfo[Rtnl.IFLA_INFO_DATA])[1]));
        Assert.Equal(4 + 12 + 4 + 8, BitConverter.ToUInt16(bytes, 32));
        Assert.Equal(Rtnl.IFLA_LINKINFO | Rtnl.NLA_F_NESTED, BitConverter.ToUInt16(bytes, 34));
    }

    [Fact]
    public void Datagrams_split_into_messages()
    {
        var a = new NetlinkRequest(Rtnl.NLMSG_DONE, 0).U32(1, 1).Finish(9).ToArray();
        var b = new NetlinkRequest(Rtnl.RTM_NEWADDR, 0).IfAddr(3, 24).Finish(10).ToArray();
        var messages = NetlinkMessage.Parse([.. a, .. b]);
        Assert.Equal([(Rtnl.NLMSG_DONE, 9u), (Rtnl.RTM_NEWADDR, 10u)], messages.Select(m => (m.Type, m.Sequence)));
        Assert.Equal(24, messages[1].Payload[1]);
        Assert.Throws<IOException>(() => NetlinkMessage.Parse([.. a[..8], 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    }

    [Fact]
    public void Addresses_are_network_byte_order_on_the_wire()
    {
        Assert.True(Ipv4Subnet.TryParseAddress("10.1.2.3", out var ip));
        Assert.Equal(new byte[] { 10, 1, 2, 3 }, Ipv4Subnet.ToBytes(ip));
        Assert.Equal(ip, Ipv4Subnet.FromBytes([10, 1, 2, 3]));
    }
}
