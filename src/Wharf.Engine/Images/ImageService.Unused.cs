namespace Wharf.Engine.Images;

public sealed partial class ImageService
{
    /// <summary>
    /// Removes those of <paramref name="candidates"/> nothing holds: no name, no container, no child image (the
    /// builder's intermediate images once their cache entries are gone). Children go first, so a chain of
    /// intermediates goes in one call. Returns the removed ids and the layer bytes freed.
    /// </summary>
    public async Task<(List<string> Removed, long Reclaimed)> RemoveUnusedAsync(IReadOnlyCollection<string> candidates)
    {
        var removed = new List<string>();
        await _writeLock.WaitAsync();
        try
        {
            var before = _db.ListLayers().Sum(l => l.Size);
            var pending = new HashSet<string>(candidates, StringComparer.Ordinal);
            var named = _db.ListRefs().Select(r => r.ImageId).ToHashSet(StringComparer.Ordinal);
            bool again = true;
            while (again)
            {
                again = false;
                foreach (var id in pending.ToList())
                {
                    if (_db.GetImage(id) is not { } img) { pending.Remove(id); continue; }
                    if (named.Contains(id) || HasChildren(id) || ContainerUsingImage?.Invoke(id) is not null) continue;
                    var items = new List<Api.Models.ImageDeleteItem>();
                    RemoveImage(img, items);
                    removed.Add(id);
                    pending.Remove(id);
                    again = true;
                }
            }
            return (removed, before - _db.ListLayers().Sum(l => l.Size));
        }
        finally { _writeLock.Release(); }
    }

    /// <summary>The bytes an image adds over its parent: its own layer, what removing it alone could free.</summary>
    public long OwnSize(string imageId)
    {
        if (_db.GetImage(imageId) is not { } img) return 0;
        var parent = img.Parent is null ? null : _db.GetImage(img.Parent);
        return Math.Max(0, img.Size - (parent?.Size ?? 0));
    }
}
