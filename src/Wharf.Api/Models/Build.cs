namespace Wharf.Api.Models;

/// <summary>POST /build/prune's answer.</summary>
public sealed class BuildCachePruneResponse
{
    public List<string>? CachesDeleted { get; set; }
    public long SpaceReclaimed { get; set; }
}
