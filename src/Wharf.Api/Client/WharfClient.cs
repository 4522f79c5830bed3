using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Wharf.Api.Json;
using Wharf.Api.Models;

namespace Wharf.Api.Client;

/// <summary>
/// Engine API client: HTTP/1.1 over a unix socket or TCP (optionally TLS), with the docker CLI's
/// version negotiation (HEAD /_ping, then /v{min(server, 1.47)}/...).
/// </summary>
public sealed partial class WharfClient : IDisposable
{
    /// <summary>The newest API version this client speaks.</summary>
    public const string MaxApiVersion = "1.47";

    /// <summary>Assumed when the daemon announces none.</summary>
    public const string FallbackApiVersion = "1.24";

    readonly HttpClient _http;
    readonly DaemonHost _host;
    readonly SemaphoreSlim _negotiateLock = new(1, 1);
    readonly SslClientAuthenticationOptions? _ssl;
    readonly string _userAgent;
    string? _version;
    bool _negotiated;

    public WharfClient(WharfClientOptions options)
    {
        var useTls = options.Tls || options.TlsVerify;
        _host = DaemonHost.Parse(options.Host ?? DaemonHost.DefaultHost, useTls);
        if (!string.IsNullOrEmpty(options.ApiVersion))
        {
            _version = options.ApiVersion.TrimStart('v');
            _negotiated = true;
        }
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
        Uri baseUri;
        if (_host.IsUnix)
        {
            var path = _host.Address;
            handler.ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
            baseUri = new Uri("http://api.moby.localhost");
        }
        else
        {
            var hostPart = _host.Address.Contains(':') ? "[" + _host.Address + "]" : _host.Address;
            baseUri = new Uri((useTls ? "https://" : "http://") + hostPart + ":" + _host.Port.ToString(CultureInfo.InvariantCulture));
            if (useTls) _ssl = ConfigureTls(handler, options);
        }
        _http = new HttpClient(handler) { BaseAddress = baseUri, Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(options.UserAgent);
        _userAgent = options.UserAgent;
    }

    /// <summary>The daemon address as given (for messages).</summary>
    public string Host => _host.Original;

    /// <summary>The API version in use after negotiation (or the fixed one); null before.</summary>
    public string? ApiVersion => _version;

    static SslClientAuthenticationOptions ConfigureTls(SocketsHttpHandler handler, WharfClientOptions o)
    {
        var ssl = new SslClientAuthenticationOptions();
        if (!string.IsNullOrEmpty(o.TlsCert) && !string.IsNullOrEmpty(o.TlsKey) && File.Exists(o.TlsCert) && File.Exists(o.TlsKey))
        {
            ssl.ClientCertificates = [X509Certificate2.CreateFromPemFile(o.TlsCert, o.TlsKey)];
        }
        if (!o.TlsVerify)
        {
            ssl.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }
        else if (!string.IsNullOrEmpty(o.TlsCaCert) && File.Exists(o.TlsCaCert))
        {
            var ca = new X509Certificate2Collection();
            ca.ImportFromPemFile(o.TlsCaCert);
            ssl.RemoteCertificateValidationCallback = (_, cert, _, errors) =>
            {
                if (cert is null) return false;
                if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(cert as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(cert.GetRawCertData()));
            };
        }
        handler.SslOptions = ssl;
        return ssl;
    }

    // ---------------------------------------------------------------- version negotiation

    /// <summary>HEAD /_ping (GET if HEAD is refused); never versioned.</summary>
    public async Task<PingResult> PingAsync(CancellationToken ct = default)
    {
        using var req = new HttpRequestMessage(HttpMethod.Head, "/_ping");
        using var res = await SendRawAsync(req, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        if (!res.IsSuccessStatusCode && res.StatusCode != HttpStatusCode.InternalServerError)
        {
            using var get = new HttpRequestMessage(HttpMethod.Get, "/_ping");
            using var res2 = await SendRawAsync(get, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
            return ReadPing(res2);
        }
        return ReadPing(res);
    }

    static PingResult ReadPing(HttpResponseMessage res)
    {
        static string? H(HttpResponseMessage r, string name) =>
            r.Headers.TryGetValues(name, out var v) ? v.FirstOrDefault() : null;
        return new PingResult(H(res, "API-Version"), H(res, "OSType"),
            string.Equals(H(res, "Docker-Experimental"), "true", StringComparison.OrdinalIgnoreCase), H(res, "Builder-Version"));
    }

    /// <summary>Pings and settles the version as min(server, <see cref="MaxApiVersion"/>); idempotent.</summary>
    public async Task NegotiateAsync(CancellationToken ct = default)
    {
        if (_negotiated) return;
        await _negotiateLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_negotiated) return;
            var ping = await PingAsync(ct).ConfigureAwait(false);
            _version = NegotiatedVersion(ping.ApiVersion);
            _negotiated = true;
        }
        finally
        {
            _negotiateLock.Release();
        }
    }

    /// <summary>docker's rule: no header → 1.24; otherwise the lower of the server's and ours.</summary>
    public static string NegotiatedVersion(string? serverVersion)
    {
        if (string.IsNullOrWhiteSpace(serverVersion)) return FallbackApiVersion;
        return CompareVersions(serverVersion, MaxApiVersion) < 0 ? serverVersion : MaxApiVersion;
    }

    /// <summary>Compares dotted versions numerically ("1.9" &lt; "1.47").</summary>
    public static int CompareVersions(string a, string b)
    {
        var pa = a.Split('.');
        var pb = b.Split('.');
        for (int i = 0; i < Math.Max(pa.Length, pb.Length); i++)
        {
            int x = i < pa.Length && int.TryParse(pa[i], NumberStyles.None, CultureInfo.InvariantCulture, out var xa) ? xa : 0;
            int y = i < pb.Length && int.TryParse(pb[i], NumberStyles.None, CultureInfo.InvariantCulture, out var yb) ? yb : 0;
            if (x != y) return x.CompareTo(y);
        }
        return 0;
    }

    // ---------------------------------------------------------------- plumbing

    async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage req, HttpCompletionOption completion, CancellationToken ct)
    {
        try
        {
            return await _http.SendAsync(req, completion, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new WharfConnectionException(_host.Original, e);
        }
        catch (SocketException e)
        {
            throw new WharfConnectionException(_host.Original, e);
        }
    }

    async Task<string> VersionedPathAsync(string path, CancellationToken ct)
    {
        await NegotiateAsync(ct).ConfigureAwait(false);
        return "/v" + _version + path;
    }

    /// <summary>Sends a request to a versioned path; throws <see cref="WharfApiException"/> on an error status.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, HttpContent? content = null,
        bool stream = false, CancellationToken ct = default, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        var req = new HttpRequestMessage(method, await VersionedPathAsync(pathAndQuery, ct).ConfigureAwait(false)) { Content = content };
        if (headers is not null)
            foreach (var (k, v) in headers) req.Headers.TryAddWithoutValidation(k, v);
        HttpResponseMessage res;
        try
        {
            res = await SendRawAsync(req, stream ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        }
        finally
        {
            if (!stream) req.Dispose();
        }
        if ((int)res.StatusCode >= 400)
        {
            using (res) throw await ToApiExceptionAsync(res, req.RequestUri?.ToString() ?? pathAndQuery, ct).ConfigureAwait(false);
        }
        return res;
    }

    static async Task<WharfApiException> ToApiExceptionAsync(HttpResponseMessage res, string route, CancellationToken ct)
    {
        string body;
        try { body = await res.Content.ReadAsStringAsync(ct).ConfigureAwait(false); }
        catch (IOException) { body = ""; }
        return ToApiException((int)res.StatusCode, res.ReasonPhrase, res.Content.Headers.ContentType?.MediaType, body, route);
    }

    /// <summary>docker's error text for a failed request: the JSON message, the plain body, or a status line.</summary>
    static WharfApiException ToApiException(int status, string? reason, string? contentType, string body, string route)
    {
        if (body.Length > 0 && (contentType?.StartsWith("application/json", StringComparison.Ordinal) == true || body.TrimStart().StartsWith('{')))
        {
            try
            {
                var err = JsonSerializer.Deserialize(body, WharfJsonContext.Default.ErrorResponse);
                if (err is not null && err.Message.Length > 0) return new WharfApiException(status, err.Message);
            }
            catch (JsonException) { }
        }
        body = body.Trim();
        if (body.Length == 0)
        {
            var text = string.IsNullOrEmpty(reason) ? status.ToString(CultureInfo.InvariantCulture) : reason;
            return new WharfApiException(status,
                $"request returned {text} for API route and version {route}, check if the server supports the requested API version");
        }
        return new WharfApiException(status, body);
    }

    async Task<T> GetJsonAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken ct)
    {
        using var res = await SendAsync(HttpMethod.Get, path, ct: ct).ConfigureAwait(false);
        return await ReadJsonAsync(res, type, ct).ConfigureAwait(false);
    }

