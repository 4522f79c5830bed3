using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;

namespace Wharf.Engine.Distribution;

/// <summary>
/// Talks to one registry endpoint with one set of credentials: finds the scheme (https, or http for an
/// insecure registry that does not speak TLS), answers Basic and Bearer challenges with tokens cached per
/// scope, and retries connection failures and 5xx answers with back-off.
/// </summary>
public sealed class RegistryClient
{
    private const int Attempts = 3;
    private static readonly HttpClient Verifying = CreateHttp(null);
    private static readonly HttpClient Trusting = CreateHttp(new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = static (_, _, _, _) => true });
    private static readonly ConcurrentDictionary<string, (string Fingerprint, HttpClient Http)> WithCertificates = new();
    private static readonly ConcurrentDictionary<string, Uri> ResolvedBases = new();
    private static readonly TokenCache Tokens = new();

    private readonly RegistryEndpoint _endpoint;
    private readonly RegistryCredentials _credentials;
    private readonly HttpClient _http;
    private Uri? _base;
    private AuthChallenge? _challenge;

    public RegistryClient(RegistryEndpoint endpoint, RegistryCredentials credentials)
    {
        _endpoint = endpoint;
        _credentials = credentials;
        _http = endpoint.SkipTlsVerify ? Trusting : endpoint.CertsDirectory is { } dir ? ForCertificates(dir) : Verifying;
    }

    /// <summary>A client that trusts a registry's certs.d directory, made again when the directory's files change.</summary>
    private static HttpClient ForCertificates(string directory)
    {
        var fingerprint = RegistryCertificates.Fingerprint(directory);
        if (WithCertificates.TryGetValue(directory, out var known) && known.Fingerprint == fingerprint) return known.Http;
        var http = CreateHttp(RegistryCertificates.Load(directory).SslOptions());
        WithCertificates[directory] = (fingerprint, http);
        return http;
    }

    public RegistryEndpoint Endpoint => _endpoint;

    /// <summary>Test hook and back-off base; production waits 250 ms, 500 ms between attempts.</summary>
    public static TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>GET /v2/: picks the scheme and learns the challenge. Throws a clear error when the registry is unreachable.</summary>
    public async Task<Uri> PingAsync(CancellationToken ct)
    {
        if (_base is not null) return _base;
        var key = _endpoint.BaseUri.ToString();
        var candidates = new List<Uri>();
        if (ResolvedBases.TryGetValue(key, out var known)) candidates.Add(known);
        candidates.Add(_endpoint.BaseUri);
        if (_endpoint.HttpFallback && _endpoint.BaseUri.Scheme == "https")
            candidates.Add(new UriBuilder(_endpoint.BaseUri) { Scheme = "http", Port = _endpoint.BaseUri.Port }.Uri);
        Exception? first = null;
        foreach (var candidate in candidates.Distinct())
        {
            var ping = new Uri(candidate, "v2/");
            try
            {
                using var res = await SendWithRetriesAsync(() => new HttpRequestMessage(HttpMethod.Get, ping), ct);
                // Plain http spoken to a TLS port answers 400; that is not this registry's API.
                if (res.StatusCode == HttpStatusCode.BadRequest && candidate.Scheme == "http" && candidates.Count > 1 && first is not null)
                    throw first;
                if (res.StatusCode == HttpStatusCode.Unauthorized)
                    _challenge = PickChallenge(res.Headers.WwwAuthenticate);
                else if (!res.IsSuccessStatusCode && res.StatusCode != HttpStatusCode.NotFound)
                    throw await RegistryException.FromResponseAsync(res, $"pinging {ping}", ct);
                ResolvedBases[key] = candidate;
                return _base = candidate;
            }
            catch (HttpRequestException e)
            {
                first ??= new WharfException($"Get \"{ping}\": {Reason(e)}", 500, e);
            }
        }
        throw first!;
    }

    /// <summary>Sends a request to the registry with authentication for <paramref name="scopes"/>, retrying transient failures.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, IReadOnlyList<string> scopes,
        Func<HttpContent?>? content, CancellationToken ct, Action<HttpRequestMessage>? configure = null,
        HttpCompletionOption completion = HttpCompletionOption.ResponseHeadersRead)
    {
        var baseUri = await PingAsync(ct);
        var uri = pathAndQuery.StartsWith("http://", StringComparison.Ordinal) || pathAndQuery.StartsWith("https://", StringComparison.Ordinal)
            ? new Uri(pathAndQuery) : new Uri(baseUri, pathAndQuery.TrimStart('/'));
        for (int round = 0; ; round++)
        {
            var auth = await AuthorizationAsync(scopes, ct);
            HttpRequestMessage Make()
            {
                var req = new HttpRequestMessage(method, uri) { Content = content?.Invoke() };
                if (auth is not null) req.Headers.Authorization = auth;
                configure?.Invoke(req);
                return req;
            }
            HttpResponseMessage res;
            try
            {
                res = await SendWithRetriesAsync(Make, ct, completion);
            }
            catch (HttpRequestException e)
            {
                throw new WharfException($"{method} \"{uri}\": {Reason(e)}", 500, e);
            }
            if (res.StatusCode != HttpStatusCode.Unauthorized || round > 0) return res;
            // A first 401 tells us the challenge (or a new scope); answer it once.
            var challenge = PickChallenge(res.Headers.WwwAuthenticate);
            if (challenge is null) return res;
            if (auth is not null && challenge.IsBasic) return res;
            _challenge = challenge;
            if (challenge.IsBearer) Tokens.Forget(TokenKey(challenge, scopes));
            res.Dispose();
        }
    }

    private async Task<AuthenticationHeaderValue?> AuthorizationAsync(IReadOnlyList<string> scopes, CancellationToken ct)
    {
        var c = _challenge;
        if (c is null) return null;
        if (c.IsBasic)
        {
            if (_credentials.Username is null) throw new WharfException("no basic auth credentials");
            return new AuthenticationHeaderValue("Basic", _credentials.BasicHeaderValue());
        }
        if (!c.IsBearer) throw new WharfException($"unsupported authentication scheme {c.Scheme} at {_endpoint.Host}");
        if (_credentials.RegistryToken is { } given) return new AuthenticationHeaderValue("Bearer", given);
        var key = TokenKey(c, scopes);
        var token = Tokens.Get(key) ?? await FetchTokenAsync(c, scopes, key, ct);
        return new AuthenticationHeaderValue("Bearer", token);
    }

    private string TokenKey(AuthChallenge c, IReadOnlyList<string> scopes) =>
        $"{c["realm"]}|{c["service"]}|{string.Join(' ', scopes.Order(StringComparer.Ordinal))}|{_credentials.Username}|{_credentials.IdentityToken}";

    private async Task<string> FetchTokenAsync(AuthChallenge c, IReadOnlyList<string> scopes, string key, CancellationToken ct)
    {
        var realm = c["realm"] ?? throw new WharfException($"the registry {_endpoint.Host} asked for a bearer token without a realm");
        if (!Uri.TryCreate(realm, UriKind.Absolute, out var realmUri) || realmUri.Scheme is not ("http" or "https"))
            throw new WharfException($"the registry {_endpoint.Host} gave an invalid token realm {realm}");
        HttpRequestMessage Make()
        {
            HttpRequestMessage req;
            if (_credentials.IdentityToken is { } refresh)
            {
                // OAuth2 refresh-token grant, as the docker CLI's identity tokens need.
                var form = new List<KeyValuePair<string, string>>
                {
                    new("grant_type", "refresh_token"), new("refresh_token", refresh), new("client_id", "wharf"),
                    new("service", c["service"] ?? ""),
                };
                form.AddRange(scopes.Select(s => new KeyValuePair<string, string>("scope", s)));
                req = new HttpRequestMessage(HttpMethod.Post, realmUri) { Content = new FormUrlEncodedContent(form) };
            }
            else
            {
                var q = new List<string>();
                if (c["service"] is { } service) q.Add("service=" + Uri.EscapeDataString(service));
                q.AddRange(scopes.Select(s => "scope=" + Uri.EscapeDataString(s)));
                var b = new UriBuilder(realmUri);
                b.Query = string.Join('&', (string.IsNullOrEmpty(b.Query) ? [] : new[] { b.Query.TrimStart('?') }).Concat(q));
                req = new HttpRequestMessage(HttpMethod.Get, b.Uri);
                if (_credentials.Username is not null)
                    req.Headers.Authorization = new AuthenticationHeaderValue("Basic", _credentials.BasicHeaderValue());
            }
            return req;
        }
        HttpResponseMessage res;
        try { res = await SendWithRetriesAsync(Make, ct); }
        catch (HttpRequestException e) { throw new WharfException($"getting a token from {realm}: {Reason(e)}", 500, e); }
        using (res)
        {
            if (res.StatusCode == HttpStatusCode.Unauthorized)
                throw new RegistryException($"getting a token from {realm}: unauthorized: incorrect username or password", res.StatusCode, "UNAUTHORIZED");
            if (!res.IsSuccessStatusCode) throw await RegistryException.FromResponseAsync(res, $"getting a token from {realm}", ct);
            var body = await res.Content.ReadAsByteArrayAsync(ct);
            var (token, expires) = TokenCache.ParseResponse(body);
            Tokens.Put(key, token, expires);
            return token;
        }
    }

    private async Task<HttpResponseMessage> SendWithRetriesAsync(Func<HttpRequestMessage> make, CancellationToken ct,
        HttpCompletionOption completion = HttpCompletionOption.ResponseHeadersRead)
    {
        for (int attempt = 1; ; attempt++)
        {
            using var req = make();
            try
            {
                var res = await _http.SendAsync(req, completion, ct);
                bool transient = (int)res.StatusCode >= 500 && res.StatusCode != HttpStatusCode.NotImplemented || res.StatusCode == HttpStatusCode.TooManyRequests;
                if (!transient || attempt == Attempts) return res;
                res.Dispose();
            }
            catch (HttpRequestException e) when (attempt < Attempts && !IsPermanent(e))
            {
            }
            await Task.Delay(RetryDelay * (1 << (attempt - 1)), ct);
        }
    }

    // A TLS failure will not heal by itself; a refused or reset connection may.
    private static bool IsPermanent(HttpRequestException e) =>
        e.InnerException is System.Security.Authentication.AuthenticationException || e.HttpRequestError == HttpRequestError.SecureConnectionError;

    private static AuthChallenge? PickChallenge(HttpHeaderValueCollection<AuthenticationHeaderValue> headers)
    {
        var all = headers.SelectMany(h => AuthChallenge.Parse(h.ToString())).ToList();
        return all.FirstOrDefault(c => c.IsBearer) ?? all.FirstOrDefault(c => c.IsBasic) ?? all.FirstOrDefault();
    }

    /// <summary>The failure as Docker words it: `connection refused`, `no such host`, `x509: ...`.</summary>
    internal static string Reason(HttpRequestException e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is SocketException se)
                return se.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connect: connection refused",
                    SocketError.HostNotFound or SocketError.NoData => "no such host",
                    SocketError.TimedOut => "i/o timeout",
                    SocketError.NetworkUnreachable or SocketError.HostUnreachable => "connect: network is unreachable",
                    _ => se.Message,
                };
            if (x is System.Security.Authentication.AuthenticationException ae)
                return "tls: " + (ae.InnerException?.Message ?? ae.Message) +
                    " (put the registry's CA in /etc/docker/certs.d/<host:port>/ca.crt, or add it to insecure-registries to skip verification)";
        }
        return e.Message;
    }

    /// <summary>
    /// A plain TCP connect, except that names under the reserved <c>.invalid</c> top-level domain (RFC 6761)
    /// fail at once without a DNS query: a default registry set to such a name keeps every pull local.
    /// </summary>
    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host.TrimEnd('.');
        if (host.Equals("invalid", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".invalid", StringComparison.OrdinalIgnoreCase))
            throw new SocketException((int)SocketError.HostNotFound);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static HttpClient CreateHttp(SslClientAuthenticationOptions? ssl)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 10,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
            MaxConnectionsPerServer = 16,
            ConnectCallback = ConnectAsync,
        };
        if (ssl is not null) handler.SslOptions = ssl;
        var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.UserAgent.ParseAdd("wharf/0.1");
        return http;
    }
}
