using System.Text.Json.Serialization;

namespace Wharf.Api.Models;

/// <summary>A block I/O rate limit for one device (swagger: ThrottleDevice).</summary>
public sealed class ThrottleDevice
{
    public string? Path { get; set; } = "";
    [JsonConverter(typeof(LenientInt64Converter))]
    public long Rate { get; set; }
}

/// <summary>A relative block I/O weight for one device (Resources.BlkioWeightDevice).</summary>
public sealed class WeightDevice
{
    public string? Path { get; set; } = "";
    [JsonConverter(typeof(LenientInt32Converter))]
    public int Weight { get; set; }
}
