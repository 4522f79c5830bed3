using System.Text;
using System.Text.Json;
using Wharf.Api.Json;
using Wharf.Api.Models;

namespace Wharf.Api.Client;

public sealed partial class WharfClient
{
    /// <summary>POST /images/create?fromImage=&amp;tag=&amp;platform= with X-Registry-Auth (null: anonymous).</summary>
    public IAsyncEnumerable<ProgressMessage> PullImageAsync(string fromImage, string? tag, string? platform, AuthConfig? auth, CancellationToken ct)
    {
        var q = new QueryBuilder().Add("fromImage", fromImage).AddNonEmpty("tag", tag).AddNonEmpty("platform", platform?.ToLowerInvariant());
        return StreamAsync(HttpMethod.Post, "/images/create" + q, null, WharfJsonContext.Default.ProgressMessage, ct, RegistryAuthHeader(auth));
    }

    /// <summary>POST /images/{name}/push?tag= with X-Registry-Auth; no tag pushes every tag of the repository.</summary>
    public IAsyncEnumerable<ProgressMessage> PushImageAsync(string name, string? tag, AuthConfig? auth, CancellationToken ct = default)
    {
        var q = new QueryBuilder().AddNonEmpty("tag", tag);
        return StreamAsync(HttpMethod.Post, "/images/" + Esc(name) + "/push" + q, null, WharfJsonContext.Default.ProgressMessage, ct,
            RegistryAuthHeader(auth ?? new AuthConfig()));
    }

    /// <summary>POST /auth: the daemon checks the credentials against the registry.</summary>
    public async Task<AuthResponse> LoginAsync(AuthConfig auth, CancellationToken ct = default)
    {
        var body = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(auth, WharfJsonContext.Default.AuthConfig));
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var res = await SendAsync(HttpMethod.Post, "/auth", body, ct: ct).ConfigureAwait(false);
        return await ReadJsonAsync(res, WharfJsonContext.Default.AuthResponse, ct).ConfigureAwait(false);
    }

    /// <summary>X-Registry-Auth: base64url of the AuthConfig JSON, as the docker CLI encodes it.</summary>
    public static string EncodeRegistryAuth(AuthConfig auth) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(auth, WharfJsonContext.Default.AuthConfig)).Replace('+', '-').Replace('/', '_');

    static KeyValuePair<string, string>[]? RegistryAuthHeader(AuthConfig? auth) =>
        auth is null ? null : [new("X-Registry-Auth", EncodeRegistryAuth(auth))];
}
