using System.Security.Cryptography;

namespace Wharf.Engine.Content;

/// <summary>A stream that writes an ingest file while hashing it; <see cref="Commit"/> verifies and publishes.</summary>
public sealed class ContentWriter : Stream
{
    private readonly ContentStore _store;
    private readonly string _path;
    private readonly FileStream _file;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private bool _committed;

    internal ContentWriter(ContentStore store, string path)
    {
        _store = store;
        _path = path;
        _file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
    }

    public long Written { get; private set; }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _hash.AppendData(buffer);
        _file.Write(buffer);
        Written += buffer.Length;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _hash.AppendData(buffer.Span);
        await _file.WriteAsync(buffer, cancellationToken);
        Written += buffer.Length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>The digest of what was written so far.</summary>
    public string CurrentDigest() => Digest.Prefix + Convert.ToHexStringLower(_hash.GetCurrentHash());

    /// <summary>
    /// Checks the digest (when given) and moves the blob into place. With <paramref name="durable"/> false the
    /// caller makes a batch durable at once (syncfs) before recording it anywhere.
    /// </summary>
    public string Commit(string? expected = null, bool durable = true)
    {
        var actual = CurrentDigest();
        if (expected is not null && expected != actual)
            throw new BadRequestException($"digest mismatch: expected {expected}, got {actual}");
        _file.Flush(flushToDisk: durable);
        _file.Dispose();
        _store.CommitFile(_path, actual);
        _committed = true;
        return actual;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
            _hash.Dispose();
            if (!_committed) try { File.Delete(_path); } catch (IOException) { }
        }
        base.Dispose(disposing);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => Written;
    public override long Position { get => Written; set => throw new NotSupportedException(); }
    public override void Flush() => _file.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
