using System.IO.Pipelines;
using Wharf.Api.Models;
using Wharf.Engine.Archive;
using Wharf.Engine.Metadata;

namespace Wharf.Engine.Images;

/// <summary>
/// What POST /commit (and each build step) asks of the image store: the parent (null: none, `FROM scratch`),
/// the new layer's writer (null: a metadata-only step, an empty-layer history entry), and the new image's metadata.
/// </summary>
public sealed record CommitRequest(
    string? ParentImageId,
    Func<Stream, CancellationToken, Task>? WriteDiff,
    ContainerConfig Config,
    string? Author,
    string? Comment,
    string CreatedBy,
    ImageReference? Target);

public sealed partial class ImageService
{
    /// <summary>The diff id of a layer with no changes (a tar of just the end marker): Docker records no layer for it.</summary>
    public const string EmptyLayerDiffId = "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef";

    /// <summary>
    /// The image half of POST /commit: the parent image plus one layer from <see cref="CommitRequest.WriteDiff"/>,
    /// streamed straight into the content store and unpacked on the way (no temporary tar). The image and its
    /// tag appear in one metadata transaction, after the layer and config are on disk.
    /// </summary>
    public async Task<string> CommitAsync(CommitRequest request, CancellationToken ct)
    {
        var parent = request.ParentImageId is null ? null
            : _db.GetImage(request.ParentImageId) ?? throw new NotFoundException($"No such image: {request.ParentImageId}");
        var parentConfig = parent is null ? new ImageConfigFile() : GetConfig(parent.Id);
        var parentLayers = parent?.Layers ?? [];
        var ingested = request.WriteDiff is null ? null : await IngestDiffAsync(request.WriteDiff, ct);
        var diffId = ingested is null ? EmptyLayerDiffId : ingested.Unpacked?.DiffId ?? ingested.Digest;
        bool empty = diffId == EmptyLayerDiffId;
        var parentChain = parentLayers.Count > 0 ? parentLayers[^1].ChainId : null;
        LayerRecord? layer = null;
        try
        {
            if (ingested is not null && !empty)
            {
                if (ingested.Unpacked is not { Error: null } unpacked)
                    throw new WharfException($"committing: the container's changes did not make a valid layer: {ingested.Unpacked?.Error?.Message}");
                layer = _layers.Adopt(unpacked, diffId, parentChain);
            }
        }
        finally
        {
            // An empty diff (or a failed one) leaves no layer and no blob behind.
            if (layer is null && ingested is not null)
            {
                if (ingested.Unpacked is not null) _layers.Discard(ingested.Unpacked);
                DeleteIfUnreferenced(ingested.Digest);
            }
        }

        var now = DateTimeOffset.UtcNow;
        var history = new List<ImageConfigFile.HistoryEntry>(parentConfig.History)
        {
            new(ImageConfigFile.Rfc3339(now), request.CreatedBy, request.Comment ?? "", empty, request.Author ?? ""),
        };
        var diffIds = layer is null ? parentConfig.DiffIds : [.. parentConfig.DiffIds, layer.DiffId];
        var configBytes = ImageConfigFile.Create(request.Config, diffIds, history, now, request.Author, request.Comment,
            parentConfig.Architecture, parentConfig.Os);
        var id = _content.Put(configBytes);
        var layers = layer is null ? parentLayers
            : [.. parentLayers, new ImageLayerRecord(layer.DiffId, layer.ChainId, ingested!.Digest, Decompression.LayerMediaType(CompressionKind.None), ingested.Size)];
        var record = new ImageRecord(id, ImageConfigFile.Rfc3339(now), (parent?.Size ?? 0) + (layer?.Size ?? 0), parent?.Id, null, null, layers);
        // Build steps that repeat an earlier one give the same config blob: the image exists already.
        if (_db.GetImage(id) is not null && request.Target is null) return id;
        // One flush makes the layer and config durable before the database names them.
        Native.Libc.SyncFilesystem(_layers.Root);
        await _writeLock.WaitAsync(ct);
        try { _db.Write(tx => AddCommitted(tx, layer, record, request.Target)); }
        finally { _writeLock.Release(); }
        if (request.Target is not null) Publish("tag", id, request.Target.Familiar);
        return id;
    }

    private void AddCommitted(Microsoft.Data.Sqlite.SqliteTransaction tx, LayerRecord? layer, ImageRecord record, ImageReference? target)
    {
        if (layer is not null) _db.AddLayer(tx, layer);
        _db.AddImage(tx, record);
        if (target is not null) _db.SetRef(tx, target.ToString(), record.Id);
    }

    /// <summary>Runs the diff writer into a pipe the ingester reads, so the layer is hashed, stored and unpacked in one pass.</summary>
    private async Task<IngestedBlob> IngestDiffAsync(Func<Stream, CancellationToken, Task> writeDiff, CancellationToken ct)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 8 << 20, resumeWriterThreshold: 4 << 20, useSynchronizationContext: false));
        var writer = Task.Run(async () =>
        {
            try
            {
                await using (var output = pipe.Writer.AsStream(leaveOpen: true)) await writeDiff(output, ct);
                await pipe.Writer.CompleteAsync();
            }
            catch (Exception e)
            {
                await pipe.Writer.CompleteAsync(e);
                throw;
            }
        }, ct);
        try
        {
            await using var input = pipe.Reader.AsStream();
            var ingested = await new LayerIngester(_content, _layers).IngestAsync(input, tryUnpack: true, null, ct);
            await writer;
            return ingested;
        }
        catch (Exception e)
        {
            // Unblocks a writer waiting for room. When the writer failed first, e is its exception already.
            await pipe.Reader.CompleteAsync(e);
            try { await writer; } catch (Exception) { }
            throw;
        }
    }
}
