using Wharf.Api.Models;
using Wharf.Engine.Content;
using Wharf.Engine.Metadata;

namespace Wharf.Engine.Images;

public sealed partial class ImageService
{
    /// <summary>GET /images/json.</summary>
    public List<ImageSummary> List(bool all, Dictionary<string, List<string>> filters)
    {
        foreach (var key in filters.Keys)
            if (key is not ("dangling" or "reference" or "label" or "before" or "since" or "until"))
                throw new BadRequestException($"invalid filter '{key}'");
        var images = _db.ListImages();
        var (tags, digests) = RefsByImage();
        var parents = images.Where(i => i.Parent is not null).Select(i => i.Parent!).ToHashSet();
        long? before = filters.TryGetValue("before", out var b) && b.Count > 0 ? UnixNanosOf(b[0]) : null;
        long? since = filters.TryGetValue("since", out var s) && s.Count > 0 ? UnixNanosOf(s[0]) : null;
        DateTimeOffset? until = filters.TryGetValue("until", out var u) && u.Count > 0 ? ParseUntil(u[0]) : null;
        bool? dangling = null;
        if (filters.TryGetValue("dangling", out var d) && d.Count > 0)
            dangling = d[0] switch
            {
                "true" or "1" => true,
                "false" or "0" => false,
                _ => throw new BadRequestException($"invalid filter 'dangling={d[0]}'"),
            };
        var result = new List<ImageSummary>();
        foreach (var img in images)
        {
            var t = tags.GetValueOrDefault(img.Id) ?? [];
            var cfg = GetConfig(img.Id);
            if (dangling is true && t.Count > 0) continue;
            if (dangling is false && t.Count == 0) continue;
            if (!all && t.Count == 0 && parents.Contains(img.Id) && dangling is null) continue;
            var created = DateTimeOffset.TryParse(cfg.Created, out var c) ? c : DateTimeOffset.UnixEpoch;
            long createdNanos = (created.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
            if (before is not null && createdNanos >= before) continue;
            if (since is not null && createdNanos <= since) continue;
            if (until is not null && created >= until) continue;
            if (filters.TryGetValue("label", out var labels) && !labels.All(l => LabelMatch(cfg.Config.Labels, l))) continue;
            var shown = t;
            var shownDigests = digests.GetValueOrDefault(img.Id) ?? [];
            if (filters.TryGetValue("reference", out var refs) && refs.Count > 0)
            {
                // As Docker: both lists show only the names that match, so other repositories leave no <none> rows.
                shown = t.Where(tag => refs.Any(p => ReferenceFilter.Matches(p, tag))).ToList();
                shownDigests = shownDigests.Where(dg => refs.Any(p => ReferenceFilter.Matches(p, dg[..dg.IndexOf('@')]))).ToList();
                if (shown.Count == 0 && shownDigests.Count == 0) continue;
            }
            result.Add(new ImageSummary
            {
                Id = img.Id,
                ParentId = img.Parent ?? "",
                RepoTags = shown,
                RepoDigests = shownDigests,
                Created = created.ToUnixTimeSeconds(),
                Size = img.Size,
                VirtualSize = img.Size,
                Labels = cfg.Config.Labels ?? [],
                Containers = -1,
            });
        }
        return result.OrderByDescending(i => i.Created).ThenBy(i => i.Id).ToList();
    }

    private long UnixNanosOf(string refOrId)
    {
        var img = Resolve(refOrId);
        var created = DateTimeOffset.TryParse(GetConfig(img.Id).Created, out var c) ? c : DateTimeOffset.UnixEpoch;
        return (created.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
    }

    internal static bool LabelMatch(Dictionary<string, string>? labels, string filter)
    {
        var eq = filter.IndexOf('=');
        if (labels is null) return false;
        if (eq < 0) return labels.ContainsKey(filter);
        return labels.TryGetValue(filter[..eq], out var v) && v == filter[(eq + 1)..];
    }

    /// <summary>GET /images/{name}/json.</summary>
    public ImageInspect Inspect(string name)
    {
        var img = Resolve(name);
        var cfg = GetConfig(img.Id);
        var (tags, digests) = RefsByImage();
        var upper = img.Layers.Count == 0 ? null : _layers.DiffPath(img.Layers[^1].ChainId);
        var lowers = img.Layers.Take(img.Layers.Count - 1).Reverse().Select(l => _layers.DiffPath(l.ChainId));
        var graph = new Dictionary<string, string>();
        if (upper is not null)
        {
            graph["UpperDir"] = upper;
            if (img.Layers.Count > 1) graph["LowerDir"] = string.Join(':', lowers);
        }
        return new ImageInspect
        {
            Id = img.Id,
            RepoTags = tags.GetValueOrDefault(img.Id) ?? [],
            RepoDigests = digests.GetValueOrDefault(img.Id) ?? [],
            Parent = img.Parent ?? "",
            Comment = cfg.Comment,
            Created = cfg.Created,
            DockerVersion = cfg.DockerVersion,
            Author = cfg.Author,
            Config = cfg.Config,
            Architecture = cfg.Architecture,
            Variant = cfg.Variant,
            Os = cfg.Os,
            Size = img.Size,
            VirtualSize = img.Size,
            GraphDriver = new GraphDriverData { Name = "overlay2", Data = graph },
            RootFS = new ImageRootFs { Layers = img.Layers.Select(l => l.DiffId).ToList() },
            Metadata = new ImageMetadata { LastTagTime = img.LastTagTime ?? "0001-01-01T00:00:00Z" },
        };
    }

    /// <summary>GET /images/{name}/history: newest first, as Docker lists it.</summary>
    public List<ImageHistoryItem> History(string name)
    {
        var img = Resolve(name);
        var cfg = GetConfig(img.Id);
        var (tags, _) = RefsByImage();
        var items = new List<ImageHistoryItem>();
        int layer = 0;
        var history = cfg.History.Count > 0 ? cfg.History
            : img.Layers.Select(_ => new ImageConfigFile.HistoryEntry(cfg.Created, "", "", false, "")).ToList();
        foreach (var h in history)
        {
            long size = 0;
            if (!h.EmptyLayer && layer < img.Layers.Count)
            {
                size = _db.GetLayer(img.Layers[layer].ChainId)?.Size ?? 0;
                layer++;
            }
            items.Add(new ImageHistoryItem
            {
                Id = "<missing>",
                Created = UnixSeconds(h.Created),
                CreatedBy = h.CreatedBy,
                Size = size,
                Comment = h.Comment,
            });
        }
        items.Reverse();
        if (items.Count > 0)
        {
            items[0].Id = img.Id;
            items[0].Tags = tags.GetValueOrDefault(img.Id);
        }
        return items;
    }

    /// <summary>GET /system/df's images: with SharedSize (bytes of layers other images use too) and container counts.</summary>
    public List<ImageSummary> ListForDiskUsage()
    {
        var images = _db.ListImages();
        var users = new Dictionary<string, int>();
        foreach (var img in images)
            foreach (var chain in img.Layers.Select(l => l.ChainId).Distinct())
                users[chain] = users.GetValueOrDefault(chain) + 1;
        var sizes = _db.ListLayers().ToDictionary(l => l.ChainId, l => l.Size);
        var byId = images.ToDictionary(i => i.Id);
        var list = List(true, []);
        foreach (var s in list)
        {
            s.SharedSize = byId[s.Id].Layers.Select(l => l.ChainId).Distinct().Where(c => users[c] > 1).Sum(c => sizes.GetValueOrDefault(c));
            s.Containers = ContainerCount?.Invoke(s.Id) ?? 0;
        }
        return list;
    }

    /// <summary>Counts the containers made from an image (set by the container service).</summary>
    public Func<string, int>? ContainerCount { get; set; }

    /// <summary>Layer bytes shared by all images (GET /system/df's LayersSize).</summary>
    public long LayersSize() => _db.ListLayers().Sum(l => l.Size);

    public int Count() => _db.ListImages().Count;

    internal IEnumerable<string> ReferencedBlobs(ImageRecord img) =>
        new[] { img.Id }.Concat(img.Layers.Select(l => l.BlobDigest)).Concat(img.ManifestDigest is null ? [] : [img.ManifestDigest]);

    internal HashSet<string> AllReferencedBlobs() =>
        _db.ListImages().SelectMany(ReferencedBlobs).ToHashSet();
}

/// <summary>The `reference=` image filter: a glob on `repo` or `repo:tag`, as Docker matches it.</summary>
public static class ReferenceFilter
{
    public static bool Matches(string pattern, string familiarTag)
    {
        var colon = familiarTag.LastIndexOf(':');
        var repo = colon > familiarTag.LastIndexOf('/') ? familiarTag[..colon] : familiarTag;
        return Glob(pattern, familiarTag) || Glob(pattern, repo);
    }

    /// <summary>Go path.Match: `*` and `?` do not cross `/`; `[...]` classes.</summary>
    public static bool Glob(string pattern, string text)
    {
        int p = 0, t = 0, starP = -1, starT = -1;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*') { starP = p++; starT = t; continue; }
            if (p < pattern.Length && (pattern[p] == '?' ? text[t] != '/' : pattern[p] == text[t])) { p++; t++; continue; }
            if (p < pattern.Length && pattern[p] == '[')
            {
                int end = pattern.IndexOf(']', p + 1);
                if (end > p)
                {
                    var cls = pattern[(p + 1)..end];
                    bool neg = cls.StartsWith('^');
                    if (neg) cls = cls[1..];
                    bool hit = false;
                    for (int i = 0; i < cls.Length; i++)
                        if (i + 2 < cls.Length && cls[i + 1] == '-') { hit |= text[t] >= cls[i] && text[t] <= cls[i + 2]; i += 2; }
                        else hit |= text[t] == cls[i];
                    if (hit != neg) { p = end + 1; t++; continue; }
                }
            }
            if (starP >= 0 && text[starT] != '/') { p = starP + 1; t = ++starT; continue; }
            return false;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}
