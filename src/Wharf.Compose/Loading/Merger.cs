using Wharf.Compose.Yaml;

namespace Wharf.Compose.Loading;

/// <summary>
/// Compose's rules for `-f a.yml -f b.yml` and for extends: mappings merge key by key, a later scalar wins,
/// command/entrypoint/healthcheck test are replaced whole, ports, expose, dns and the like are appended,
/// volumes merge by their target path.
/// </summary>
public static class Merger
{
    static readonly HashSet<string> Replaced = new(StringComparer.Ordinal) { "command", "entrypoint", "test" };

    static readonly HashSet<string> Appended = new(StringComparer.Ordinal)
    {
        "ports", "expose", "external_links", "links", "dns", "dns_search", "dns_opt", "tmpfs", "cap_add", "cap_drop",
        "security_opt", "devices", "volumes_from", "env_file", "group_add", "profiles", "cache_from", "tags",
    };

    public static Node Merge(Node? base_, Node over, string key = "")
    {
        if (base_ is null) return over.Clone();
        if (Replaced.Contains(key)) return over.Clone();
        if (base_ is MapNode bm && over is MapNode om)
        {
            var result = (MapNode)bm.Clone();
            foreach (var (k, v) in om.Entries) result.Set(k, Merge(result[k], v, k), om.KeyMark(k));
            return result;
        }
        if (base_ is SeqNode bs && over is SeqNode os)
        {
            if (key == "volumes") return MergeVolumes(bs, os);
            if (!Appended.Contains(key)) return os.Clone();
            var result = (SeqNode)bs.Clone();
            foreach (var item in os.Items)
                if (item is not ScalarNode s || !result.Items.OfType<ScalarNode>().Any(r => r.Value == s.Value)) result.Items.Add(item.Clone());
            return result;
        }
        if (key == "dns" || key == "dns_search" || key == "tmpfs" || key == "env_file")
        {
            // string + list forms of the same key
            var seq = new SeqNode { Mark = over.Mark };
            foreach (var n in new[] { base_, over })
                if (n is SeqNode s) seq.Items.AddRange(s.Items.Select(i => i.Clone()));
                else seq.Items.Add(n.Clone());
            return seq;
        }
        return over.Clone();
    }

    static SeqNode MergeVolumes(SeqNode a, SeqNode b)
    {
        var result = new SeqNode { Mark = b.Mark };
        var byTarget = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in a.Items.Concat(b.Items))
        {
            var target = VolumeTarget(item);
            if (target is not null && byTarget.TryGetValue(target, out var i)) result.Items[i] = item.Clone();
            else
            {
                if (target is not null) byTarget[target] = result.Items.Count;
                result.Items.Add(item.Clone());
            }
        }
        return result;
    }

    static string? VolumeTarget(Node n) => n switch
    {
        MapNode m => (m["target"] as ScalarNode)?.Value,
        ScalarNode s => s.Value.Split(':') switch { [var one] => one, [_, var t, ..] => t, _ => null },
        _ => null,
    };
}
