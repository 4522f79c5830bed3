namespace Wharf.Api.Models;

/// <summary>A container's network state in `inspect` (swagger: NetworkSettings, with Docker's deprecated top-level fields).</summary>
public sealed class NetworkSettings
{
    public string? Bridge { get; set; } = "";
    public string? SandboxID { get; set; } = "";
    public bool HairpinMode { get; set; }
    public string? LinkLocalIPv6Address { get; set; } = "";
    public int LinkLocalIPv6PrefixLen { get; set; }
    public Dictionary<string, List<PortBinding>?>? Ports { get; set; } = [];
    public string? SandboxKey { get; set; } = "";
    public List<NetworkAddress>? SecondaryIPAddresses { get; set; }
    public List<NetworkAddress>? SecondaryIPv6Addresses { get; set; }
    public string? EndpointID { get; set; } = "";
    public string? Gateway { get; set; } = "";
    public string? GlobalIPv6Address { get; set; } = "";
    public int GlobalIPv6PrefixLen { get; set; }
    public string? IPAddress { get; set; } = "";
    public int IPPrefixLen { get; set; }
    public string? IPv6Gateway { get; set; } = "";
    public string? MacAddress { get; set; } = "";
    public Dictionary<string, EndpointSettings>? Networks { get; set; } = [];
}

/// <summary>An address with its prefix length (swagger: Address).</summary>
public sealed class NetworkAddress
{
    public string? Addr { get; set; } = "";
    public int PrefixLen { get; set; }
}
