using System.Text;

namespace Wharf.Engine.Builder;

/// <summary>
/// The client side of an attach to a RUN container: takes the multiplexed stdout/stderr frames (8-byte header,
/// then the payload) and passes the text on to the stage's output as it arrives.
/// </summary>
internal sealed class RunOutputStream(StageOutput output, CancellationToken ct) : Stream
{
    private readonly byte[] _header = new byte[8];
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
    private int _headerFill;
    private int _remaining;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var text = new StringBuilder();
        while (buffer.Length > 0)
        {
            if (_remaining == 0)
            {
                var n = Math.Min(8 - _headerFill, buffer.Length);
                buffer.Span[..n].CopyTo(_header.AsSpan(_headerFill));
                _headerFill += n;
                buffer = buffer[n..];
                if (_headerFill < 8) break;
                _headerFill = 0;
                _remaining = (_header[4] << 24) | (_header[5] << 16) | (_header[6] << 8) | _header[7];
                continue;
            }
            var take = Math.Min(_remaining, buffer.Length);
            var chars = new char[_decoder.GetCharCount(buffer.Span[..take], flush: false)];
            _decoder.GetChars(buffer.Span[..take], chars, flush: false);
            text.Append(chars);
            _remaining -= take;
            buffer = buffer[take..];
        }
        if (text.Length > 0) await output.WriteAsync(text.ToString(), ct);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
