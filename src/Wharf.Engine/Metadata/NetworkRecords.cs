namespace Wharf.Engine.Metadata;

/// <summary>A network: its IPv4 subnet, gateway (the bridge's address) and optional allocation range.</summary>
public sealed record NetworkRecord(string Id, string Name, string Driver, string Bridge, string Subnet, string Gateway,
    string? IpRange, bool Internal, string Labels, string Options, string Created)
{
    /// <summary>With `--ipv6`: the network's IPv6 subnet (under fd00::/8) and the bridge's IPv6 address; null otherwise.</summary>
    public string? Subnet6 { get; init; }
    public string? Gateway6 { get; init; }
}

/// <summary>A container's attachment to a network while it runs: its address, MAC, host-side veth and namespace file.</summary>
public sealed record EndpointRecord(string Id, string NetworkId, string ContainerId, string Address, string Mac,
    string Veth, string Sandbox)
{
    /// <summary>The endpoint's IPv6 address on an IPv6 network; null otherwise.</summary>
    public string? Address6 { get; init; }
}

/// <summary>A host port forwarded to an endpoint; <see cref="HostIp"/> is 0.0.0.0 for every address.</summary>
public sealed record PublishedPortRecord(string EndpointId, string Proto, string HostIp, int HostPort, int ContainerPort);
