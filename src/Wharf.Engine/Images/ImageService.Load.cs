using System.Collections.Concurrent;
using Wharf.Engine.Archive;
using Wharf.Engine.Content;
using Wharf.Engine.Metadata;

namespace Wharf.Engine.Images;

public sealed partial class ImageService
{
    /// <summary>POST /images/load: returns the lines Docker prints (`Loaded image: busybox:latest`).</summary>
    public async Task<List<string>> LoadAsync(Stream input, CancellationToken ct)
    {
        var reader = new ImageArchiveReader(_content, new LayerIngester(_content, _layers));
        var created = new ConcurrentBag<string>();
        var messages = new List<string>();
        try
        {
            var images = await reader.ReadAsync(input, ct);
            if (images.Count == 0) throw new BadRequestException("invalid archive: it holds no image");
            foreach (var image in images)
                messages.AddRange(await LoadOneAsync(image, reader.Unpacked, created, ct));
        }
        catch (Exception e)
        {
            foreach (var u in reader.Unpacked.Values) _layers.Discard(u);
            // Nothing half-made stays behind: unpacked layers and blobs that no image records.
            var known = _db.ListLayers().Select(l => l.ChainId).ToHashSet();
            foreach (var chain in created) if (!known.Contains(chain)) _layers.Delete(chain);
            var used = AllReferencedBlobs();
            foreach (var blob in reader.Written) if (!used.Contains(blob)) _content.Delete(blob);
            if (e is OperationCanceledException or WharfException) throw;
            if (e is InvalidDataException or FormatException) throw new BadRequestException($"loading image: {e.Message}", e);
            throw;
        }
        foreach (var u in reader.Unpacked.Values) _layers.Discard(u);
        var stillUsed = AllReferencedBlobs();
        foreach (var blob in reader.Written) if (!stillUsed.Contains(blob)) _content.Delete(blob);
        return messages;
    }

    private async Task<List<string>> LoadOneAsync(ArchivedImage image, Dictionary<string, UnpackedLayer> unpacked,
        ConcurrentBag<string> created, CancellationToken ct)
    {
        ImageConfigFile cfg;
        try
        {
            cfg = ImageConfigFile.Parse(_content.ReadAll(image.ConfigDigest));
        }
        catch (FormatException e)
        {
            throw new BadRequestException($"invalid archive: image config {image.ConfigDigest}: {e.Message}", e);
        }
        if (cfg.DiffIds.Count != image.Layers.Count)
            throw new BadRequestException($"invalid archive: image {image.ConfigDigest} lists {cfg.DiffIds.Count} diff ids but {image.Layers.Count} layers");
        var targets = image.RepoTags.Select(t => ParseReference(t).WithDefaultTag()).ToList();

        var chains = new string[cfg.DiffIds.Count];
        for (int i = 0; i < chains.Length; i++) chains[i] = Digest.ChainId(i == 0 ? null : chains[i - 1], cfg.DiffIds[i]);
        var records = new LayerRecord[chains.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, chains.Length),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(2, Environment.ProcessorCount), CancellationToken = ct },
            async (i, token) =>
            {
                var existing = _db.GetLayer(chains[i]);
                if (existing is not null && _layers.Exists(chains[i])) { records[i] = existing; return; }
                var blob = image.Layers[i].BlobDigest;
                UnpackedLayer? early;
                lock (unpacked)
                {
                    // Each early unpack can be adopted once; a second use of the blob unpacks again.
                    if (unpacked.Remove(blob, out early) && (early.DiffId ?? blob) != cfg.DiffIds[i] && early.Error is null)
                    {
                        _layers.Discard(early);
                        throw new BadRequestException($"layer content does not match its diff id: expected {cfg.DiffIds[i]}, got {early.DiffId ?? blob}");
                    }
                }
                if (early is not null)
                {
                    try
                    {
                        var adopted = _layers.Adopt(early, cfg.DiffIds[i], i == 0 ? null : chains[i - 1]);
                        created.Add(adopted.ChainId);
                        records[i] = adopted;
                    }
                    catch
                    {
                        _layers.Discard(early);
                        throw;
                    }
                    return;
                }
                var rec = await _layers.UnpackAsync(() => _content.OpenRead(blob), i == 0 ? null : chains[i - 1], cfg.DiffIds[i], token);
                created.Add(rec.ChainId);
                records[i] = rec;
            });

        var layerRows = new List<ImageLayerRecord>();
        for (int i = 0; i < chains.Length; i++)
        {
            var blob = image.Layers[i].BlobDigest;
            layerRows.Add(new ImageLayerRecord(cfg.DiffIds[i], chains[i], blob, await MediaTypeOfBlobAsync(blob, ct), _content.Size(blob)));
        }
        // An OCI layout's manifest is kept (its blob came in with the archive), so a push sends it unchanged.
        var manifestDigest = image.ManifestDigest is { } md && _content.Exists(md) ? md : null;
        var record = new ImageRecord(image.ConfigDigest, cfg.Created, records.Sum(r => r.Size), null, manifestDigest, null, layerRows);
        var messages = new List<string>();
        // One flush makes every blob and unpacked file of this image durable before the database names them.
        await RecordImageAsync(records, record, tx =>
        {
            foreach (var t in targets)
            {
                var previous = _db.SetRef(tx, t.ToString(), image.ConfigDigest);
                if (previous is not null)
                    messages.Add($"The image {t.Familiar} already exists, renaming the old one with ID {previous} to empty string");
            }
        }, ct);
        Publish("load", image.ConfigDigest, targets.Count > 0 ? targets[0].Familiar : null);
        foreach (var t in targets)
        {
            Publish("tag", image.ConfigDigest, t.Familiar);
            messages.Add("Loaded image: " + t.Familiar);
        }
        if (targets.Count == 0) messages.Add("Loaded image ID: " + image.ConfigDigest);
        return messages;
    }

    private async Task<string> MediaTypeOfBlobAsync(string digest, CancellationToken ct)
    {
        await using var s = _content.OpenRead(digest);
        var head = new byte[8];
        int n = await s.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        var kind = Decompression.Detect(head.AsSpan(0, n));
        return kind is CompressionKind.Bzip2 or CompressionKind.Xz ? "application/vnd.oci.image.layer.v1.tar" : Decompression.LayerMediaType(kind);
    }
}
