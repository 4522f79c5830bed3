using System.Buffers;
using System.IO.Pipelines;
using Wharf.Engine.Archive;
using Wharf.Engine.Content;
using Wharf.Engine.Layers;

namespace Wharf.Engine.Images;

/// <summary>A layer unpacked into a temporary directory while its blob was being received.</summary>
public sealed record UnpackedLayer(string TempDirectory, string? DiffId, long Size, Exception? Error);

/// <summary>A blob written to the content store, with the layer unpacked from it on the way when it was one.</summary>
public sealed record IngestedBlob(string Digest, long Size, UnpackedLayer? Unpacked);

/// <summary>
/// Receives a blob and, when it is a layer tar, unpacks it at the same time on another thread, so a
/// load or import reads its input once and hashing, writing and unpacking overlap.
/// </summary>
public sealed class LayerIngester(ContentStore content, LayerStore layers)
{
    private const int ChunkSize = 1 << 20;

    public async Task<IngestedBlob> IngestAsync(Stream source, bool tryUnpack, string? expectedDigest, CancellationToken ct)
    {
        using var writer = content.OpenWriter();
        if (!tryUnpack)
        {
            await source.CopyToAsync(writer, ChunkSize, ct);
            return new IngestedBlob(writer.Commit(expectedDigest, durable: false), writer.Written, null);
        }
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 32 << 20, resumeWriterThreshold: 16 << 20, useSynchronizationContext: false));
        var unpack = Task.Run(() => TryUnpackAsync(pipe.Reader, ct), ct);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        bool feeding = true;
        try
        {
            int n;
            // Network reads arrive in small pieces: batch them so hashing, writing and handing over work in big chunks.
            while ((n = await source.ReadAtLeastAsync(buffer.AsMemory(0, ChunkSize), ChunkSize / 4, throwOnEndOfStream: false, ct)) > 0)
            {
                writer.Write(buffer.AsSpan(0, n));
                if (feeding)
                {
                    var r = await pipe.Writer.WriteAsync(buffer.AsMemory(0, n), ct);
                    // The unpacker stops reading when the blob is not a layer; the blob still gets stored.
                    if (r.IsCompleted) feeding = false;
                }
            }
            await pipe.Writer.CompleteAsync();
        }
        catch (Exception e)
        {
            await pipe.Writer.CompleteAsync(e);
            var partial = await unpack.ConfigureAwait(false);
            if (partial is not null) layers.Discard(partial);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        var unpacked = await unpack;
        string digest;
        try
        {
            digest = writer.Commit(expectedDigest, durable: false);
        }
        catch
        {
            if (unpacked is not null) layers.Discard(unpacked);
            throw;
        }
        return new IngestedBlob(digest, writer.Written, unpacked);
    }

    public void Discard(UnpackedLayer unpacked) => layers.Discard(unpacked);

    private async Task<UnpackedLayer?> TryUnpackAsync(PipeReader reader, CancellationToken ct)
    {
        await using var raw = reader.AsStream();
        string? tmp = null;
        try
        {
            var (compressedOrPlain, kind) = await Decompression.PeekAsync(raw, ct);
            if (kind is CompressionKind.Bzip2 or CompressionKind.Xz) return null;
            var plain = Decompression.Wrap(compressedOrPlain, kind);
            // A layer is a tar: look for the ustar magic of the first header before making anything.
            var head = new byte[512];
            int n = await plain.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
            if (n < 512 || !(head.AsSpan(257, 5).SequenceEqual("ustar"u8))) return null;
            tmp = layers.CreateTempDirectory();
            var joined = new PrefixedStream(head, plain);
            // Plain layers are their own diff: the blob digest is the diff id, no second hash needed.
            if (kind == CompressionKind.None)
            {
                var result = await LayerApplier.ApplyAsync(joined, Path.Combine(tmp, "diff"), ct);
                await DrainAsync(joined, ct);
                return new UnpackedLayer(tmp, null, result.Size, null);
            }
            await using var hashing = new HashingReadStream(joined);
            var r = await LayerApplier.ApplyAsync(hashing, Path.Combine(tmp, "diff"), ct);
            await hashing.DrainAsync(ct);
            return new UnpackedLayer(tmp, hashing.Digest(), r.Size, null);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException && !ct.IsCancellationRequested)
        {
            // Kept, not thrown: it matters only if an image uses this blob as a layer.
            return new UnpackedLayer(tmp ?? layers.CreateTempDirectory(), null, 0, e);
        }
        catch
        {
            if (tmp is not null) layers.Discard(new UnpackedLayer(tmp, null, 0, null));
            throw;
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    private static async Task DrainAsync(Stream s, CancellationToken ct)
    {
        var buf = ArrayPool<byte>.Shared.Rent(81920);
        try { while (await s.ReadAsync(buf, ct) > 0) { } }
        finally { ArrayPool<byte>.Shared.Return(buf); }
    }
}
