using Wharf.Engine.Metadata;
using System.Text.RegularExpressions;
using Wharf.Api.Models;
using Wharf.Engine.Images;

namespace Wharf.Engine.Volumes;

public sealed partial class VolumeService
{
    /// <summary>GET /volumes with Docker's filters: dangling, name, label, driver.</summary>
    public VolumeListResponse List(Dictionary<string, List<string>> filters)
    {
        IEnumerable<VolumeRecord> all = All();
        foreach (var (key, values) in filters)
        {
            all = key switch
            {
                "dangling" => DanglingFilter(all, values),
                "name" => all.Where(v => values.Any(p => NameMatches(v.Name, p))).ToList(),
                "label" => all.Where(v => values.All(l => ImageService.LabelMatch(Labels(v), l))).ToList(),
                "label!" => all.Where(v => !values.Any(l => ImageService.LabelMatch(Labels(v), l))).ToList(),
                "driver" => all.Where(v => values.Contains(v.Driver)).ToList(),
                _ => throw new BadRequestException($"invalid filter '{key}'"),
            };
        }
        return new VolumeListResponse { Volumes = all.Select(ToApi).ToList() };
    }

    private List<VolumeRecord> DanglingFilter(IEnumerable<VolumeRecord> all, List<string> values)
    {
        var wanted = new HashSet<bool>();
        foreach (var v in values)
        {
            wanted.Add(v.ToLowerInvariant() switch
            {
                "true" or "1" => true,
                "false" or "0" => false,
                _ => throw new BadRequestException($"invalid filter 'dangling={v}'"),
            });
        }
        return all.Where(v => wanted.Contains(UsersOf(v.Name).Count == 0)).ToList();
    }

    // Docker matches names as a regular expression (so a plain word is a substring match).
    private static bool NameMatches(string name, string pattern)
    {
        try
        {
            return Regex.IsMatch(name, pattern, RegexOptions.None, TimeSpan.FromMilliseconds(100));
        }
        catch (ArgumentException)
        {
            return name.Contains(pattern, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// POST /volumes/prune: unused volumes — only anonymous ones unless the filter all=true (API 1.42+) —
    /// matching the label/label! filters. Returns the names removed and the bytes their data held.
    /// </summary>
    public VolumePruneResponse Prune(Dictionary<string, List<string>> filters)
    {
        foreach (var key in filters.Keys.Where(k => k is not ("label" or "label!" or "all")))
            throw new BadRequestException($"invalid filter '{key}'");
        var all = filters.TryGetValue("all", out var a) && a.Any(v => v.ToLowerInvariant() switch
        {
            "true" or "1" => true,
            "false" or "0" => false,
            _ => throw new BadRequestException($"invalid filter 'all={v}'"),
        });
        var deleted = new List<string>();
        long reclaimed = 0;
        foreach (var v in All())
        {
            var labels = Labels(v);
            if (!all && !labels.ContainsKey(VolumeName.AnonymousLabel)) continue;
            if (filters.TryGetValue("label", out var want) && !want.All(l => ImageService.LabelMatch(labels, l))) continue;
            if (filters.TryGetValue("label!", out var not) && not.Any(l => ImageService.LabelMatch(labels, l))) continue;
            var size = SizeOf(v);
            if (!TryRemoveUnused(v.Name)) continue;
            deleted.Add(v.Name);
            reclaimed += Math.Max(0, size);
        }
        _events.Publish("volume", "prune", "", new() { ["reclaimed"] = reclaimed.ToString() });
        return new VolumePruneResponse { VolumesDeleted = deleted.Count > 0 ? deleted : null, SpaceReclaimed = reclaimed };
    }
}
