using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Wharf.Registry.Protocol;

namespace Wharf.Registry.Storage;

public sealed partial class RegistryStore
{
    const int ChunkBuffer = 1 << 20;

    /// <summary>An upload's in-memory side: one writer at a time, and the running hash of what is on disk.</summary>
    sealed class UploadState
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public IncrementalHash? Hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        public long Hashed;
    }

    readonly ConcurrentDictionary<string, UploadState> _uploads = new();

    string UploadDir(string id) => System.IO.Path.Combine(UploadsDir, id);
    string UploadData(string id) => System.IO.Path.Combine(UploadDir(id), "data");

    static bool IsUploadId(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigitLower);

    /// <summary>Starts an upload session for a repository and returns its id.</summary>
    public string StartUpload(string name)
    {
        var id = Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(UploadDir(id));
        File.WriteAllText(System.IO.Path.Combine(UploadDir(id), "repo"), name);
        using (File.Create(UploadData(id))) { }
        _uploads[id] = new UploadState();
        return id;
    }

    /// <summary>How many bytes an upload of the repository holds, or BLOB_UPLOAD_UNKNOWN.</summary>
    public long UploadSize(string name, string id)
    {
        CheckUpload(name, id);
        return new FileInfo(UploadData(id)).Length;
    }

    void CheckUpload(string name, string id)
    {
        var repoFile = System.IO.Path.Combine(UploadsDir, IsUploadId(id) ? id : "-", "repo");
        string? owner = null;
        try { if (IsUploadId(id)) owner = File.ReadAllText(repoFile); }
        catch (IOException) { }
        if (owner != name) throw RegistryException.UploadUnknown(id);
    }

    UploadState StateOf(string id) => _uploads.GetOrAdd(id, _ => new UploadState { Hash = null });

    /// <summary>
    /// Appends a request body to an upload. With a Content-Range its start must be where the upload ends
    /// (416 otherwise). A write failure (disk full) removes the whole upload, so nothing half-made remains.
    /// </summary>
    public async Task<long> AppendAsync(string name, string id, Stream body, ByteRange? range, CancellationToken ct)
    {
        CheckUpload(name, id);
        var state = StateOf(id);
        await state.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await AppendLockedAsync(id, state, body, range, ct).ConfigureAwait(false);
        }
        finally
        {
            state.Gate.Release();
        }
    }

    async Task<long> AppendLockedAsync(string id, UploadState state, Stream body, ByteRange? range, CancellationToken ct)
    {
        var path = UploadData(id);
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, FileOptions.Asynchronous);
        long offset = RandomAccess.GetLength(handle);
        if (range is { } r && r.First != offset)
            throw new RegistryException(416, ErrorCodes.RangeInvalid, $"chunk starts at {r.First} but the upload holds {offset} bytes", ByteRange.UploadProgress(offset));
        if (state.Hash is not null && state.Hashed != offset) DropHash(state);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBuffer);
        try
        {
            while (true)
            {
                int filled = 0;
                while (filled < ChunkBuffer / 2)
                {
                    int n = await body.ReadAsync(buffer.AsMemory(filled, ChunkBuffer - filled), ct).ConfigureAwait(false);
                    if (n == 0) break;
                    filled += n;
                }
                if (filled == 0) break;
                try
                {
                    await RandomAccess.WriteAsync(handle, buffer.AsMemory(0, filled), offset, ct).ConfigureAwait(false);
                }
                catch (IOException e)
                {
                    handle.Dispose();
                    DeleteUpload(id);
                    throw WriteFailed(id, e);
                }
                state.Hash?.AppendData(buffer, 0, filled);
                offset += filled;
                state.Hashed = offset;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return offset;
    }

    /// <summary>A failed write: disk full (ENOSPC, EDQUOT) is 507 Insufficient Storage, anything else a 500.</summary>
    static RegistryException WriteFailed(string id, IOException e)
    {
        int errno = e.HResult & 0xffff;
        string reason = errno switch { 28 => "no space left on device", 122 => "disk quota exceeded", _ => e.Message };
        return new RegistryException(errno is 28 or 122 ? 507 : 500, ErrorCodes.Unknown, $"writing blob upload {id}: {reason}");
    }

    static void DropHash(UploadState state)
    {
        state.Hash?.Dispose();
        state.Hash = null;
    }

    /// <summary>
    /// Ends an upload: appends the final chunk, checks the digest against the content, then makes the blob
    /// visible by a rename (and links it into the repository). A mismatch removes the upload: nothing becomes visible.
    /// </summary>
    public async Task<long> CompleteAsync(string name, string id, Digest expected, Stream? body, ByteRange? range, CancellationToken ct)
    {
        CheckUpload(name, id);
        var state = StateOf(id);
        await state.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            long size = body is null ? new FileInfo(UploadData(id)).Length : await AppendLockedAsync(id, state, body, range, ct).ConfigureAwait(false);
            var path = UploadData(id);
            Digest actual;
            using (var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 0))
            {
                if (state.Hash is not null && state.Hashed == size && expected.Algorithm == "sha256")
                    actual = Digest.FromHash("sha256", state.Hash.GetCurrentHash());
                else
                {
                    using var h = expected.CreateHash();
                    var buffer = ArrayPool<byte>.Shared.Rent(ChunkBuffer);
                    try
                    {
                        int n;
                        while ((n = await file.ReadAsync(buffer.AsMemory(0, ChunkBuffer), ct).ConfigureAwait(false)) > 0) h.AppendData(buffer, 0, n);
                    }
                    finally { ArrayPool<byte>.Shared.Return(buffer); }
                    actual = Digest.FromHash(expected.Algorithm, h.GetCurrentHash());
                }
                if (actual != expected)
                {
                    file.Dispose();
                    DeleteUpload(id);
                    throw RegistryException.DigestInvalid("provided digest did not match uploaded content", $"expected {expected}, got {actual}");
                }
                try { file.Flush(flushToDisk: true); }
                catch (IOException e)
                {
                    file.Dispose();
                    DeleteUpload(id);
                    throw WriteFailed(id, e);
                }
            }
            using (await GcLock.AcquireAsync(Root, exclusive: false, ct).ConfigureAwait(false))
            {
                var blob = BlobPath(expected);
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(blob)!);
                if (File.Exists(blob)) Touch(expected);
                else File.Move(path, blob);
                AtomicFile.Touch(LayerLink(name, expected));
            }
            DeleteUpload(id);
            return size;
        }
        finally
        {
            state.Gate.Release();
        }
    }

    /// <summary>Cancels an upload (BLOB_UPLOAD_UNKNOWN when there is none).</summary>
    public void CancelUpload(string name, string id)
    {
        CheckUpload(name, id);
        DeleteUpload(id);
    }

    void DeleteUpload(string id)
    {
        if (_uploads.TryRemove(id, out var s)) DropHash(s);
        try { Directory.Delete(UploadDir(id), recursive: true); }
        catch (DirectoryNotFoundException) { }
        catch (IOException) { }
    }
}
