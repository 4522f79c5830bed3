using System.Text.Json.Serialization;

namespace Wharf.Api.Models;

/// <summary>A request for devices from a device driver (`--gpus`; swagger: DeviceRequest).</summary>
public sealed class DeviceRequest
{
    public string? Driver { get; set; } = "";
    [JsonConverter(typeof(LenientInt32Converter))]
    public int Count { get; set; }
    public List<string>? DeviceIDs { get; set; }
    public List<List<string>>? Capabilities { get; set; }
    public Dictionary<string, string>? Options { get; set; }
}
