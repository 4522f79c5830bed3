using Microsoft.AspNetCore.Http;
using Wharf.Registry.Auth;
using Wharf.Registry.Protocol;

namespace Wharf.Registry.Http;

public sealed partial class RegistryHandlers
{
    static RequiredAccess Push(string name) => RequiredAccess.Repository(name, "pull", "push");

    async Task StartUploadAsync(HttpContext ctx, RegistryRoute route)
    {
        if (!await AuthorizeAsync(ctx, Push(route.Name)).ConfigureAwait(false)) return;
        var q = ctx.Request.Query;
        if (q["mount"].ToString() is { Length: > 0 } mount)
        {
            var digest = Digest.Parse(mount);
            var from = q["from"].ToString();
            // Without a usable source (unknown, or not readable by this client) the spec falls back to a plain upload.
            if (RepositoryName.IsValid(from)
                && access.Allows(ctx.Request.Headers.Authorization.ToString(), RequiredAccess.Repository(from, "pull"), DateTimeOffset.UtcNow)
                && await store.MountAsync(route.Name, from, digest, ctx.RequestAborted).ConfigureAwait(false) is not null)
            {
                BlobCreated(ctx, route.Name, digest);
                return;
            }
        }
        if (q["digest"].ToString() is { Length: > 0 } monolithic)
        {
            var digest = Digest.Parse(monolithic);
            var id = store.StartUpload(route.Name);
            try
            {
                await store.CompleteAsync(route.Name, id, digest, ctx.Request.Body, null, ctx.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not RegistryException)
            {
                TryCancel(route.Name, id);
                throw;
            }
            BlobCreated(ctx, route.Name, digest);
            return;
        }
        var upload = store.StartUpload(route.Name);
        UploadAccepted(ctx, route.Name, upload, 0, 202);
    }

    void TryCancel(string name, string id)
    {
        try { store.CancelUpload(name, id); }
        catch (RegistryException) { }
    }

    async Task UploadStatusAsync(HttpContext ctx, RegistryRoute route)
    {
        if (!await AuthorizeAsync(ctx, Push(route.Name)).ConfigureAwait(false)) return;
        UploadAccepted(ctx, route.Name, route.Value, store.UploadSize(route.Name, route.Value), 204);
    }

    async Task PatchUploadAsync(HttpContext ctx, RegistryRoute route)
    {
        if (!await AuthorizeAsync(ctx, Push(route.Name)).ConfigureAwait(false)) return;
        var range = ContentRange(ctx);
        var size = await store.AppendAsync(route.Name, route.Value, ctx.Request.Body, range, ctx.RequestAborted).ConfigureAwait(false);
        UploadAccepted(ctx, route.Name, route.Value, size, 202);
    }

    async Task CompleteUploadAsync(HttpContext ctx, RegistryRoute route)
    {
        if (!await AuthorizeAsync(ctx, Push(route.Name)).ConfigureAwait(false)) return;
        var digestText = ctx.Request.Query["digest"].ToString();
        if (digestText.Length == 0) throw RegistryException.DigestInvalid("a digest is required to complete an upload");
        var digest = Digest.Parse(digestText);
        await store.CompleteAsync(route.Name, route.Value, digest, ctx.Request.Body, ContentRange(ctx), ctx.RequestAborted).ConfigureAwait(false);
        BlobCreated(ctx, route.Name, digest);
    }

    async Task CancelUploadAsync(HttpContext ctx, RegistryRoute route)
    {
        if (!await AuthorizeAsync(ctx, Push(route.Name)).ConfigureAwait(false)) return;
        store.CancelUpload(route.Name, route.Value);
        Empty(ctx, 204);
    }

    static ByteRange? ContentRange(HttpContext ctx)
    {
        var header = ctx.Request.Headers.ContentRange.ToString();
        if (header.Length == 0) return null;
        if (!ByteRange.TryParseContentRange(header, out var r))
            throw new RegistryException(416, ErrorCodes.RangeInvalid, "invalid Content-Range", header);
        return r;
    }

    static void UploadAccepted(HttpContext ctx, string name, string id, long size, int status)
    {
        Empty(ctx, status);
        var h = ctx.Response.Headers;
        h.Location = $"/v2/{name}/blobs/uploads/{id}";
        h.Range = ByteRange.UploadProgress(size);
        h["Docker-Upload-UUID"] = id;
    }

    static void BlobCreated(HttpContext ctx, string name, Digest digest)
    {
        Empty(ctx, 201);
        ctx.Response.Headers.Location = $"/v2/{name}/blobs/{digest}";
        ctx.Response.Headers["Docker-Content-Digest"] = digest.ToString();
    }
}
