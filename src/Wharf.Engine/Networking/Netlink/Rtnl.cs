namespace Wharf.Engine.Networking.Netlink;

/// <summary>Route-netlink wire constants (linux/netlink.h, rtnetlink.h, if_link.h, if_addr.h, veth.h).</summary>
internal static class Rtnl
{
    public const int NETLINK_ROUTE = 0;
    public const int NETLINK_CAP_ACK = 10;
    public const int NETLINK_EXT_ACK = 11;

    // Message types.
    public const ushort NLMSG_ERROR = 2;
    public const ushort NLMSG_DONE = 3;
    public const ushort RTM_NEWLINK = 16;
    public const ushort RTM_DELLINK = 17;
    public const ushort RTM_GETLINK = 18;
    public const ushort RTM_SETLINK = 19;
    public const ushort RTM_NEWADDR = 20;
    public const ushort RTM_DELADDR = 21;
    public const ushort RTM_GETADDR = 22;
    public const ushort RTM_NEWROUTE = 24;
    public const ushort RTM_GETROUTE = 26;

    // Header flags.
    public const ushort NLM_F_REQUEST = 0x1;
    public const ushort NLM_F_MULTI = 0x2;
    public const ushort NLM_F_ACK = 0x4;
    public const ushort NLM_F_DUMP = 0x300;
    public const ushort NLM_F_REPLACE = 0x100;
    public const ushort NLM_F_EXCL = 0x200;
    public const ushort NLM_F_CREATE = 0x400;
    public const ushort NLM_F_ACK_TLVS = 0x200;
    public const ushort NLMSGERR_ATTR_MSG = 1;

    // Sizes of the fixed parts.
    public const int HeaderSize = 16;
    public const int IfInfoMsgSize = 16;
    public const int IfAddrMsgSize = 8;
    public const int RtMsgSize = 12;
    public const int ErrorSize = 20;

    // Link attributes (IFLA_*).
    public const ushort IFLA_ADDRESS = 1;
    public const ushort IFLA_IFNAME = 3;
    public const ushort IFLA_MTU = 4;
    public const ushort IFLA_MASTER = 10;
    public const ushort IFLA_PROTINFO = 12;
    public const ushort IFLA_LINKINFO = 18;
    public const ushort IFLA_NET_NS_FD = 28;
    public const ushort IFLA_INFO_KIND = 1;
    public const ushort IFLA_INFO_DATA = 2;
    public const ushort VETH_INFO_PEER = 1;
    public const ushort IFLA_BRPORT_MODE = 4;
    public const ushort NLA_F_NESTED = 0x8000;
    public const uint IFF_UP = 0x1;

    // Address attributes (IFA_*).
    public const ushort IFA_ADDRESS = 1;
    public const ushort IFA_LOCAL = 2;
    public const ushort IFA_BROADCAST = 4;
    public const byte IFA_F_NODAD = 0x02;
    public const byte AF_INET6 = 10;

    // Route attributes and values.
    public const ushort RTA_DST = 1;
    public const ushort RTA_OIF = 4;
    public const ushort RTA_GATEWAY = 5;
    public const ushort RTA_TABLE = 15;
    public const byte RT_TABLE_MAIN = 254;
    public const byte RTPROT_BOOT = 3;
    public const byte RT_SCOPE_UNIVERSE = 0;
    public const byte RTN_UNICAST = 1;
}
