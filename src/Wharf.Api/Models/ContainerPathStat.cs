using System.Text.Json.Serialization;

namespace Wharf.Api.Models;

/// <summary>
/// Swagger: the `X-Docker-Container-Path-Stat` header of HEAD/GET /containers/{id}/archive, base64 of this JSON.
/// Mode is a Go os.FileMode (permission bits plus Go's type bits); Mtime is RFC 3339 with nanoseconds.
/// </summary>
public sealed class ContainerPathStat
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("size")]
    public long Size { get; set; }

    [JsonPropertyName("mode")]
    public uint Mode { get; set; }

    [JsonPropertyName("mtime")]
    public string Mtime { get; set; } = "";

    [JsonPropertyName("linkTarget")]
    public string LinkTarget { get; set; } = "";
}
