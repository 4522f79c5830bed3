using System.Text.Json.Serialization;

namespace Wharf.Api.Models;

/// <summary>A network as listed and inspected (swagger: Network).</summary>
public sealed class NetworkResource
{
    public string Name { get; set; } = "";
    public string Id { get; set; } = "";
    public string Created { get; set; } = "";
    public string Scope { get; set; } = "local";
    public string Driver { get; set; } = "";
    public bool EnableIPv4 { get; set; } = true;
    public bool EnableIPv6 { get; set; }
    public NetworkIpam IPAM { get; set; } = new();
    public bool Internal { get; set; }
    public bool Attachable { get; set; }
    public bool Ingress { get; set; }
    public NetworkConfigReference ConfigFrom { get; set; } = new();
    public bool ConfigOnly { get; set; }
    public Dictionary<string, NetworkContainer> Containers { get; set; } = [];
    public Dictionary<string, string> Options { get; set; } = [];
    public Dictionary<string, string> Labels { get; set; } = [];
}

/// <summary>Address management of a network (swagger: IPAM).</summary>
public sealed class NetworkIpam
{
    public string Driver { get; set; } = "default";
    public List<NetworkIpamConfig>? Config { get; set; } = [];
    public Dictionary<string, string>? Options { get; set; }
}

/// <summary>One subnet of a network (swagger: IPAMConfig).</summary>
public sealed class NetworkIpamConfig
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Subnet { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? IPRange { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Gateway { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? AuxiliaryAddresses { get; set; }
}

/// <summary>swagger: ConfigReference.</summary>
public sealed class NetworkConfigReference
{
    public string Network { get; set; } = "";
}

/// <summary>A container's endpoint in a network's inspect (swagger: NetworkContainer).</summary>
public sealed class NetworkContainer
{
    public string Name { get; set; } = "";
    public string EndpointID { get; set; } = "";
    public string MacAddress { get; set; } = "";
    public string IPv4Address { get; set; } = "";
    public string IPv6Address { get; set; } = "";
}

/// <summary>The body of POST /networks/create (swagger: NetworkCreateRequest).</summary>
public sealed class NetworkCreateRequest
{
    public string? Name { get; set; }
    public bool CheckDuplicate { get; set; }
    public string? Driver { get; set; }
    public string? Scope { get; set; }
    public bool Internal { get; set; }
    public bool Attachable { get; set; }
    public bool Ingress { get; set; }
    public bool ConfigOnly { get; set; }
    public NetworkConfigReference? ConfigFrom { get; set; }
    public NetworkIpam? IPAM { get; set; }
    public bool? EnableIPv4 { get; set; }
    public bool? EnableIPv6 { get; set; }
    public Dictionary<string, string>? Options { get; set; }
    public Dictionary<string, string>? Labels { get; set; }
}

/// <summary>The answer to POST /networks/create.</summary>
public sealed class NetworkCreateResponse
{
    public string Id { get; set; } = "";
    public string Warning { get; set; } = "";
}

/// <summary>The body of POST /networks/{id}/connect.</summary>
public sealed class NetworkConnectRequest
{
    public string? Container { get; set; }
    public EndpointSettings? EndpointConfig { get; set; }
}

/// <summary>The body of POST /networks/{id}/disconnect.</summary>
public sealed class NetworkDisconnectRequest
{
    public string? Container { get; set; }
    public bool Force { get; set; }
}

/// <summary>The answer to POST /networks/prune.</summary>
public sealed class NetworkPruneResponse
{
    public List<string>? NetworksDeleted { get; set; }
}
