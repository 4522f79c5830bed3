using Wharf.Api.Models;
using Wharf.Engine.Metadata;

namespace Wharf.Engine.Images;

public sealed partial class ImageService
{
    /// <summary>POST /images/{name}/tag.</summary>
    public async Task TagAsync(string source, string repo, string? tag)
    {
        if (string.IsNullOrEmpty(repo)) throw new BadRequestException("repository name must have at least one component");
        var img = Resolve(source);
        var target = ParseReference(string.IsNullOrEmpty(tag) ? repo : repo + ":" + tag);
        if (target.Digest is not null) throw new BadRequestException("refusing to create a tag with a digest reference");
        target = target.WithDefaultTag();
        await _writeLock.WaitAsync();
        try
        {
            _db.Write(tx => _db.SetRef(tx, target.ToString(), img.Id));
        }
        finally { _writeLock.Release(); }
        Publish("tag", img.Id, target.Familiar);
    }

    /// <summary>DELETE /images/{name}, with Docker's untag-versus-delete rules.</summary>
    public async Task<List<ImageDeleteItem>> DeleteAsync(string name, bool force, bool noPrune)
    {
        await _writeLock.WaitAsync();
        try
        {
            return DeleteLocked(name, force, noPrune);
        }
        finally { _writeLock.Release(); }
    }

    private List<ImageDeleteItem> DeleteLocked(string name, bool force, bool noPrune)
    {
        var img = Resolve(name);
        var items = new List<ImageDeleteItem>();
        var refs = _db.ListRefs().Where(r => r.ImageId == img.Id).ToList();
        ImageReference? byRef = null;
        if (!IsIdLike(name, img.Id) && ImageReference.TryParse(name, out var parsed, out _))
        {
            var full = parsed!.WithDefaultTag().ToString();
            if (refs.Any(r => r.Name == full)) byRef = ImageReference.Parse(full);
        }

        if (byRef is not null)
        {
            if (refs.Count == 1 && !force && ContainerUsingImage?.Invoke(img.Id) is { } user)
                throw new ConflictException($"conflict: unable to remove repository reference \"{name}\" (must force) - container {user} is using its referenced image {ShortId(img.Id)}");
            _db.Write(tx => _db.RemoveRef(tx, byRef.ToString()));
            items.Add(new ImageDeleteItem { Untagged = byRef.Familiar });
            Publish("untag", img.Id, byRef.Familiar);
            // Docker deletes the image only when this was its last name.
            var remaining = refs.Count - 1;
            if (remaining > 0 || HasChildren(img.Id) || ContainerUsingImage?.Invoke(img.Id) is not null) return items;
        }
        else
        {
            var repos = refs.Select(r => ImageReference.Parse(r.Name).Repository).Distinct().Count();
            if (repos > 1 && !force)
                throw new ConflictException($"conflict: unable to delete {ShortId(img.Id)} (must be forced) - image is referenced in multiple repositories");
            if (ContainerUsingImage?.Invoke(img.Id) is { } container)
            {
                if (!force)
                    throw new ConflictException($"conflict: unable to delete {ShortId(img.Id)} (must be forced) - image is being used by stopped container {container}");
                // Forced: Docker untags and keeps the image for the container.
                foreach (var r in refs) Untag(r, img.Id, items);
                return items;
            }
            if (HasChildren(img.Id))
                throw new ConflictException($"conflict: unable to delete {ShortId(img.Id)} (cannot be forced) - image has dependent child images");
            foreach (var r in refs) Untag(r, img.Id, items);
        }
        RemoveImage(img, items);
        if (!noPrune) PruneParents(img.Parent, items);
        return items;
    }

    private void Untag(RefRecord r, string imageId, List<ImageDeleteItem> items)
    {
        _db.Write(tx => _db.RemoveRef(tx, r.Name));
        var familiar = ImageReference.Parse(r.Name).Familiar;
        items.Add(new ImageDeleteItem { Untagged = familiar });
        Publish("untag", imageId, familiar);
    }

