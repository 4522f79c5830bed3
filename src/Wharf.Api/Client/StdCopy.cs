using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Wharf.Api.Client;

/// <summary>
/// Splits Docker's multiplexed stream (attach, exec and logs without a TTY): each frame is an 8-byte header
/// (stream 0 stdin / 1 stdout / 2 stderr / 3 system error, three zero bytes, big-endian payload length)
/// followed by the payload.
/// </summary>
public static class StdCopy
{
    public const int HeaderLength = 8;

    /// <summary>Copies frames until the source ends; a system-error frame ends the copy with its message.</summary>
    /// <exception cref="IOException">A frame names an unknown stream, or the daemon reported an error.</exception>
    public static async Task CopyAsync(Stream source, Stream? stdout, Stream? stderr, CancellationToken ct = default)
    {
        var header = new byte[HeaderLength];
        var buffer = ArrayPool<byte>.Shared.Rent(32 * 1024);
        try
        {
            while (true)
            {
                if (!await ReadFullAsync(source, header, ct).ConfigureAwait(false)) return;
                var length = (int)BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4));
                Stream? target = header[0] switch
                {
                    0 or 1 => stdout,
                    2 => stderr,
                    3 => null,
                    _ => throw new IOException($"Unrecognized input header: {header[0]}"),
                };
                if (header[0] == 3)
                {
                    var message = new byte[length];
                    await ReadFullAsync(source, message, ct).ConfigureAwait(false);
                    throw new IOException("error from daemon in stream: " + Encoding.UTF8.GetString(message));
                }
                while (length > 0)
                {
                    var n = await source.ReadAsync(buffer.AsMemory(0, Math.Min(length, buffer.Length)), ct).ConfigureAwait(false);
                    if (n == 0) return;
                    length -= n;
                    if (target is not null) await target.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                }
                if (target is not null) await target.FlushAsync(ct).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Fills <paramref name="buffer"/>; false when the stream ended before its first byte.</summary>
    static async Task<bool> ReadFullAsync(Stream s, byte[] buffer, CancellationToken ct)
    {
        int off = 0;
        while (off < buffer.Length)
        {
            var n = await s.ReadAsync(buffer.AsMemory(off), ct).ConfigureAwait(false);
            if (n == 0)
            {
                if (off == 0) return false;
                throw new EndOfStreamException("the multiplexed stream ended inside a frame");
            }
            off += n;
        }
        return true;
    }
}
