using System.Text.Json.Serialization;

namespace Wharf.Api.Models;

/// <summary>
/// Swagger: RestartPolicy. Name is "", "no", "always", "unless-stopped" or "on-failure";
/// MaximumRetryCount only counts for on-failure. Docker shows {"Name":"no","MaximumRetryCount":0} by default.
/// </summary>
public sealed class RestartPolicy
{
    public string? Name { get; set; } = "no";
    [JsonConverter(typeof(LenientInt32Converter))]
    public int MaximumRetryCount { get; set; }
}
