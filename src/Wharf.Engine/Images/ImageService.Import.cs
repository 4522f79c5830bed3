using Wharf.Api.Models;
using Wharf.Engine.Archive;
using Wharf.Engine.Build;
using Wharf.Engine.Content;
using Wharf.Engine.Metadata;

namespace Wharf.Engine.Images;

public sealed partial class ImageService
{
    /// <summary>POST /images/create?fromSrc=-: a root filesystem tar (any compression) becomes a one-layer image.</summary>
    public async Task<string> ImportAsync(Stream source, string? repo, string? tag, string? message,
        IReadOnlyList<string> changes, string? platform, string sourceName, CancellationToken ct)
    {
        // Validate everything cheap before reading a byte, so bad input leaves nothing behind.
        ImageReference? target = null;
        if (!string.IsNullOrEmpty(repo))
        {
            target = ParseReference(string.IsNullOrEmpty(tag) ? repo : repo + ":" + tag);
            if (target.Digest is not null) throw new BadRequestException("cannot import to a digest reference");
            target = target.WithDefaultTag();
        }
        var (os, arch) = ParsePlatform(platform);
        var config = new ContainerConfig();
        try
        {
            config = ConfigChangeApplier.Apply(config, changes);
        }
        catch (Exception e) when (e is ArgumentException or DockerfileParseException)
        {
            throw new BadRequestException(e.Message, e);
        }

        var (raw, detected) = await Decompression.PeekAsync(source, ct);
        // gzip and zstd layers are kept as received; bzip2 and xz have no OCI media type, so they are stored plain.
        var kind = detected is CompressionKind.Bzip2 or CompressionKind.Xz ? CompressionKind.None : detected;
        var stored = kind == detected ? raw : Decompression.Wrap(raw, detected);
        var ingested = await new LayerIngester(_content, _layers).IngestAsync(stored, tryUnpack: true, null, ct);
        var blob = ingested.Digest;
        var blobSize = ingested.Size;
        LayerRecord layer;
        try
        {
            layer = ingested.Unpacked is { Error: null } u
                ? _layers.Adopt(u, u.DiffId ?? blob, null)
                : ingested.Unpacked is { Error: { } error } ? throw new InvalidDataException(error.Message, error)
                : await _layers.UnpackAsync(() => _content.OpenRead(blob), null, null, ct);
        }
        catch (InvalidDataException e)
        {
            if (ingested.Unpacked is not null) _layers.Discard(ingested.Unpacked);
            DeleteIfUnreferenced(blob);
            throw new BadRequestException($"importing image: {e.Message}", e);
        }
        catch
        {
            if (ingested.Unpacked is not null) _layers.Discard(ingested.Unpacked);
            DeleteIfUnreferenced(blob);
            throw;
        }
        var now = DateTimeOffset.UtcNow;
        var comment = string.IsNullOrEmpty(message) ? "Imported from " + sourceName : message;
        var history = new List<ImageConfigFile.HistoryEntry> { new(ImageConfigFile.Rfc3339(now), "", comment, false, "") };
        var configBytes = ImageConfigFile.Create(config, [layer.DiffId], history, now, comment: comment, architecture: arch, os: os);
        var id = _content.Put(configBytes);
        var record = new ImageRecord(id, ImageConfigFile.Rfc3339(now), layer.Size, null, null, null,
            [new ImageLayerRecord(layer.DiffId, layer.ChainId, blob, Decompression.LayerMediaType(kind), blobSize)]);
        Native.Libc.SyncFilesystem(_layers.Root);
        await _writeLock.WaitAsync(ct);
        try
        {
            _db.Write(tx =>
            {
                _db.AddLayer(tx, layer);
                _db.AddImage(tx, record);
                if (target is not null) _db.SetRef(tx, target.ToString(), id);
            });
        }
        finally { _writeLock.Release(); }
        Publish("import", id, target?.Familiar);
        if (target is not null) Publish("tag", id, target.Familiar);
        return id;
    }

    internal static (string Os, string Arch) ParsePlatform(string? platform)
    {
        if (string.IsNullOrEmpty(platform)) return ("linux", "amd64");
        var parts = platform.Split('/');
        if (parts[0] != "linux" || parts.Length > 3 || (parts.Length > 1 && parts[1] is not ("amd64" or "x86_64")))
            throw new BadRequestException($"image operating system or architecture \"{platform}\" is not supported by this host (linux/amd64)");
        return ("linux", "amd64");
    }

    private void DeleteIfUnreferenced(string blob)
    {
        if (!AllReferencedBlobs().Contains(blob)) _content.Delete(blob);
    }
}
