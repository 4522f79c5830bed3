using System.IO.Compression;

namespace Wharf.Engine.Archive;

/// <summary>The compressions Docker accepts for archives and layers, detected by magic bytes.</summary>
public enum CompressionKind { None, Gzip, Bzip2, Xz, Zstd }

/// <summary>Opens a possibly compressed stream as plain bytes, as `docker load` and `import` do.</summary>
public static class Decompression
{
    public static CompressionKind Detect(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 2 && head[0] == 0x1f && head[1] == 0x8b) return CompressionKind.Gzip;
        if (head.Length >= 3 && head[0] == (byte)'B' && head[1] == (byte)'Z' && head[2] == (byte)'h') return CompressionKind.Bzip2;
        if (head.Length >= 6 && head[..6].SequenceEqual((ReadOnlySpan<byte>)[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return CompressionKind.Xz;
        if (head.Length >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd) return CompressionKind.Zstd;
        return CompressionKind.None;
    }

    /// <summary>Peeks at the first bytes and wraps the stream in the matching decompressor.</summary>
    public static async Task<(Stream Stream, CompressionKind Kind)> OpenAsync(Stream input, CancellationToken ct)
    {
        var (raw, kind) = await PeekAsync(input, ct);
        return (Wrap(raw, kind), kind);
    }

    /// <summary>Detects the compression and returns a stream that still yields every raw byte.</summary>
    public static async Task<(Stream Raw, CompressionKind Kind)> PeekAsync(Stream input, CancellationToken ct)
    {
        var head = new byte[8];
        int n = 0;
        while (n < head.Length)
        {
            int r = await input.ReadAsync(head.AsMemory(n), ct);
            if (r == 0) break;
            n += r;
        }
        var kind = Detect(head.AsSpan(0, n));
        return (new PrefixedStream(head.AsMemory(0, n), input), kind);
    }

    public static Stream Wrap(Stream s, CompressionKind kind) => kind switch
    {
        CompressionKind.Gzip => new GZipStream(s, CompressionMode.Decompress),
        CompressionKind.Zstd => new ZstdSharp.DecompressionStream(s),
        CompressionKind.Bzip2 => SharpCompress.Compressors.BZip2.BZip2Stream.Create(s, SharpCompress.Compressors.CompressionMode.Decompress, true),
        // As Docker does, xz goes through the xz tool: it is faster than any managed decoder.
        CompressionKind.Xz => ExternalDecompressor.Start("xz", ["-d", "-c", "-q"], s),
        _ => s,
    };

    public static string LayerMediaType(CompressionKind kind) => kind switch
    {
        CompressionKind.Gzip => "application/vnd.oci.image.layer.v1.tar+gzip",
        CompressionKind.Zstd => "application/vnd.oci.image.layer.v1.tar+zstd",
        CompressionKind.None => "application/vnd.oci.image.layer.v1.tar",
        _ => throw new NotSupportedException($"{kind} layers cannot be stored"),
    };
}