    private static bool IsIdLike(string name, string id)
    {
        var hex = name.StartsWith("sha256:", StringComparison.Ordinal) ? name[7..] : name;
        return ImageReference.LooksLikeId(name) && id[7..].StartsWith(hex, StringComparison.Ordinal);
    }

    private bool HasChildren(string imageId) => _db.ListImages().Any(i => i.Parent == imageId);

    private void PruneParents(string? parentId, List<ImageDeleteItem> items)
    {
        while (parentId is not null && _db.GetImage(parentId) is { } parent)
        {
            if (_db.ListRefs().Any(r => r.ImageId == parent.Id) || HasChildren(parent.Id) || ContainerUsingImage?.Invoke(parent.Id) is not null) return;
            RemoveImage(parent, items);
            parentId = parent.Parent;
        }
    }

    /// <summary>Deletes the image row, then the layers and blobs nothing else uses.</summary>
    private void RemoveImage(ImageRecord img, List<ImageDeleteItem> items)
    {
        var orphanedLayers = _db.Write(tx => _db.RemoveImage(tx, img.Id));
        items.Add(new ImageDeleteItem { Deleted = img.Id });
        _configs.TryRemove(img.Id, out _);
        foreach (var chain in orphanedLayers)
        {
            _layers.Delete(chain);
        }
        var stillUsed = AllReferencedBlobs();
        foreach (var blob in ReferencedBlobs(img))
            if (!stillUsed.Contains(blob)) _content.Delete(blob);
        Publish("delete", img.Id, null);
    }

    /// <summary>POST /images/prune: dangling images, or with all=true every image no container uses.</summary>
    public async Task<ImagePruneResponse> PruneAsync(Dictionary<string, List<string>> filters)
    {
        bool all = filters.TryGetValue("dangling", out var d) && d.Count > 0 && d[0] is "false" or "0";
        foreach (var key in filters.Keys)
            if (key is not ("dangling" or "until" or "label" or "label!"))
                throw new BadRequestException($"invalid filter '{key}'");
        DateTimeOffset? until = filters.TryGetValue("until", out var u) && u.Count > 0 ? ParseUntil(u[0]) : null;
        var response = new ImagePruneResponse { ImagesDeleted = [] };
        await _writeLock.WaitAsync();
        try
        {
            var before = _db.ListLayers().Sum(l => l.Size);
            bool again = true;
            while (again)
            {
                again = false;
                var (tags, _) = RefsByImage();
                foreach (var img in _db.ListImages())
                {
                    if (!all && tags.ContainsKey(img.Id)) continue;
                    if (HasChildren(img.Id) || ContainerUsingImage?.Invoke(img.Id) is not null) continue;
                    var cfg = GetConfig(img.Id);
                    if (until is not null && DateTimeOffset.TryParse(cfg.Created, out var c) && c >= until) continue;
                    if (filters.TryGetValue("label", out var labels) && !labels.All(l => LabelMatch(cfg.Config.Labels, l))) continue;
                    if (filters.TryGetValue("label!", out var nlabels) && nlabels.Any(l => LabelMatch(cfg.Config.Labels, l))) continue;
                    foreach (var r in _db.ListRefs().Where(r => r.ImageId == img.Id)) Untag(r, img.Id, response.ImagesDeleted);
                    RemoveImage(img, response.ImagesDeleted);
                    again = true;
                }
            }
            response.SpaceReclaimed = before - _db.ListLayers().Sum(l => l.Size);
        }
        finally { _writeLock.Release(); }
        if (response.ImagesDeleted.Count == 0) response.ImagesDeleted = null;
        _events.Publish("image", "prune", "", new() { ["reclaimed"] = response.SpaceReclaimed.ToString() });
        return response;
    }

    internal static DateTimeOffset ParseUntil(string value)
    {
        if (long.TryParse(value, out var secs)) return DateTimeOffset.FromUnixTimeSeconds(secs);
        if (DateTimeOffset.TryParse(value, out var t)) return t;
        if (GoDuration.TryParse(value, out var dur)) return DateTimeOffset.UtcNow - dur;
        throw new BadRequestException($"invalid filter 'until={value}'");
    }
}
