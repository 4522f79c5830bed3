namespace Wharf.Engine.Content;

/// <summary>
/// Immutable blobs addressed by sha256 digest under content/blobs/sha256/&lt;hex&gt;. New content goes
/// through an ingest file under content/ingest/ and becomes visible only after its digest verified.
/// </summary>
public sealed class ContentStore
{
    private readonly string _blobs;
    private readonly string _ingest;

    public ContentStore(string root)
    {
        _blobs = Path.Combine(root, "blobs", "sha256");
        _ingest = Path.Combine(root, "ingest");
        Directory.CreateDirectory(_blobs);
        Directory.CreateDirectory(_ingest);
    }

    public string IngestDirectory => _ingest;

    public string BlobPath(string digest) => Path.Combine(_blobs, Digest.Hex(digest));

    public bool Exists(string digest) => Digest.IsValid(digest) && File.Exists(BlobPath(digest));

    public long Size(string digest) => new FileInfo(BlobPath(digest)).Length;

    public Stream OpenRead(string digest)
    {
        if (!Digest.IsValid(digest)) throw new BadRequestException($"invalid digest {digest}");
        try
        {
            return new FileStream(BlobPath(digest), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (FileNotFoundException)
        {
            throw new NotFoundException($"blob {digest} not found");
        }
    }

    public byte[] ReadAll(string digest) => File.ReadAllBytes(BlobPath(digest));

    /// <summary>Starts a new ingest; dispose without commit to abort.</summary>
    public ContentWriter OpenWriter() => new(this, Path.Combine(_ingest, Guid.NewGuid().ToString("N")));

    /// <summary>Writes a small blob in one call and returns its digest.</summary>
    public string Put(ReadOnlySpan<byte> data)
    {
        var digest = Digest.Of(data);
        if (Exists(digest)) return digest;
        using var w = OpenWriter();
        w.Write(data);
        w.Commit(digest);
        return digest;
    }

    internal void CommitFile(string tempPath, string digest)
    {
        var target = BlobPath(digest);
        if (File.Exists(target)) { File.Delete(tempPath); return; }
        File.Move(tempPath, target, overwrite: true);
    }

    public IEnumerable<string> ListDigests() =>
        Directory.EnumerateFiles(_blobs).Select(p => Digest.Prefix + Path.GetFileName(p));

    public void Delete(string digest)
    {
        try { File.Delete(BlobPath(digest)); } catch (DirectoryNotFoundException) { }
    }

    /// <summary>Drops every unfinished ingest; called at start-up, when no writer can be live.</summary>
    public int ClearIngests()
    {
        int n = 0;
        foreach (var f in Directory.EnumerateFileSystemEntries(_ingest))
        {
            if (Directory.Exists(f)) Directory.Delete(f, true); else File.Delete(f);
            n++;
        }
        return n;
    }
}
