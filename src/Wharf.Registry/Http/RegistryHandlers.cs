using Microsoft.AspNetCore.Http;
using Wharf.Registry.Auth;
using Wharf.Registry.Protocol;
using Wharf.Registry.Storage;

namespace Wharf.Registry.Http;

/// <summary>
/// The distribution API over a <see cref="RegistryStore"/>: routing, access checks, the spec's headers and its
/// error bodies. One partial file per resource (blobs, uploads, manifests, listings, tokens).
/// </summary>
public sealed partial class RegistryHandlers(RegistryStore store, AccessControl access, Action<string>? log = null)
{
    public const string ApiVersionHeader = "Docker-Distribution-API-Version";

    public async Task HandleAsync(HttpContext ctx, string rawTarget)
    {
        var res = ctx.Response;
        res.Headers[ApiVersionHeader] = "registry/2.0";
        var route = RegistryRoute.Parse(rawTarget);
        try
        {
            if (route.Name.Length > 0) RepositoryName.Validate(route.Name);
            await DispatchAsync(ctx, route).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
        }
        catch (BadHttpRequestException) when (ctx.RequestAborted.IsCancellationRequested || res.HasStarted)
        {
        }
        catch (Exception e)
        {
            var (status, code, message, detail) = e switch
            {
                RegistryException r => (r.Status, r.Code, r.Message, r.Detail),
                BadHttpRequestException b => (b.StatusCode, ErrorCodes.Unknown, b.Message, (string?)null),
                IOException io => (500, ErrorCodes.Unknown, io.Message, null),
                _ => (500, ErrorCodes.Unknown, e.Message, null),
            };
            if (status >= 500) log?.Invoke($"{ctx.Request.Method} {rawTarget}: {status} {e.Message}");
            if (res.HasStarted)
            {
                ctx.Abort();
                return;
            }
            await WriteErrorAsync(ctx, status, code, message, detail).ConfigureAwait(false);
        }
    }

    Task DispatchAsync(HttpContext ctx, RegistryRoute route)
    {
        var m = ctx.Request.Method;
        return (route.Kind, m) switch
        {
            (RouteKind.Base, "GET" or "HEAD") => BaseAsync(ctx),
            (RouteKind.Token, "GET" or "POST") => TokenAsync(ctx),
            (RouteKind.Catalog, "GET") => CatalogAsync(ctx),
            (RouteKind.Blob, "GET" or "HEAD") => GetBlobAsync(ctx, route),
            (RouteKind.Blob, "DELETE") => DeleteBlobAsync(ctx, route),
            (RouteKind.Uploads, "POST") => StartUploadAsync(ctx, route),
            (RouteKind.Upload, "GET") => UploadStatusAsync(ctx, route),
            (RouteKind.Upload, "PATCH") => PatchUploadAsync(ctx, route),
            (RouteKind.Upload, "PUT") => CompleteUploadAsync(ctx, route),
            (RouteKind.Upload, "DELETE") => CancelUploadAsync(ctx, route),
            (RouteKind.Manifest, "GET" or "HEAD") => GetManifestAsync(ctx, route),
            (RouteKind.Manifest, "PUT") => PutManifestAsync(ctx, route),
            (RouteKind.Manifest, "DELETE") => DeleteManifestAsync(ctx, route),
            (RouteKind.Tags, "GET") => TagsAsync(ctx, route),
            (RouteKind.Referrers, "GET") => ReferrersAsync(ctx, route),
            (RouteKind.NotFound, _) => throw new RegistryException(404, ErrorCodes.Unsupported, "no such endpoint in the distribution API"),
            _ => throw RegistryException.Unsupported($"{m} is not supported here"),
        };
    }

    async Task BaseAsync(HttpContext ctx)
    {
        if (!await AuthorizeAsync(ctx, RequiredAccess.Base).ConfigureAwait(false)) return;
        await WriteJsonAsync(ctx, 200, "{}"u8.ToArray()).ConfigureAwait(false);
    }

    /// <summary>The token realm: this server's own /token, at the address the client used to reach it.</summary>
    static string Realm(HttpContext ctx) => $"{ctx.Request.Scheme}://{ctx.Request.Host}/token";

    /// <summary>Answers 401 with a challenge (and returns false) unless the request may do what it needs.</summary>
    async Task<bool> AuthorizeAsync(HttpContext ctx, RequiredAccess need)
    {
        var denied = access.Check(ctx.Request.Headers.Authorization.ToString(), need, Realm(ctx), DateTimeOffset.UtcNow);
        if (denied is null) return true;
        ctx.Response.Headers.WWWAuthenticate = denied.Challenge;
        await WriteErrorAsync(ctx, 401, ErrorCodes.Unauthorized, denied.Message, need.ScopeText).ConfigureAwait(false);
        return false;
    }

    static async Task WriteErrorAsync(HttpContext ctx, int status, string code, string message, string? detail)
    {
        // The request body may be large (a refused upload): drain no more of it, and close afterwards.
        if (ctx.Request.ContentLength is > 0 || ctx.Request.Headers.TransferEncoding.Count > 0) ctx.Response.Headers.Connection = "close";
        await WriteJsonAsync(ctx, status, RegistryJson.Errors(code, message, detail)).ConfigureAwait(false);
    }

    static async Task WriteJsonAsync(HttpContext ctx, int status, byte[] body, string contentType = "application/json; charset=utf-8")
    {
        var res = ctx.Response;
        res.StatusCode = status;
        res.ContentType = contentType;
        res.ContentLength = body.Length;
        if (ctx.Request.Method != "HEAD") await res.Body.WriteAsync(body, ctx.RequestAborted).ConfigureAwait(false);
    }

    static void Empty(HttpContext ctx, int status)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentLength = 0;
    }
}
