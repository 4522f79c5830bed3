using System.Text.Json.Serialization;

namespace Wharf.Api.Models;

/// <summary>A container's endpoint on one network, as requested and as inspected (swagger: EndpointSettings).</summary>
public sealed class EndpointSettings
{
    public EndpointIpamConfig? IPAMConfig { get; set; }
    public List<string>? Links { get; set; }
    public string? MacAddress { get; set; } = "";
    public List<string>? Aliases { get; set; }
    public Dictionary<string, string>? DriverOpts { get; set; }
    public string? NetworkID { get; set; } = "";
    public string? EndpointID { get; set; } = "";
    public string? Gateway { get; set; } = "";
    public string? IPAddress { get; set; } = "";
    [JsonConverter(typeof(LenientInt32Converter))]
    public int IPPrefixLen { get; set; }
    public string? IPv6Gateway { get; set; } = "";
    public string? GlobalIPv6Address { get; set; } = "";
    [JsonConverter(typeof(LenientInt64Converter))]
    public long GlobalIPv6PrefixLen { get; set; }
    public List<string>? DNSNames { get; set; }
}

/// <summary>Static addresses requested for an endpoint (swagger: EndpointIPAMConfig).</summary>
public sealed class EndpointIpamConfig
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? IPv4Address { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? IPv6Address { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? LinkLocalIPs { get; set; }
}
