namespace Wharf.Engine.Metadata;

/// <summary>A network: its IPv4 subnet, gateway (the bridge's address) and optional allocation range.</summary>
public sealed record NetworkRecord(string Id, string Name, string Driver, string Bridge, string Subnet, string Gateway,
    string? IpRange, bool Internal, string Labels, string Options, string Created);

/// <summary>A container's attachment to a network while it runs: its address, MAC, host-side veth and namespace file.</summary>
public sealed record EndpointRecord(string Id, string NetworkId, string ContainerId, string Address, string Mac,
    string Veth, string Sandbox);

/// <summary>A host port forwarded to an endpoint; <see cref="HostIp"/> is 0.0.0.0 for every address.</summary>
public sealed record PublishedPortRecord(string EndpointId, string Proto, string HostIp, int HostPort, int ContainerPort);
