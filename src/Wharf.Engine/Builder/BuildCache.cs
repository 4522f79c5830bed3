using System.Security.Cryptography;
using System.Text;
using Wharf.Api.Models;
using Wharf.Engine.Images;
using Wharf.Engine.Metadata;

namespace Wharf.Engine.Builder;

/// <summary>
/// The persistent build cache: a step's key → the image it produced, in the metadata database (so it survives
/// restarts; an image's removal drops its entries). The key is the parent image, the expanded instruction as it
/// appears in history (RUN's build args included, as `|1 a=b`), the build args the instruction referenced, and
/// for COPY/ADD the hash of the sources' content and metadata.
/// </summary>
internal sealed class BuildCache(MetadataStore db, ImageService images)
{
    private const string Version = "wharf-build-cache-v1";

    public static string Key(string? parentImageId, string createdBy, IEnumerable<KeyValuePair<string, string>> usedArgs, string? sourcesHash)
    {
        var sb = new StringBuilder(Version).Append('\n');
        sb.Append(parentImageId ?? "scratch").Append('\n').Append(createdBy).Append('\n');
        foreach (var (k, v) in usedArgs.OrderBy(a => a.Key, StringComparer.Ordinal)) sb.Append(k).Append('=').Append(v).Append('\0');
        sb.Append('\n').Append(sourcesHash ?? "");
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    /// <summary>The cached result of a step, if its image still exists.</summary>
    public string? Lookup(string key)
    {
        var id = db.GetBuildCache(key);
        if (id is null || db.GetImage(id) is null) return null;
        db.TouchBuildCache(key, Now());
        return id;
    }

    public void Store(string key, string imageId) => db.SetBuildCache(key, imageId, Now());

    /// <summary>
    /// `--cache-from`: an image among <paramref name="candidates"/> (and their parents) that was built from
    /// <paramref name="parentImageId"/> by the same step, judged by its parent link and its last history line.
    /// </summary>
    public string? FromImages(IReadOnlyCollection<string> candidates, string? parentImageId, string createdBy)
    {
        foreach (var id in candidates)
        {
            if (db.GetImage(id) is not { } image || image.Parent != parentImageId) continue;
            var history = images.GetConfig(id).History;
            if (history.Count > 0 && history[^1].CreatedBy == createdBy) return id;
        }
        return null;
    }

    /// <summary>
    /// `--cache-from` with images that have no local parent chain (loaded, pulled): the step's image rebuilt from a
    /// source's layers when the parent is a prefix of the source and the step is its next history line.
    /// </summary>
    public async Task<string?> RestoreFromSourcesAsync(IReadOnlyCollection<string> sources, string? parentImageId, string createdBy,
        ContainerConfig config, string? author)
    {
        foreach (var id in sources)
        {
            var step = images.CacheSourceStep(parentImageId, id, createdBy);
            if (step < 0) continue;
            // On the source's last line this gives the source itself when the configs agree.
            return await images.RestoreCacheStepAsync(parentImageId, id, step, config, author);
        }
        return null;
    }

    /// <summary>The images named by `--cache-from` and all their local parents.</summary>
    public HashSet<string> ExpandCacheFrom(IEnumerable<string> names)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            string? id;
            try { id = images.TryResolveId(name, out _); }
            catch (WharfException) { continue; }
            while (id is not null && set.Add(id)) id = db.GetImage(id)?.Parent;
        }
        return set;
    }

    private static string Now() => ImageConfigFile.Rfc3339(DateTimeOffset.UtcNow);
}
