using System.Net;
using System.Net.Http.Headers;
using Wharf.Registry.Auth;
using Wharf.Registry.Http;
using Wharf.Registry.Protocol;
using Wharf.Registry.Tests.Auth;

namespace Wharf.Registry.Tests.Http;

/// <summary>
/// Refused requests: the spec's status and error code for the client, one log line for the operator (never a
/// 500, never a stack trace); the anonymous 401 that starts every handshake stays out of the log.
/// </summary>
public class ErrorReportingTests : IAsyncLifetime
{
    TestRegistry _r = null!;
    HttpClient Http => _r.Http;

    public async Task InitializeAsync() => _r = await TestRegistry.StartAsync(AuthTests.File);
    public async Task DisposeAsync() => await _r.DisposeAsync();

    static AuthenticationHeaderValue Basic(string user, string password) => new("Basic", TokenService.EncodeBasic(user, password));

    async Task<(HttpStatusCode Status, string Code, List<string> Logged)> SendAsync(HttpRequestMessage req)
    {
        int before;
        lock (_r.Log) before = _r.Log.Count;
        var res = await Http.SendAsync(req);
        var code = res.Content.Headers.ContentLength > 0 ? await TestRegistry.ErrorCodeAsync(res) : "";
        lock (_r.Log) return (res.StatusCode, code, _r.Log.Skip(before).ToList());
    }

    static void OneLine(List<string> logged, params string[] parts)
    {
        var line = Assert.Single(logged);
        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain(" at Wharf.", line);
        foreach (var p in parts) Assert.Contains(p, line);
    }

    HttpRequestMessage As(HttpMethod method, string url, string user = "alice", string password = "s3cret", HttpContent? content = null)
    {
        var req = new HttpRequestMessage(method, url) { Content = content };
        req.Headers.Authorization = Basic(user, password);
        return req;
    }

    [Fact]
    public async Task A_wrong_password_is_a_401_UNAUTHORIZED_and_one_line_naming_the_user()
    {
        var (status, code, logged) = await SendAsync(As(HttpMethod.Get, "/v2/a/tags/list", password: "wrong"));
        Assert.Equal((HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized), (status, code));
        OneLine(logged, "127.0.0.1 user=alice GET /v2/a/tags/list: 401 UNAUTHORIZED incorrect username or password");

        (status, code, logged) = await SendAsync(As(HttpMethod.Get, "/token?scope=repository:a:pull", password: "wrong"));
        Assert.Equal((HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized), (status, code));
        OneLine(logged, "user=alice GET /token?scope=repository:a:pull: 401 UNAUTHORIZED incorrect username or password");
    }

    [Fact]
    public async Task The_anonymous_challenge_is_answered_but_not_logged()
    {
        var (status, code, logged) = await SendAsync(new HttpRequestMessage(HttpMethod.Get, "/v2/"));
        Assert.Equal((HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized), (status, code));
        Assert.Empty(logged);
    }

    [Fact]
    public async Task A_forged_token_is_a_401_and_one_line()
    {
        var req = new HttpRequestMessage(HttpMethod.Get, "/v2/a/tags/list");
        req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "bm90.YXRva2Vu");
        var (status, code, logged) = await SendAsync(req);
        Assert.Equal((HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized), (status, code));
        OneLine(logged, "bearer GET /v2/a/tags/list: 401 UNAUTHORIZED invalid or expired token");
    }

    [Fact]
    public async Task A_malformed_token_form_is_a_400_not_a_500()
    {
        var content = new ByteArrayContent("grant_type=password"u8.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("multipart/form-data");
        var (status, code, logged) = await SendAsync(new HttpRequestMessage(HttpMethod.Post, "/token") { Content = content });
        Assert.Equal((HttpStatusCode.BadRequest, ErrorCodes.Unsupported), (status, code));
        OneLine(logged, "POST /token: 400 UNSUPPORTED malformed token request form");
    }

    [Theory]
    [InlineData("GET", "/v2/a/blobs/sha256:nothex", null, HttpStatusCode.BadRequest, ErrorCodes.DigestInvalid)]
    [InlineData("GET", "/v2/Upper/tags/list", null, HttpStatusCode.BadRequest, ErrorCodes.NameInvalid)]
    [InlineData("PUT", "/v2/a/manifests/1", "{not json", HttpStatusCode.BadRequest, ErrorCodes.ManifestInvalid)]
    [InlineData("GET", "/v2/a/blobs/uploads/0123456789abcdef0123456789abcdef", null, HttpStatusCode.NotFound, ErrorCodes.BlobUploadUnknown)]
    [InlineData("GET", "/v2/a/tags/list?n=-3", null, HttpStatusCode.BadRequest, ErrorCodes.PaginationNumberInvalid)]
    public async Task Client_errors_get_the_spec_code_and_one_line(string method, string url, string? body, HttpStatusCode expected, string expectedCode)
    {
        HttpContent? content = null;
        if (body is not null)
        {
            content = new StringContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.OciManifest);
        }
        var (status, code, logged) = await SendAsync(As(new HttpMethod(method), url, content: content));
        Assert.Equal((expected, expectedCode), (status, code));
        OneLine(logged, $"user=alice {method} ", $": {(int)expected} {expectedCode} ");
    }

    [Fact]
    public void Unexpected_failures_are_500s_and_malformed_input_400s()
    {
        Assert.Equal(400, RegistryHandlers.Classify(new InvalidDataException("bad form")).Status);
        Assert.Equal(400, RegistryHandlers.Classify(new System.Text.Json.JsonException("bad")).Status);
        Assert.Equal((404, ErrorCodes.BlobUnknown), RegistryHandlers.Classify(RegistryException.BlobUnknown(Digest.Sha256("x"u8))) is var c ? (c.Status, c.Code) : default);
        var unknown = RegistryHandlers.Classify(new UnauthorizedAccessException("permission denied"));
        Assert.Equal((500, ErrorCodes.Unknown, "permission denied"), (unknown.Status, unknown.Code, unknown.Message));
    }
}
