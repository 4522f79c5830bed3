namespace Wharf.Engine.Cgroups;

/// <summary>
/// The directories of one cgroup. On v1: one per hierarchy (co-mounted controllers share a directory);
/// on v2: the single unified directory. <see cref="Relative"/> is the path inside the hierarchies
/// ("/wharf/&lt;id&gt;"), which is also the OCI spec's cgroupsPath.
/// </summary>
public sealed class CgroupPaths
{
    public CgroupPaths(string version, string relative, string? unified, IReadOnlyDictionary<string, string> v1)
    {
        Version = version;
        Relative = relative;
        Unified = unified;
        V1 = v1;
    }

    /// <summary>"1" or "2".</summary>
    public string Version { get; }

    public bool IsV2 => Version == "2";

    /// <summary>Path inside each hierarchy, starting with '/'.</summary>
    public string Relative { get; }

    /// <summary>The v2 directory; on a hybrid v1 host the directory under the unified mount (may not exist).</summary>
    public string? Unified { get; }

    /// <summary>v1 controller (or "name=..." hierarchy) → directory.</summary>
    public IReadOnlyDictionary<string, string> V1 { get; }

    /// <summary>Directory holding a controller's files: the v1 hierarchy's, or the unified one on v2.</summary>
    public string? For(string controller)
        => IsV2 ? Unified : V1.TryGetValue(controller, out var d) ? d : null;

    /// <summary>Every distinct directory of this cgroup (v1 hierarchies, plus the unified one).</summary>
    public IReadOnlyList<string> AllDirectories
    {
        get
        {
            var set = new List<string>();
            foreach (var d in V1.Values)
            {
                if (!set.Contains(d))
                {
                    set.Add(d);
                }
            }
            if (Unified != null && !set.Contains(Unified))
            {
                set.Add(Unified);
            }
            return set;
        }
    }

    public override string ToString() => Relative;
}
