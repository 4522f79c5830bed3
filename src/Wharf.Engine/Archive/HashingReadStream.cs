namespace Wharf.Engine.Archive;

/// <summary>A read-through stream that hashes everything read (sha256), for diff ids.</summary>
public sealed class HashingReadStream(Stream inner) : ReadOnlyStream
{
    private readonly System.Security.Cryptography.IncrementalHash _hash =
        System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);

    public long BytesRead { get; private set; }

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public string Digest() => "sha256:" + Convert.ToHexStringLower(_hash.GetCurrentHash());

    public override int Read(Span<byte> buffer)
    {
        int n = inner.Read(buffer);
        _hash.AppendData(buffer[..n]);
        BytesRead += n;
        return n;
    }


    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        int n = await inner.ReadAsync(buffer, ct);
        _hash.AppendData(buffer.Span[..n]);
        BytesRead += n;
        return n;
    }


    /// <summary>Reads to the end so the digest covers trailing padding after the tar end marker.</summary>
    public async Task DrainAsync(CancellationToken ct)
    {
        var buf = new byte[81920];
        while (await ReadAsync(buf, ct) > 0) { }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) { inner.Dispose(); _hash.Dispose(); }
        base.Dispose(disposing);
    }

}
