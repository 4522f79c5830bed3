using Microsoft.AspNetCore.Http;
using Wharf.Registry.Auth;
using Wharf.Registry.Protocol;

namespace Wharf.Registry.Http;

public sealed partial class RegistryHandlers
{
    async Task TagsAsync(HttpContext ctx, RegistryRoute route)
    {
        if (!await AuthorizeAsync(ctx, RequiredAccess.Repository(route.Name, "pull")).ConfigureAwait(false)) return;
        var n = Pagination.ParseN(ctx.Request.Query["n"].ToString());
        var page = Pagination.Page(store.ListTags(route.Name), n, ctx.Request.Query["last"].ToString(), out var more);
        if (more && page.Count > 0) ctx.Response.Headers.Link = Pagination.NextLink($"/v2/{route.Name}/tags/list", n, page[^1]);
        await WriteJsonAsync(ctx, 200, RegistryJson.Tags(route.Name, page)).ConfigureAwait(false);
    }

    async Task CatalogAsync(HttpContext ctx)
    {
        if (!await AuthorizeAsync(ctx, RequiredAccess.Catalog).ConfigureAwait(false)) return;
        var n = Pagination.ParseN(ctx.Request.Query["n"].ToString());
        var page = Pagination.Page(store.ListRepositories(), n, ctx.Request.Query["last"].ToString(), out var more);
        if (more && page.Count > 0) ctx.Response.Headers.Link = Pagination.NextLink("/v2/_catalog", n, page[^1]);
        await WriteJsonAsync(ctx, 200, RegistryJson.Catalog(page)).ConfigureAwait(false);
    }

    async Task ReferrersAsync(HttpContext ctx, RegistryRoute route)
    {
        if (!await AuthorizeAsync(ctx, RequiredAccess.Repository(route.Name, "pull")).ConfigureAwait(false)) return;
        var subject = Digest.Parse(route.Value);
        var artifactType = ctx.Request.Query["artifactType"].ToString();
        var filter = artifactType.Length > 0 ? artifactType : null;
        var list = store.ListReferrers(route.Name, subject, filter);
        if (filter is not null) ctx.Response.Headers["OCI-Filters-Applied"] = "artifactType";
        await WriteJsonAsync(ctx, 200, RegistryJson.ReferrersIndex(list), MediaTypes.OciIndex).ConfigureAwait(false);
    }

    /// <summary>
    /// The token realm: GET with Basic credentials (docker, skopeo) or POST with an OAuth2 password grant; the
    /// token holds the scopes asked for that the user may have. No or wrong credentials: 401, no token.
    /// </summary>
    async Task TokenAsync(HttpContext ctx)
    {
        var users = access.Users ?? throw new RegistryException(404, ErrorCodes.Unsupported, "this registry has no authentication configured");
        string user, password;
        IEnumerable<string> scopes;
        if (ctx.Request.Method == "POST")
        {
            IFormCollection? form;
            try { form = ctx.Request.HasFormContentType ? await ctx.Request.ReadFormAsync(ctx.RequestAborted).ConfigureAwait(false) : null; }
            catch (InvalidDataException e) { throw new RegistryException(400, ErrorCodes.Unsupported, "malformed token request form: " + e.Message); }
            if (form is null || form["grant_type"].ToString() != "password")
                throw new RegistryException(400, ErrorCodes.Unsupported, "only grant_type=password is supported");
            user = form["username"].ToString();
            password = form["password"].ToString();
            scopes = form["scope"].Select(s => s ?? "");
        }
        else
        {
            var header = ctx.Request.Headers.Authorization.ToString();
            if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) || !AccessControl.TryDecodeBasic(header, out user, out password))
            {
                ctx.Response.Headers.WWWAuthenticate = $"Basic realm=\"{access.Tokens.Service}\"";
                throw new RegistryException(401, ErrorCodes.Unauthorized, "authentication required");
            }
            scopes = ctx.Request.Query["scope"].Select(s => s ?? "");
        }
        if (!users.Verify(user, password))
        {
            ctx.Response.Headers.WWWAuthenticate = $"Basic realm=\"{access.Tokens.Service}\"";
            throw new RegistryException(401, ErrorCodes.Unauthorized, "incorrect username or password");
        }
        var now = DateTimeOffset.UtcNow;
        var token = access.Tokens.Issue(user, TokenService.Grant(Scope.ParseAll(scopes)), now);
        await WriteJsonAsync(ctx, 200, RegistryJson.Token(token, (int)access.Tokens.Lifetime.TotalSeconds, now)).ConfigureAwait(false);
    }
}
