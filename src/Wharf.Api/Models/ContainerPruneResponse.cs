namespace Wharf.Api.Models;

/// <summary>Swagger: ContainerPruneResponse.</summary>
public sealed class ContainerPruneResponse
{
    public List<string>? ContainersDeleted { get; set; }
    public long SpaceReclaimed { get; set; }
}
