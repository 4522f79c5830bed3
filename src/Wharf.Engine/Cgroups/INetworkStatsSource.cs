using Wharf.Api.Models;

namespace Wharf.Engine.Cgroups;

/// <summary>
/// Fills the <c>networks</c> part of a stats frame (per-interface counters from the container's network
/// namespace). The networking code implements it; without one, <c>networks</c> is left out.
/// </summary>
public interface INetworkStatsSource
{
    /// <summary>Counters keyed by interface name inside the container; null when the container has no network.</summary>
    Dictionary<string, ContainerNetworkStats>? Read(string containerId);
}
