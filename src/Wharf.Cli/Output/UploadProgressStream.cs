namespace Wharf.Cli.Output;

/// <summary>Wraps an upload source and draws a progress bar on a terminal (stderr) as it is read.</summary>
public sealed class UploadProgressStream(Stream inner, long total, TextWriter terminal, string label) : Stream
{
    long _read;
    long _lastDraw = -1;
    DateTime _lastTime = DateTime.MinValue;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => total;
    public override long Position { get => _read; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
        Count(await inner.ReadAsync(buffer, ct).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    int Count(int n)
    {
        _read += n;
        var now = DateTime.UtcNow;
        if (n == 0 || _read >= total || (now - _lastTime).TotalMilliseconds >= 100)
        {
            if (_read != _lastDraw)
            {
                terminal.Write("\x1b[2K\r" + label + " " + ProgressDisplay.ProgressBar(_read, total));
                if (n == 0 || _read >= total) terminal.Write("\n");
                terminal.Flush();
                _lastDraw = _read;
            }
            _lastTime = now;
        }
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
