namespace Wharf.Engine.Build;

/// <summary>
/// The builder's cache as `system df` and `system prune` see it. The hook for the builder: it sets
/// <see cref="WharfEngine.BuildCache"/> to its own cache; until then <see cref="EmptyBuildCache"/> answers.
/// </summary>
public interface IBuildCache
{
    /// <summary>POST /build/prune: removes cache entries (all of them with <paramref name="all"/>, else the unused ones) matching the filters.</summary>
    (IReadOnlyList<string> Deleted, long Reclaimed) Prune(bool all, Dictionary<string, List<string>> filters);
}

/// <summary>No builder yet: no cache, nothing to prune.</summary>
public sealed class EmptyBuildCache : IBuildCache
{
    public (IReadOnlyList<string> Deleted, long Reclaimed) Prune(bool all, Dictionary<string, List<string>> filters) => ([], 0);
}
