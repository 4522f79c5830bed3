using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Wharf.Engine.Distribution;

/// <summary>A registry refused a request; the message carries its error codes as Docker prints them (`manifest unknown: ...`).</summary>
public sealed class RegistryException(string message, HttpStatusCode registryStatus, string? code, int apiStatus = 500)
    : WharfException(message, apiStatus)
{
    public HttpStatusCode RegistryStatus { get; } = registryStatus;
    public string? Code { get; } = code;

    /// <summary>Builds the error from a failed response: `code: message` of each error in the spec's body, else the status.</summary>
    public static async Task<RegistryException> FromResponseAsync(HttpResponseMessage res, string what, CancellationToken ct)
    {
        string? code = null;
        string detail;
        try
        {
            var body = await res.Content.ReadAsByteArrayAsync(ct);
            detail = Describe(body, out code) ?? $"{(int)res.StatusCode} {res.ReasonPhrase}";
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            detail = $"{(int)res.StatusCode} {res.ReasonPhrase}";
        }
        int api = res.StatusCode switch
        {
            HttpStatusCode.NotFound => 404,
            HttpStatusCode.BadRequest when code is "NAME_INVALID" or "TAG_INVALID" or "MANIFEST_INVALID" => 400,
            _ => 500,
        };
        return new RegistryException($"{what}: {detail}", res.StatusCode, code, api);
    }

    /// <summary>The spec's error body `{"errors":[{"code":..,"message":..}]}` as `code: message` lines joined.</summary>
    public static string? Describe(ReadOnlySpan<byte> body, out string? firstCode)
    {
        firstCode = null;
        if (body.IsEmpty) return null;
        try
        {
            if (JsonNode.Parse(body) is not JsonObject o || o["errors"] is not JsonArray errors || errors.Count == 0) return null;
            var parts = new List<string>();
            foreach (var e in errors)
            {
                if (e is not JsonObject eo) continue;
                var code = eo["code"] is JsonValue c && c.GetValueKind() == JsonValueKind.String ? c.GetValue<string>() : null;
                var msg = eo["message"] is JsonValue m && m.GetValueKind() == JsonValueKind.String ? m.GetValue<string>() : null;
                firstCode ??= code;
                var text = code is null ? msg ?? "unknown error" : code.ToLowerInvariant().Replace('_', ' ') + (msg is null ? "" : ": " + msg);
                parts.Add(text);
            }
            return parts.Count == 0 ? null : string.Join("; ", parts);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
