using System.Buffers.Binary;
using System.Text;

namespace Wharf.Engine.Containers;

/// <summary>
/// A write-only stream that takes a non-TTY exec's multiplexed output (8-byte frame headers) and keeps
/// the first <see cref="HealthRules.MaxOutputBytes"/> bytes of stdout and stderr together, as Docker
/// does for a healthcheck probe.
/// </summary>
internal sealed class ProbeOutput : Stream
{
    private readonly byte[] _kept = new byte[HealthRules.MaxOutputBytes];
    private readonly byte[] _header = new byte[8];
    private readonly Lock _lock = new();
    private int _keptLength;
    private int _headerLength;
    private uint _frameLeft;
    private bool _truncated;

    /// <summary>What the probe wrote, with "..." appended when some of it was dropped.</summary>
    public string Text
    {
        get
        {
            lock (_lock)
            {
                var text = Encoding.UTF8.GetString(_kept, 0, _keptLength);
                return _truncated ? text + "..." : text;
            }
        }
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_lock)
        {
            while (buffer.Length > 0)
            {
                if (_frameLeft == 0)
                {
                    var take = Math.Min(8 - _headerLength, buffer.Length);
                    buffer[..take].CopyTo(_header.AsSpan(_headerLength));
                    _headerLength += take;
                    buffer = buffer[take..];
                    if (_headerLength == 8)
                    {
                        _frameLeft = BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(4));
                        _headerLength = 0;
                    }
                    continue;
                }
                var n = (int)Math.Min(_frameLeft, (uint)buffer.Length);
                Keep(buffer[..n]);
                _frameLeft -= (uint)n;
                buffer = buffer[n..];
            }
        }
    }

    private void Keep(ReadOnlySpan<byte> data)
    {
        var room = _kept.Length - _keptLength;
        if (data.Length > room)
        {
            _truncated = true;
            data = data[..room];
        }
        data.CopyTo(_kept.AsSpan(_keptLength));
        _keptLength += data.Length;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
