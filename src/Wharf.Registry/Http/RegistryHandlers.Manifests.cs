using Microsoft.AspNetCore.Http;
using Wharf.Registry.Auth;
using Wharf.Registry.Protocol;
using Wharf.Registry.Storage;

namespace Wharf.Registry.Http;

public sealed partial class RegistryHandlers
{
    /// <summary>The platform served to a client that cannot take an index (as distribution does).</summary>
    const string DefaultPlatform = "linux/amd64";

    async Task GetManifestAsync(HttpContext ctx, RegistryRoute route)
    {
        if (!await AuthorizeAsync(ctx, RequiredAccess.Repository(route.Name, "pull")).ConfigureAwait(false)) return;
        var manifest = Negotiate(route.Name, store.GetManifest(route.Name, route.Value), ctx.Request.Headers.Accept.ToString());
        var res = ctx.Response;
        res.Headers["Docker-Content-Digest"] = manifest.Digest.ToString();
        res.Headers.ETag = "\"" + manifest.Digest + "\"";
        await WriteJsonAsync(ctx, 200, manifest.Body, manifest.MediaType).ConfigureAwait(false);
    }

    /// <summary>
    /// Content negotiation: a client whose Accept names neither an index's media type nor */* gets the index's
    /// linux/amd64 manifest instead; other manifests are served as stored.
    /// </summary>
    StoredManifest Negotiate(string name, StoredManifest manifest, string accept)
    {
        if (!MediaTypes.IsIndex(manifest.MediaType) || accept.Length == 0) return manifest;
        var accepted = accept.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(a => a.Split(';')[0].Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (accepted.Contains(manifest.MediaType) || accepted.Contains("*/*")) return manifest;
        var index = ManifestInfo.Parse(manifest.Body, manifest.MediaType);
        var child = index.Manifests.FirstOrDefault(m => m.Platform == DefaultPlatform)
            ?? throw new RegistryException(404, ErrorCodes.ManifestUnknown,
                $"manifest is an index ({manifest.MediaType}), which the client does not accept, and has no {DefaultPlatform} entry", manifest.Digest.ToString());
        return store.ReadManifest(name, child.Digest) ?? throw RegistryException.ManifestUnknown(child.Digest.ToString());
    }

    async Task PutManifestAsync(HttpContext ctx, RegistryRoute route)
    {
        if (!await AuthorizeAsync(ctx, Push(route.Name)).ConfigureAwait(false)) return;
        if (ctx.Request.ContentLength > RegistryStore.MaxManifestSize) throw ManifestTooLarge();
        var body = new MemoryStream();
        var buffer = new byte[64 << 10];
        int n;
        while ((n = await ctx.Request.Body.ReadAsync(buffer, ctx.RequestAborted).ConfigureAwait(false)) > 0)
        {
            body.Write(buffer, 0, n);
            if (body.Length > RegistryStore.MaxManifestSize) throw ManifestTooLarge();
        }
        var (digest, info) = await store.PutManifestAsync(route.Name, route.Value, body.ToArray(), ctx.Request.ContentType, ctx.RequestAborted).ConfigureAwait(false);
        Empty(ctx, 201);
        var h = ctx.Response.Headers;
        h.Location = $"/v2/{route.Name}/manifests/{digest}";
        h["Docker-Content-Digest"] = digest.ToString();
        if (info.Subject is { } subject) h["OCI-Subject"] = subject.Digest.ToString();
    }

    static RegistryException ManifestTooLarge() =>
        new(413, ErrorCodes.SizeInvalid, $"manifest is larger than {RegistryStore.MaxManifestSize} bytes");

    async Task DeleteManifestAsync(HttpContext ctx, RegistryRoute route)
    {
        if (!await AuthorizeAsync(ctx, RequiredAccess.Repository(route.Name, "delete")).ConfigureAwait(false)) return;
        store.DeleteManifest(route.Name, route.Value);
        Empty(ctx, 202);
    }
}
