namespace Wharf.Engine.Archive;

/// <summary>
/// Yields exactly <paramref name="length"/> bytes of the inner stream: a file that grew while it is archived
/// is cut at the size its header announced, one that shrank is padded with zeros, so the tar stays valid.
/// </summary>
internal sealed class FixedLengthStream(Stream inner, long length) : ReadOnlyStream
{
    private long _remaining = length;
    private bool _innerEnded;

    public override int Read(Span<byte> buffer)
    {
        if (_remaining == 0 || buffer.IsEmpty) return 0;
        var want = (int)Math.Min(buffer.Length, _remaining);
        int n = _innerEnded ? 0 : inner.Read(buffer[..want]);
        if (n == 0)
        {
            _innerEnded = true;
            buffer[..want].Clear();
            n = want;
        }
        _remaining -= n;
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (_remaining == 0 || buffer.IsEmpty) return 0;
        var want = (int)Math.Min(buffer.Length, _remaining);
        int n = _innerEnded ? 0 : await inner.ReadAsync(buffer[..want], ct).ConfigureAwait(false);
        if (n == 0)
        {
            _innerEnded = true;
            buffer.Span[..want].Clear();
            n = want;
        }
        _remaining -= n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