    static async Task<T> ReadJsonAsync<T>(HttpResponseMessage res, JsonTypeInfo<T> type, CancellationToken ct)
    {
        var bytes = await res.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        return JsonSerializer.Deserialize(bytes, type) ?? throw new WharfApiException((int)res.StatusCode, "empty response from daemon");
    }

    /// <summary>GET a versioned path and return the body bytes untouched (inspect keeps the daemon's key order).</summary>
    public async Task<byte[]> GetRawAsync(string pathAndQuery, CancellationToken ct = default)
    {
        using var res = await SendAsync(HttpMethod.Get, pathAndQuery, ct: ct).ConfigureAwait(false);
        return await res.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Reads a JSON-lines (or concatenated JSON) stream as typed messages.</summary>
    public static async IAsyncEnumerable<T> ReadJsonLinesAsync<T>(Stream stream, JsonTypeInfo<T> type,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 16384, leaveOpen: true);
        while (true)
        {
            var line = await reader.ReadLineAsync(ct).ConfigureAwait(false);
            if (line is null) yield break;
            line = line.Trim();
            if (line.Length == 0) continue;
            T? item;
            try { item = JsonSerializer.Deserialize(line, type); }
            catch (JsonException e) { throw new WharfApiException(500, "invalid JSON in stream: " + e.Message); }
            if (item is not null) yield return item;
        }
    }

    async IAsyncEnumerable<T> StreamAsync<T>(HttpMethod method, string path, HttpContent? content, JsonTypeInfo<T> type,
        [EnumeratorCancellation] CancellationToken ct, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        using var res = await SendAsync(method, path, content, stream: true, ct: ct, headers: headers).ConfigureAwait(false);
        await using var body = await res.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await foreach (var item in ReadJsonLinesAsync(body, type, ct).ConfigureAwait(false))
            yield return item;
    }

    static string Esc(string s) => Uri.EscapeDataString(s);

    public void Dispose()
    {
        _http.Dispose();
        _negotiateLock.Dispose();
    }
}
