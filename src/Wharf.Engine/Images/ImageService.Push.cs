using Wharf.Api.Models;
using Wharf.Engine.Distribution;
using Wharf.Engine.Metadata;

namespace Wharf.Engine.Images;

public sealed partial class ImageService
{
    private const int ConcurrentUploads = 4;

    /// <summary>
    /// Checks a push before anything is streamed (so a missing image is a 404): the tags of <paramref name="name"/>
    /// to push, one when a tag is given, every local tag of the repository otherwise.
    /// </summary>
    public (ImageReference Repository, List<(ImageReference Tag, string ImageId)> Tags) PlanPush(string name, string? tag)
    {
        var r = ParseReference(name);
        if (r.Digest is not null) throw new BadRequestException($"cannot push a digest reference: {name}");
        if (r.Tag is null && !string.IsNullOrEmpty(tag)) r = ParseReference(r.Repository + ":" + tag);
        var repository = r with { Tag = null };
        var tags = new List<(ImageReference, string)>();
        if (r.Tag is not null)
        {
            var id = _db.ResolveRef(r.ToString()) ?? throw new NotFoundException($"An image does not exist locally with the tag: {r.Familiar}");
            tags.Add((r, id));
        }
        else
        {
            foreach (var rr in _db.ListRefs())
            {
                var p = ImageReference.Parse(rr.Name);
                if (p.Repository == r.Repository && p.Tag is not null && p.Digest is null) tags.Add((p, rr.ImageId));
            }
            if (tags.Count == 0) throw new NotFoundException($"An image does not exist locally with the tag: {r.FamiliarRepository}");
        }
        return (repository, tags);
    }

    /// <summary>POST /images/{name}/push: uploads what the registry lacks (HEAD first, cross-repo mount when possible), then the manifest.</summary>
    public async Task PushAsync((ImageReference Repository, List<(ImageReference Tag, string ImageId)> Tags) plan,
        RegistryCredentials credentials, ProgressSink progress, CancellationToken ct)
    {
        var (repository, tags) = plan;
        await progress.StatusAsync($"The push refers to repository [{repository.Repository}]", ct);
        var client = new RegistryClient(Registries.PushEndpoint(repository.Domain), credentials);
        var repo = new RegistryRepository(client, repository.Path, push: true);
        foreach (var (tag, imageId) in tags)
        {
            var img = _db.GetImage(imageId) ?? throw new NotFoundException($"No such image: {tag.Familiar}");
            var blobs = img.Layers.GroupBy(l => l.BlobDigest).Select(g => g.First()).Reverse().ToList();
            foreach (var l in blobs) await progress.LayerAsync(ProgressSink.ShortId(l.BlobDigest), "Preparing", ct);
            await Parallel.ForEachAsync(blobs, new ParallelOptions { MaxDegreeOfParallelism = ConcurrentUploads, CancellationToken = ct },
                async (l, token) => await PushBlobAsync(repo, repository, l.BlobDigest, l.BlobSize, progress, true, token));
            await PushBlobAsync(repo, repository, img.Id, _content.Size(img.Id), progress, false, ct);
            var stored = img.ManifestDigest is { } md && _content.Exists(md) ? _content.ReadAll(md) : null;
            var (manifest, mediaType) = PushManifest.For(img, _content.Size(img.Id), stored);
            var digest = await repo.PutManifestAsync(tag.Tag!, manifest, mediaType, ct);
            _content.Put(manifest);
            await _writeLock.WaitAsync(ct);
            try
            {
                _db.Write(tx =>
                {
                    _db.SetRef(tx, (repository with { Digest = digest }).ToString(), img.Id);
                    if (img.ManifestDigest is null) _db.SetManifestDigest(tx, img.Id, digest);
                });
            }
            finally { _writeLock.Release(); }
            Publish("push", img.Id, tag.Familiar);
            await progress.StatusAsync($"{tag.Tag}: digest: {digest} size: {manifest.Length}", ct);
            await progress.WriteAsync(new ProgressMessage
            {
                ProgressDetail = new ProgressDetail(), Aux = new AuxId { Tag = tag.Tag, Digest = digest, Size = manifest.Length },
            }, ct);
        }
    }

    private async Task PushBlobAsync(RegistryRepository repo, ImageReference repository, string digest, long size, ProgressSink progress,
        bool show, CancellationToken ct)
    {
        var id = ProgressSink.ShortId(digest);
        if (await repo.BlobExistsAsync(digest, ct))
        {
            if (show) await progress.LayerAsync(id, "Layer already exists", ct);
            return;
        }
        string? location = null;
        foreach (var source in MountSources(repository, digest))
        {
            var (mounted, loc) = await repo.MountAsync(digest, source, ct);
            if (mounted)
            {
                if (show) await progress.LayerAsync(id, "Mounted from " + source, ct);
                return;
            }
            location ??= loc;
            break;
        }
        await repo.UploadAsync(digest, size,
            () => show ? new ProgressReadStream(_content.OpenRead(digest), progress, id, "Pushing", size, ct) : _content.OpenRead(digest),
            location, ct);
        if (show) await progress.LayerAsync(id, "Pushed", ct);
    }

    /// <summary>Other repositories on the same registry whose images hold the blob: candidates for a cross-repository mount.</summary>
    private IEnumerable<string> MountSources(ImageReference repository, string digest)
    {
        var seen = new HashSet<string>();
        foreach (var rr in _db.ListRefs())
        {
            var p = ImageReference.Parse(rr.Name);
            if (p.Domain != repository.Domain || p.Path == repository.Path || seen.Contains(p.Path)) continue;
            // Only names that went through that registry (a digest reference records a pull or a push there).
            if (p.Digest is null) continue;
            if (_db.GetImage(rr.ImageId) is { } img && img.Layers.Any(l => l.BlobDigest == digest) && seen.Add(p.Path))
                yield return p.Path;
        }
    }
}
