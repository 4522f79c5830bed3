using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Wharf.Api.Json;
using Wharf.Api.Models;
using Wharf.Engine;

namespace Wharf.Daemon.Http;

/// <summary>One API request: route values, Docker-style query parsing and JSON responses.</summary>
public sealed class ApiContext(HttpContext http, Dictionary<string, string> route, string apiVersion)
{
    public HttpContext Http { get; } = http;
    public HttpRequest Request => Http.Request;
    public HttpResponse Response => Http.Response;
    public CancellationToken Aborted => Http.RequestAborted;
    /// <summary>The API version the client asked for (from the /v1.NN prefix), or the server's.</summary>
    public string ApiVersion { get; } = apiVersion;

    public string Route(string name) => route[name];

    public string? Query(string name) => Request.Query.TryGetValue(name, out var v) ? v.ToString() : null;

    public List<string> QueryAll(string name) =>
        Request.Query.TryGetValue(name, out var v) ? v.Where(x => x is not null).Select(x => x!).ToList() : [];

    /// <summary>Go's strconv.ParseBool as Docker reads query flags: 1/t/true; empty means false.</summary>
    public bool QueryBool(string name)
    {
        var v = Query(name);
        if (string.IsNullOrEmpty(v)) return false;
        return v.ToLowerInvariant() switch
        {
            "1" or "t" or "true" => true,
            "0" or "f" or "false" => false,
            _ => throw new BadRequestException($"invalid value for {name}: {v}"),
        };
    }

    public int? QueryInt(string name)
    {
        var v = Query(name);
        if (string.IsNullOrEmpty(v)) return null;
        return int.TryParse(v, out var n) ? n : throw new BadRequestException($"invalid value for {name}: {v}");
    }

    /// <summary>The `filters` parameter in both shapes clients send: {"k":{"v":true}} and {"k":["v"]}.</summary>
    public Dictionary<string, List<string>> Filters() => FilterParser.Parse(Query("filters"));

    public async Task<T> ReadJsonAsync<T>(JsonTypeInfo<T> type) where T : new()
    {
        if (Request.ContentLength == 0) return new T();
        try
        {
            return await JsonSerializer.DeserializeAsync(Request.Body, type, Aborted) ?? new T();
        }
        catch (JsonException e)
        {
            throw new BadRequestException($"invalid JSON body: {e.Message}", e);
        }
    }

    public async Task JsonAsync<T>(T value, JsonTypeInfo<T> type, int status = 200)
    {
        Response.StatusCode = status;
        Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(Response.Body, value, type, Aborted);
        await Response.Body.WriteAsync("\n"u8.ToArray(), Aborted);
    }

    public Task NoContentAsync(int status = 204)
    {
        Response.StatusCode = status;
        return Task.CompletedTask;
    }

    /// <summary>Starts a JSON-lines stream (progress, events) and sends the headers at once.</summary>
    public async Task BeginStreamAsync(string contentType = "application/json")
    {
        Response.StatusCode = 200;
        Response.ContentType = contentType;
        await Response.StartAsync(Aborted);
        await Response.Body.FlushAsync(Aborted);
    }

    public async Task StreamLineAsync<T>(T value, JsonTypeInfo<T> type)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, type);
        await Response.Body.WriteAsync(bytes, Aborted);
        await Response.Body.WriteAsync("\r\n"u8.ToArray(), Aborted);
        await Response.Body.FlushAsync(Aborted);
    }

    /// <summary>
    /// Docker's hijack: answers 101 with `Upgrade: tcp` and returns the raw duplex stream, plus the request
    /// body that came with the upgrade request (it travels on the upgraded stream, see <see cref="HttpHeadRewriter"/>).
    /// </summary>
    public async Task<(Stream Stream, byte[] Body)> HijackAsync(string contentType)
    {
        var upgrade = Http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpUpgradeFeature>();
        if (upgrade is null || !upgrade.IsUpgradableRequest)
            throw new BadRequestException("this endpoint needs a hijackable connection: send 'Connection: Upgrade' and 'Upgrade: tcp'");
        Response.Headers["Content-Type"] = contentType;
        Response.Headers["Connection"] = "Upgrade";
        Response.Headers["Upgrade"] = "tcp";
        var stream = await upgrade.UpgradeAsync();
        var body = Array.Empty<byte>();
        if (long.TryParse(Request.Headers[HttpHeadRewriter.BodyLengthHeader].ToString(), out var length) && length > 0)
        {
            body = new byte[length];
            await stream.ReadExactlyAsync(body, Aborted);
        }
        return (stream, body);
    }

    public Task ProgressAsync(ProgressMessage m) => StreamLineAsync(m, WharfJsonContext.Default.ProgressMessage);
}
