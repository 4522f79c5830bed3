namespace Wharf.Api.Models;

/// <summary>The networks a container is created on, by network name (swagger: NetworkingConfig).</summary>
public sealed class NetworkingConfig
{
    public Dictionary<string, EndpointSettings?>? EndpointsConfig { get; set; }
}
