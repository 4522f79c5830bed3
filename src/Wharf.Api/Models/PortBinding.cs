namespace Wharf.Api.Models;

/// <summary>A host address and port a container port is published on (swagger: PortBinding).</summary>
public sealed class PortBinding
{
    public string? HostIp { get; set; } = "";
    public string? HostPort { get; set; } = "";
}
