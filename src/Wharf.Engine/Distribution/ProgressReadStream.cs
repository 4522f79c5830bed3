using Wharf.Engine.Archive;

namespace Wharf.Engine.Distribution;

/// <summary>A read-through stream that reports the bytes read so far as `Downloading`/`Pushing` progress of one layer.</summary>
internal sealed class ProgressReadStream(Stream inner, ProgressSink sink, string id, string status, long total, CancellationToken ct) : ReadOnlyStream
{
    private long _read;

    public override int Read(Span<byte> buffer)
    {
        int n = inner.Read(buffer);
        _read += n;
        if (n > 0) sink.BytesAsync(id, status, _read, total, ct).GetAwaiter().GetResult();
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken token = default)
    {
        int n = await inner.ReadAsync(buffer, token);
        _read += n;
        if (n > 0) await sink.BytesAsync(id, status, _read, total, ct);
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
