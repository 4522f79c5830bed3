using Wharf.Engine.Images;
using Wharf.Engine.Metadata;

namespace Wharf.Engine.Builder;

/// <summary>One build cache entry as `system df` shows it (swagger: BuildCache).</summary>
public sealed record BuildCacheUsageRecord(string Id, string? Parent, string Description, long Size, bool Shared,
    string CreatedAt, string LastUsedAt, string Key, string ImageId);

/// <summary>
/// The build cache for GET /system/df: every cached step with the bytes its image adds over its parent. An entry
/// is shared when its image is also held by something else (a tag, a container, a tagged or used descendant, or
/// an earlier entry with the same image): pruning the cache would not free those bytes, so they are not counted
/// as the cache's own.
/// </summary>
internal static class BuildCacheUsage
{
    /// <summary>BuildKit-style short record ids: the first 25 hex digits of the cache key.</summary>
    public static string ShortId(string key) => (key.StartsWith("sha256:", StringComparison.Ordinal) ? key[7..] : key)[..25];

    public static List<BuildCacheUsageRecord> List(MetadataStore db, ImageService images)
    {
        var entries = db.ListBuildCache();
        if (entries.Count == 0) return [];
        var all = db.ListImages().ToDictionary(i => i.Id, StringComparer.Ordinal);
        var held = new HashSet<string>(StringComparer.Ordinal);
        var roots = db.ListRefs().Select(r => r.ImageId)
            .Concat(all.Keys.Where(id => images.ContainerUsingImage?.Invoke(id) is not null));
        foreach (var root in roots)
        {
            // Ancestors of a held image are held too: its layers stack on theirs.
            for (var id = root; id is not null && held.Add(id); id = all.GetValueOrDefault(id)?.Parent) { }
        }
        var keyByImage = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in entries) keyByImage.TryAdd(e.ImageId, e.Key);
        var counted = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<BuildCacheUsageRecord>(entries.Count);
        foreach (var e in entries)
        {
            if (!all.TryGetValue(e.ImageId, out var image)) continue;
            var history = images.GetConfig(e.ImageId).History;
            var description = history.Count > 0 ? history[^1].CreatedBy : "";
            var parent = image.Parent is { } p && keyByImage.TryGetValue(p, out var pk) ? ShortId(pk) : null;
            var shared = held.Contains(e.ImageId) || !counted.Add(e.ImageId);
            list.Add(new BuildCacheUsageRecord(ShortId(e.Key), parent, description, images.OwnSize(e.ImageId), shared,
                e.Created, e.LastUsed, e.Key, e.ImageId));
        }
        return list;
    }
}
