namespace Wharf.Compose.Engine;

/// <summary>The flags of `compose up` (and `create`, `start` of dependencies in `run`).</summary>
public sealed class UpOptions
{
    public List<string> Services { get; init; } = [];
    public bool Build { get; init; }
    public bool NoBuild { get; init; }
    public bool ForceRecreate { get; init; }
    public bool NoRecreate { get; init; }
    public bool NoDeps { get; init; }
    public bool NoStart { get; init; }
    public bool RemoveOrphans { get; init; }
    public bool Wait { get; init; }
    public int? WaitTimeoutSeconds { get; init; }
    public Dictionary<string, int> Scale { get; init; } = new(StringComparer.Ordinal);
    public int? Timeout { get; init; }
    /// <summary>`--pull`: always, missing, never, build, or null (policy) for each service's pull_policy.</summary>
    public string? Pull { get; init; }
}
