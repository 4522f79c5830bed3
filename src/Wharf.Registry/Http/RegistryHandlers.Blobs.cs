using System.Globalization;
using Microsoft.AspNetCore.Http;
using Wharf.Registry.Auth;
using Wharf.Registry.Protocol;
using Wharf.Registry.Storage;

namespace Wharf.Registry.Http;

public sealed partial class RegistryHandlers
{
    async Task GetBlobAsync(HttpContext ctx, RegistryRoute route)
    {
        if (!await AuthorizeAsync(ctx, RequiredAccess.Repository(route.Name, "pull")).ConfigureAwait(false)) return;
        var digest = Digest.Parse(route.Value);
        var res = ctx.Response;
        if (ctx.Request.Method == "HEAD")
        {
            // A client that sees a blob here will reference it in a manifest shortly: the check and the touch
            // that keeps it from the next collection happen under the GC lock, so no sweep runs in between.
            long headSize;
            using (await GcLock.AcquireAsync(store.Root, exclusive: false, ctx.RequestAborted).ConfigureAwait(false))
            {
                headSize = store.BlobSize(route.Name, digest) ?? throw RegistryException.BlobUnknown(digest);
                store.Touch(digest);
            }
            BlobHeaders(res, digest);
            res.StatusCode = 200;
            res.ContentLength = headSize;
            return;
        }
        await using var file = store.OpenBlob(route.Name, digest) ?? throw RegistryException.BlobUnknown(digest);
        long size = file.Length;
        BlobHeaders(res, digest);
        if (!ByteRange.TryParseRequest(ctx.Request.Headers.Range.ToString(), size, out var range))
        {
            res.Headers.ContentRange = "bytes */" + size.ToString(CultureInfo.InvariantCulture);
            throw new RegistryException(416, ErrorCodes.RangeInvalid, "requested range not satisfiable", ctx.Request.Headers.Range.ToString());
        }
        long offset = 0, count = size;
        if (range is { } r)
        {
            offset = r.First;
            count = r.Length;
            res.StatusCode = 206;
            res.Headers.ContentRange = $"bytes {r.First}-{r.Last}/{size}";
        }
        else res.StatusCode = 200;
        res.ContentLength = count;
        await CopyAsync(file, offset, count, res, ctx.RequestAborted).ConfigureAwait(false);
    }

    static void BlobHeaders(HttpResponse res, Digest digest)
    {
        res.Headers["Docker-Content-Digest"] = digest.ToString();
        res.Headers.AcceptRanges = "bytes";
        res.Headers.ETag = "\"" + digest + "\"";
        res.Headers.CacheControl = "max-age=31536000";
        res.ContentType = "application/octet-stream";
    }

    /// <summary>
    /// Reads the file straight into the response pipe's memory (one copy fewer than through a buffer of our own);
    /// page-cache reads are quick enough to do synchronously.
    /// </summary>
    static async Task CopyAsync(FileStream file, long offset, long count, HttpResponse res, CancellationToken ct)
    {
        const int Chunk = 256 << 10;
        var handle = file.SafeFileHandle;
        var writer = res.BodyWriter;
        while (count > 0)
        {
            var memory = writer.GetMemory(Chunk);
            int n = RandomAccess.Read(handle, memory.Span[..(int)Math.Min(memory.Length, count)], offset);
            if (n == 0) throw new IOException("blob shorter than its size");
            writer.Advance(n);
            offset += n;
            count -= n;
            var flushed = await writer.FlushAsync(ct).ConfigureAwait(false);
            if (flushed.IsCanceled || flushed.IsCompleted) return;
        }
    }

    async Task DeleteBlobAsync(HttpContext ctx, RegistryRoute route)
    {
        if (!await AuthorizeAsync(ctx, RequiredAccess.Repository(route.Name, "delete")).ConfigureAwait(false)) return;
        var digest = Digest.Parse(route.Value);
        if (!store.UnlinkBlob(route.Name, digest)) throw RegistryException.BlobUnknown(digest);
        Empty(ctx, 202);
        ctx.Response.Headers["Docker-Content-Digest"] = digest.ToString();
    }
}
