using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Wharf.Engine.Distribution;

/// <summary>Bearer tokens by realm, service, scope and user, kept until shortly before they expire.</summary>
internal sealed class TokenCache
{
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset Expires)> _tokens = new();

    public string? Get(string key) =>
        _tokens.TryGetValue(key, out var t) && t.Expires > DateTimeOffset.UtcNow ? t.Token : null;

    public void Put(string key, string token, TimeSpan lifetime) =>
        // A margin so a token never expires between the check and its use.
        _tokens[key] = (token, DateTimeOffset.UtcNow + lifetime - TimeSpan.FromSeconds(Math.Min(10, lifetime.TotalSeconds / 2)));

    public void Forget(string key) => _tokens.TryRemove(key, out _);

    /// <summary>A token server's answer: `token` or `access_token`, `expires_in` seconds (60 when absent, as the spec says).</summary>
    public static (string Token, TimeSpan Lifetime) ParseResponse(ReadOnlySpan<byte> body)
    {
        JsonObject o;
        try { o = JsonNode.Parse(body) as JsonObject ?? throw new WharfException("the token server answered something other than a JSON object"); }
        catch (JsonException e) { throw new WharfException($"the token server answered invalid JSON: {e.Message}", 500, e); }
        string? Str(string k) => o[k] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        var token = Str("token") is { Length: > 0 } t ? t : Str("access_token");
        if (string.IsNullOrEmpty(token)) throw new WharfException("the token server answered without a token");
        var seconds = o["expires_in"] is JsonValue ex && ex.GetValueKind() == JsonValueKind.Number ? ex.GetValue<double>() : 60;
        return (token, TimeSpan.FromSeconds(Math.Max(seconds, 60)));
    }
}
