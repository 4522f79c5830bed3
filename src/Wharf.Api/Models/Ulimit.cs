using System.Text.Json.Serialization;

namespace Wharf.Api.Models;

/// <summary>One resource limit (HostConfig.Ulimits): Name without the RLIMIT_ prefix ("nofile"); -1 means unlimited.</summary>
public sealed class Ulimit
{
    public string? Name { get; set; } = "";
    [JsonConverter(typeof(LenientInt64Converter))]
    public long Soft { get; set; }
    [JsonConverter(typeof(LenientInt64Converter))]
    public long Hard { get; set; }
}
