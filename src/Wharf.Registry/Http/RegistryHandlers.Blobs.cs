using System.Buffers;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Wharf.Registry.Auth;
using Wharf.Registry.Protocol;

namespace Wharf.Registry.Http;

public sealed partial class RegistryHandlers
{
    async Task GetBlobAsync(HttpContext ctx, RegistryRoute route)
    {
        if (!await AuthorizeAsync(ctx, RequiredAccess.Repository(route.Name, "pull")).ConfigureAwait(false)) return;
        var digest = Digest.Parse(route.Value);
        await using var file = store.OpenBlob(route.Name, digest) ?? throw RegistryException.BlobUnknown(digest);
        long size = file.Length;
        var res = ctx.Response;
        res.Headers["Docker-Content-Digest"] = digest.ToString();
        res.Headers.AcceptRanges = "bytes";
        res.Headers.ETag = "\"" + digest + "\"";
        res.Headers.CacheControl = "max-age=31536000";
        res.ContentType = "application/octet-stream";
        if (ctx.Request.Method == "HEAD")
        {
            // A client that checks a blob before referencing it in a manifest keeps it from a collection meanwhile.
            store.Touch(digest);
            res.StatusCode = 200;
            res.ContentLength = size;
            return;
        }
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

    static async Task CopyAsync(FileStream file, long offset, long count, HttpResponse res, CancellationToken ct)
    {
        const int Chunk = 1 << 20;
        var buffer = ArrayPool<byte>.Shared.Rent(Chunk);
        try
        {
            var handle = file.SafeFileHandle;
            while (count > 0)
            {
                int n = await RandomAccess.ReadAsync(handle, buffer.AsMemory(0, (int)Math.Min(Chunk, count)), offset, ct).ConfigureAwait(false);
                if (n == 0) throw new IOException("blob shorter than its size");
                await res.Body.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                offset += n;
                count -= n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
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
