using System.Net.Security;
using System.Net.Sockets;

namespace Wharf.Api.Client;

/// <summary>
/// The raw duplex connection left after an attach or exec start answered <c>101 UPGRADED</c>: reads are the
/// container's output (multiplexed frames without a TTY, raw bytes with one), writes are its stdin, and
/// <see cref="CloseWriteAsync"/> half-closes the connection, which is stdin's end for the container.
/// </summary>
public sealed class HijackedStream : Stream
{
    readonly Socket _socket;
    readonly Stream _transport;
    readonly byte[] _leftover;
    int _leftoverPos;
    int _writeClosed;

    internal HijackedStream(Socket socket, Stream transport, ReadOnlySpan<byte> leftover, string? contentType)
    {
        _socket = socket;
        _transport = transport;
        _leftover = leftover.ToArray();
        ContentType = contentType;
    }

    /// <summary>The Content-Type the daemon announced: application/vnd.docker.raw-stream or ...multiplexed-stream.</summary>
    public string? ContentType { get; }

    /// <summary>Whether the daemon said the output is multiplexed (no TTY); null when it did not say.</summary>
    public bool? IsMultiplexed => ContentType switch
    {
        "application/vnd.docker.multiplexed-stream" => true,
        "application/vnd.docker.raw-stream" => false,
        _ => null,
    };

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (TakeLeftover(buffer) is var n and > 0) return n;
        return _transport.Read(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (TakeLeftover(buffer.Span) is var n and > 0) return ValueTask.FromResult(n);
        return _transport.ReadAsync(buffer, ct);
    }

    int TakeLeftover(Span<byte> buffer)
    {
        var left = _leftover.Length - _leftoverPos;
        if (left <= 0 || buffer.Length == 0) return 0;
        var n = Math.Min(left, buffer.Length);
        _leftover.AsSpan(_leftoverPos, n).CopyTo(buffer);
        _leftoverPos += n;
        return n;
    }

    public override void Write(byte[] buffer, int offset, int count) => _transport.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => _transport.Write(buffer);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        _transport.WriteAsync(buffer, offset, count, ct);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default) =>
        _transport.WriteAsync(buffer, ct);

    public override void Flush() => _transport.Flush();

    public override Task FlushAsync(CancellationToken ct) => _transport.FlushAsync(ct);

    /// <summary>Ends the sending side (TLS close_notify first): the container sees end of input, output keeps coming.</summary>
    public async Task CloseWriteAsync()
    {
        if (Interlocked.Exchange(ref _writeClosed, 1) != 0) return;
        try
        {
            await _transport.FlushAsync().ConfigureAwait(false);
            if (_transport is SslStream ssl) await ssl.ShutdownAsync().ConfigureAwait(false);
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // The connection is already gone; the output side reports that.
        }
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _transport.Dispose();
            _socket.Dispose();
        }
        base.Dispose(disposing);
    }
}
