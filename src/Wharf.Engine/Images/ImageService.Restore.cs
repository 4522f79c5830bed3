using Wharf.Api.Models;
using Wharf.Engine.Metadata;

namespace Wharf.Engine.Images;

/// <summary>
/// `--cache-from` with an image that came without its parents (loaded or pulled): a build step whose parent's
/// history and layers are a prefix of the source image's, and whose instruction is the source's next history line,
/// reuses the source's layer for that step. The step's image is made from the layers already in the store, with the
/// config the builder computed; no layer is written again.
/// </summary>
public sealed partial class ImageService
{
    /// <summary>The index of the source's history line this step would produce, or -1 when the source does not fit.</summary>
    public int CacheSourceStep(string? parentId, string sourceId, string createdBy)
    {
        var parent = parentId is null ? null : _db.GetImage(parentId);
        if (parentId is not null && parent is null) return -1;
        if (_db.GetImage(sourceId) is not { } source) return -1;
        var history = parent is null ? [] : GetConfig(parent.Id).History;
        var sourceHistory = GetConfig(sourceId).History;
        var n = history.Count;
        if (sourceHistory.Count <= n || sourceHistory[n].CreatedBy != createdBy) return -1;
        for (var i = 0; i < n; i++)
        {
            if (history[i].CreatedBy != sourceHistory[i].CreatedBy || history[i].EmptyLayer != sourceHistory[i].EmptyLayer) return -1;
        }
        var parentLayers = parent?.Layers ?? [];
        if (source.Layers.Count < parentLayers.Count + (sourceHistory[n].EmptyLayer ? 0 : 1)) return -1;
        for (var i = 0; i < parentLayers.Count; i++)
        {
            if (parentLayers[i].DiffId != source.Layers[i].DiffId) return -1;
        }
        return n;
    }

    /// <summary>The image of source history line <paramref name="step"/> on <paramref name="parentId"/>, made from the source's layers.</summary>
    public async Task<string> RestoreCacheStepAsync(string? parentId, string sourceId, int step, ContainerConfig config, string? author)
    {
        var parent = parentId is null ? null : _db.GetImage(parentId);
        var source = _db.GetImage(sourceId) ?? throw new NotFoundException($"No such image: {sourceId}");
        var sourceConfig = GetConfig(sourceId);
        var entry = sourceConfig.History[step];
        var parentLayers = parent?.Layers ?? [];
        IReadOnlyList<ImageLayerRecord> layers = entry.EmptyLayer ? parentLayers : [.. parentLayers, source.Layers[parentLayers.Count]];
        var created = DateTimeOffset.TryParse(entry.Created, out var t) ? t : DateTimeOffset.UtcNow;
        var history = sourceConfig.History.Take(step + 1).ToList();
        var configBytes = ImageConfigFile.Create(config, [.. layers.Select(l => l.DiffId)], history, created, author, entry.Comment,
            sourceConfig.Architecture, sourceConfig.Os);
        var id = _content.Put(configBytes);
        if (_db.GetImage(id) is not null) return id;
        var own = entry.EmptyLayer ? 0 : _db.GetLayer(layers[^1].ChainId)?.Size ?? 0;
        var record = new ImageRecord(id, ImageConfigFile.Rfc3339(created), (parent?.Size ?? 0) + own, parent?.Id, null, null, layers);
        await _writeLock.WaitAsync();
        try { _db.Write(tx => _db.AddImage(tx, record)); }
        finally { _writeLock.Release(); }
        return id;
    }
}
