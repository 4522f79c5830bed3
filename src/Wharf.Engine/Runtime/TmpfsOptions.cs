namespace Wharf.Engine.Runtime;

/// <summary>Merges tmpfs mount options the way Docker does: later flags override their opposites, later key=value pairs replace earlier ones.</summary>
public static class TmpfsOptions
{
    private static readonly Dictionary<string, string> Opposites = new(StringComparer.Ordinal)
    {
        ["exec"] = "noexec", ["noexec"] = "exec", ["suid"] = "nosuid", ["nosuid"] = "suid",
        ["dev"] = "nodev", ["nodev"] = "dev", ["ro"] = "rw", ["rw"] = "ro",
        ["atime"] = "noatime", ["noatime"] = "atime", ["diratime"] = "nodiratime", ["nodiratime"] = "diratime",
        ["relatime"] = "norelatime", ["norelatime"] = "relatime", ["strictatime"] = "nostrictatime", ["nostrictatime"] = "strictatime",
        ["sync"] = "async", ["async"] = "sync",
    };

    private static readonly HashSet<string> Propagations = new(StringComparer.Ordinal)
    {
        "private", "rprivate", "shared", "rshared", "slave", "rslave", "unbindable", "runbindable",
    };

    public static List<string> Merge(IEnumerable<string> options)
    {
        var result = new List<string>();
        foreach (var raw in options)
        {
            var o = raw.Trim();
            if (o.Length == 0) continue;
            var eq = o.IndexOf('=');
            if (eq > 0)
            {
                var key = o[..(eq + 1)];
                result.RemoveAll(x => x.StartsWith(key, StringComparison.Ordinal));
            }
            else if (Opposites.TryGetValue(o, out var opposite))
            {
                result.Remove(opposite);
                result.Remove(o);
            }
            else if (Propagations.Contains(o))
            {
                result.RemoveAll(Propagations.Contains);
            }
            else
            {
                result.Remove(o);
            }
            result.Add(o);
        }
        return result;
    }
}
