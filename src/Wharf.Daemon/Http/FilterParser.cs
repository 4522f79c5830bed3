using System.Text.Json;
using Wharf.Engine;

namespace Wharf.Daemon.Http;

/// <summary>Parses Docker's `filters` JSON: {"label":{"a=b":true}} (docker CLI) or {"label":["a=b"]} (docker-py, compose).</summary>
public static class FilterParser
{
    public static Dictionary<string, List<string>> Parse(string? json)
    {
        var result = new Dictionary<string, List<string>>();
        if (string.IsNullOrWhiteSpace(json)) return result;
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new BadRequestException("invalid filters: must be a JSON object");
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                var list = new List<string>();
                switch (p.Value.ValueKind)
                {
                    case JsonValueKind.Object:
                        foreach (var v in p.Value.EnumerateObject())
                            if (v.Value.ValueKind == JsonValueKind.True) list.Add(v.Name);
                        break;
                    case JsonValueKind.Array:
                        foreach (var v in p.Value.EnumerateArray())
                            list.Add(v.ValueKind == JsonValueKind.String ? v.GetString()! : v.ToString());
                        break;
                    case JsonValueKind.String:
                        list.Add(p.Value.GetString()!);
                        break;
                    default:
                        throw new BadRequestException($"invalid filters: bad value for '{p.Name}'");
                }
                result[p.Name] = list;
            }
        }
        catch (JsonException e)
        {
            throw new BadRequestException($"invalid filters: {e.Message}", e);
        }
        return result;
    }
}
