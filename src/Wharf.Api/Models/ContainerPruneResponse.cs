namespace Wharf.Api.Models;

/// <summary>The answer to POST /containers/prune.</summary>
public sealed class ContainerPruneResponse
{
    public List<string>? ContainersDeleted { get; set; }
    public ulong SpaceReclaimed { get; set; }
}
