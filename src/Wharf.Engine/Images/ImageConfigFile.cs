using System.Text.Json;
using System.Text.Json.Nodes;
using Wharf.Api.Json;
using Wharf.Api.Models;

namespace Wharf.Engine.Images;

/// <summary>The parts of an OCI/Docker image config blob the engine reads; the blob itself is kept verbatim.</summary>
public sealed class ImageConfigFile
{
    public string Created { get; init; } = "";
    public string Author { get; init; } = "";
    public string Architecture { get; init; } = "amd64";
    public string Os { get; init; } = "linux";
    public string? Variant { get; init; }
    public string Comment { get; init; } = "";
    public string DockerVersion { get; init; } = "";
    public ContainerConfig Config { get; init; } = new();
    public List<string> DiffIds { get; init; } = [];
    public List<HistoryEntry> History { get; init; } = [];

    /// <summary>One history entry; empty-layer entries have no layer of their own.</summary>
    public sealed record HistoryEntry(string Created, string CreatedBy, string Comment, bool EmptyLayer, string Author);

    public static ImageConfigFile Parse(ReadOnlySpan<byte> json)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject ?? throw new FormatException("image config is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new FormatException($"invalid image config: {e.Message}", e);
        }
        var rootfs = root["rootfs"] as JsonObject ?? throw new FormatException("invalid image config: no rootfs");
        var diffIds = (rootfs["diff_ids"] as JsonArray ?? []).Select(x => x?.GetValue<string>() ?? throw new FormatException("invalid diff id")).ToList();
        var cfgNode = root["config"] ?? root["container_config"];
        var config = cfgNode is JsonObject ? cfgNode.Deserialize(WharfJsonContext.Default.ContainerConfig) ?? new() : new ContainerConfig();
        var history = (root["history"] as JsonArray ?? []).OfType<JsonObject>().Select(h => new HistoryEntry(
            Str(h, "created"), Str(h, "created_by"), Str(h, "comment"),
            h["empty_layer"] is JsonValue v && v.GetValueKind() == JsonValueKind.True, Str(h, "author"))).ToList();
        return new ImageConfigFile
        {
            Created = Str(root, "created"),
            Author = Str(root, "author"),
            Architecture = Str(root, "architecture") is { Length: > 0 } a ? a : "amd64",
            Os = Str(root, "os") is { Length: > 0 } os ? os : "linux",
            Variant = root["variant"]?.GetValue<string>(),
            Comment = Str(root, "comment"),
            DockerVersion = Str(root, "docker_version"),
            Config = config,
            DiffIds = diffIds,
            History = history,
        };
    }

    private static string Str(JsonObject o, string key) =>
        o[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "";

    /// <summary>Writes a new image config (import, commit, build) in the OCI layout Docker uses.</summary>
    public static byte[] Create(ContainerConfig config, IReadOnlyList<string> diffIds, IReadOnlyList<HistoryEntry> history,
        DateTimeOffset created, string? author = null, string? comment = null, string architecture = "amd64", string os = "linux")
    {
        var root = new JsonObject
        {
            ["architecture"] = architecture,
        };
        if (!string.IsNullOrEmpty(author)) root["author"] = author;
        if (!string.IsNullOrEmpty(comment)) root["comment"] = comment;
        root["config"] = JsonSerializer.SerializeToNode(config, WharfJsonContext.Default.ContainerConfig);
        root["created"] = Rfc3339(created);
        root["history"] = new JsonArray(history.Select(h =>
        {
            var o = new JsonObject { ["created"] = h.Created };
            if (!string.IsNullOrEmpty(h.Author)) o["author"] = h.Author;
            if (!string.IsNullOrEmpty(h.CreatedBy)) o["created_by"] = h.CreatedBy;
            if (!string.IsNullOrEmpty(h.Comment)) o["comment"] = h.Comment;
            if (h.EmptyLayer) o["empty_layer"] = true;
            return (JsonNode)o;
        }).ToArray());
        root["os"] = os;
        root["rootfs"] = new JsonObject
        {
            ["type"] = "layers",
            ["diff_ids"] = new JsonArray(diffIds.Select(d => (JsonNode)JsonValue.Create(d)!).ToArray()),
        };
        return System.Text.Encoding.UTF8.GetBytes(root.ToJsonString(Wharf.Api.Json.JsonDefaults.Relaxed));
    }

    public static string Rfc3339(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'");
}
