using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Wharf.Registry.Auth;
using Wharf.Registry.Protocol;
using Wharf.Registry.Tests.Auth;

namespace Wharf.Registry.Tests.Http;

/// <summary>htpasswd Basic auth and the bearer token flow at the server's own realm.</summary>
public class AuthApiTests : IAsyncLifetime
{
    TestRegistry _r = null!;
    HttpClient Http => _r.Http;

    public async Task InitializeAsync() => _r = await TestRegistry.StartAsync(AuthTests.File);
    public async Task DisposeAsync() => await _r.DisposeAsync();

    static AuthenticationHeaderValue Basic(string user, string password) => new("Basic", TokenService.EncodeBasic(user, password));

    async Task<string> TokenAsync(string scope, string user = "alice", string password = "s3cret")
    {
        var req = new HttpRequestMessage(HttpMethod.Get, $"/token?service=wharf-registry&scope={Uri.EscapeDataString(scope)}");
        req.Headers.Authorization = Basic(user, password);
        var r = await Http.SendAsync(req);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using var doc = JsonDocument.Parse(await r.Content.ReadAsStringAsync());
        Assert.True(doc.RootElement.GetProperty("expires_in").GetInt32() >= 60);
        return doc.RootElement.GetProperty("token").GetString()!;
    }

    [Fact]
    public async Task Anonymous_requests_get_a_bearer_challenge_at_the_own_realm()
    {
        var r = await Http.GetAsync("/v2/");
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        Assert.Equal(ErrorCodes.Unauthorized, await TestRegistry.ErrorCodeAsync(r));
        var challenge = r.Headers.WwwAuthenticate.Single();
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains($"realm=\"{Http.BaseAddress}token\"", challenge.Parameter);
        r = await Http.GetAsync("/v2/a/tags/list");
        Assert.Contains("scope=\"repository:a:pull\"", r.Headers.WwwAuthenticate.Single().Parameter);
    }

    [Fact]
    public async Task A_wrong_password_gets_401_and_nothing_is_stored()
    {
        var req = new HttpRequestMessage(HttpMethod.Get, "/token?scope=repository:a:pull,push");
        req.Headers.Authorization = Basic("alice", "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.SendAsync(req)).StatusCode);

        var push = new HttpRequestMessage(HttpMethod.Post, $"/v2/a/blobs/uploads/?digest={Digest.Sha256("data"u8)}") { Content = new ByteArrayContent("data"u8.ToArray()) };
        push.Headers.Authorization = Basic("alice", "wrong");
        var r = await Http.SendAsync(push);
        Assert.Equal((HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized), (r.StatusCode, await TestRegistry.ErrorCodeAsync(r)));
        Assert.DoesNotContain(Directory.EnumerateFiles(_r.DataRoot, "*", SearchOption.AllDirectories), f => !f.EndsWith(".gc.lock"));
    }

    [Fact]
    public async Task A_token_works_for_its_scope_only()
    {
        var token = await TokenAsync("repository:mine:pull,push");
        var content = "layer"u8.ToArray();
        var push = new HttpRequestMessage(HttpMethod.Post, $"/v2/mine/blobs/uploads/?digest={Digest.Sha256(content)}") { Content = new ByteArrayContent(content) };
        push.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.Created, (await Http.SendAsync(push)).StatusCode);

        var other = new HttpRequestMessage(HttpMethod.Post, "/v2/theirs/blobs/uploads/");
        other.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var r = await Http.SendAsync(other);
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        Assert.Contains("error=\"insufficient_scope\"", r.Headers.WwwAuthenticate.Single().Parameter);

        var catalog = new HttpRequestMessage(HttpMethod.Get, "/v2/_catalog");
        catalog.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync("registry:catalog:*"));
        Assert.Contains("mine", await (await Http.SendAsync(catalog)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Basic_credentials_work_directly()
    {
        var req = new HttpRequestMessage(HttpMethod.Get, "/v2/");
        req.Headers.Authorization = Basic("bob", "hunter2");
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(req)).StatusCode);
    }

    [Fact]
    public async Task The_token_endpoint_takes_an_oauth2_password_grant()
    {
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["username"] = "bob", ["password"] = "hunter2", ["scope"] = "repository:x:pull", ["service"] = "wharf-registry",
        });
        var r = await Http.PostAsync("/token", form);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Contains("access_token", await r.Content.ReadAsStringAsync());
        var anonymous = await Http.GetAsync("/token?scope=repository:x:pull");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task Mount_from_a_repository_the_token_cannot_read_falls_back_to_an_upload()
    {
        var setup = new HttpRequestMessage(HttpMethod.Post, $"/v2/src/blobs/uploads/?digest={Digest.Sha256("s"u8)}") { Content = new ByteArrayContent("s"u8.ToArray()) };
        setup.Headers.Authorization = Basic("alice", "s3cret");
        Assert.Equal(HttpStatusCode.Created, (await Http.SendAsync(setup)).StatusCode);
        var mount = new HttpRequestMessage(HttpMethod.Post, $"/v2/dst/blobs/uploads/?mount={Digest.Sha256("s"u8)}&from=src");
        mount.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync("repository:dst:pull,push"));
        Assert.Equal(HttpStatusCode.Accepted, (await Http.SendAsync(mount)).StatusCode);
    }
}
