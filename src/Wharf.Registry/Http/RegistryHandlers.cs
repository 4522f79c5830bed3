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
        catch (Exception) when (ctx.RequestAborted.IsCancellationRequested)
        {
            // The client went away (a cancelled push): nothing to answer, nothing to report.
        }
        catch (BadHttpRequestException) when (res.HasStarted)
        {
        }
        catch (Exception e)
        {
            var (status, code, message, detail) = Classify(e);
            LogError(ctx, rawTarget, status, code, status >= 500 && e is not RegistryException ? $"{e.GetType().Name}: {message}" : message, detail);
            if (res.HasStarted)
            {
                ctx.Abort();
                return;
            }
            await WriteErrorAsync(ctx, status, code, message, detail).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The status and spec error code for a failure: the registry's own refusals as they are, malformed requests
    /// (bodies, forms, JSON) as 400s, anything else as a 500 whose message (never a stack trace) is all the client sees.
    /// </summary>
    internal static (int Status, string Code, string Message, string? Detail) Classify(Exception e) => e switch
    {
        RegistryException r => (r.Status, r.Code, r.Message, r.Detail),
        BadHttpRequestException b => (b.StatusCode, b.StatusCode == 413 ? ErrorCodes.SizeInvalid : ErrorCodes.Unsupported, b.Message, null),
        InvalidDataException or System.Text.Json.JsonException or FormatException => (400, ErrorCodes.Unsupported, "malformed request: " + e.Message, null),
        _ => (500, ErrorCodes.Unknown, e.Message, null),
    };

    /// <summary>
    /// One line per refused request: who (address, and the user when credentials came along), what, the status,
    /// the spec code and why. An anonymous 401 is the normal start of every client's handshake and is not logged.
    /// </summary>
    void LogError(HttpContext ctx, string rawTarget, int status, string code, string message, string? detail)
    {
        if (log is null) return;
        var authorization = ctx.Request.Headers.Authorization.ToString();
        if (status == 401 && authorization.Length == 0) return;
        var who = ctx.Connection.RemoteIpAddress?.ToString() ?? "-";
        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) && AccessControl.TryDecodeBasic(authorization, out var user, out _))
            who += " user=" + Sanitize(user);
        else if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            who += " bearer";
        log($"{who} {ctx.Request.Method} {Sanitize(rawTarget)}: {status} {code} {Sanitize(message)}{(detail is null ? "" : " (" + Sanitize(detail) + ")")}");
    }

    /// <summary>Keeps a log entry on one line whatever a client sends.</summary>
    static string Sanitize(string s) => s.Length <= 512 && !s.Any(char.IsControl)
        ? s : new string(s.Take(512).Select(c => char.IsControl(c) ? ' ' : c).ToArray());

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
        LogError(ctx, ctx.Request.Path.Value + ctx.Request.QueryString, 401, ErrorCodes.Unauthorized, denied.Message, need.ScopeText);
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
