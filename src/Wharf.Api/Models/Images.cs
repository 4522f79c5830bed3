using System.Text.Json.Serialization;

namespace Wharf.Api.Models;

/// <summary>One row of GET /images/json (swagger: ImageSummary).</summary>
public sealed class ImageSummary
{
    public string Id { get; set; } = "";
    public string ParentId { get; set; } = "";
    public List<string> RepoTags { get; set; } = [];
    public List<string> RepoDigests { get; set; } = [];
    public long Created { get; set; }
    public long Size { get; set; }
    public long SharedSize { get; set; } = -1;
    public long VirtualSize { get; set; }
    public Dictionary<string, string> Labels { get; set; } = [];
    public long Containers { get; set; } = -1;
}

/// <summary>GET /images/{name}/json (swagger: ImageInspect).</summary>
public sealed class ImageInspect
{
    public string Id { get; set; } = "";
    public List<string> RepoTags { get; set; } = [];
    public List<string> RepoDigests { get; set; } = [];
    public string Parent { get; set; } = "";
    public string Comment { get; set; } = "";
    public string Created { get; set; } = "";
    public string DockerVersion { get; set; } = "";
    public string Author { get; set; } = "";
    public ContainerConfig? Config { get; set; }
    public string Architecture { get; set; } = "";
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Variant { get; set; }
    public string Os { get; set; } = "";
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OsVersion { get; set; }
    public long Size { get; set; }
    public long VirtualSize { get; set; }
    public GraphDriverData GraphDriver { get; set; } = new();
    public ImageRootFs RootFS { get; set; } = new();
    public ImageMetadata Metadata { get; set; } = new();
}

/// <summary>Storage driver details of an image or container.</summary>
public sealed class GraphDriverData
{
    public string Name { get; set; } = "overlay2";
    public Dictionary<string, string> Data { get; set; } = [];
}

/// <summary>The layers of an image, by diff id.</summary>
public sealed class ImageRootFs
{
    public string Type { get; set; } = "layers";
    public List<string> Layers { get; set; } = [];
}

/// <summary>Local metadata of an image.</summary>
public sealed class ImageMetadata
{
    public string? LastTagTime { get; set; }
}

/// <summary>One row of GET /images/{name}/history.</summary>
public sealed class ImageHistoryItem
{
    public string Id { get; set; } = "<missing>";
    public long Created { get; set; }
    public string CreatedBy { get; set; } = "";
    public List<string>? Tags { get; set; }
    public long Size { get; set; }
    public string Comment { get; set; } = "";
}

/// <summary>One row of DELETE /images/{name} and prune results.</summary>
public sealed class ImageDeleteItem
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Untagged { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Deleted { get; set; }
}

/// <summary>POST /images/prune response.</summary>
public sealed class ImagePruneResponse
{
    public List<ImageDeleteItem>? ImagesDeleted { get; set; }
    public long SpaceReclaimed { get; set; }
}

/// <summary>A line of a JSON progress stream (pull, push, load, import, build).</summary>
public sealed class ProgressMessage
{
    [JsonPropertyName("stream"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Stream { get; set; }
    [JsonPropertyName("status"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Status { get; set; }
    [JsonPropertyName("id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Id { get; set; }
    [JsonPropertyName("progress"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Progress { get; set; }
    [JsonPropertyName("progressDetail"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ProgressDetail? ProgressDetail { get; set; }
    [JsonPropertyName("error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; set; }
    [JsonPropertyName("errorDetail"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ErrorDetail? ErrorDetail { get; set; }
    [JsonPropertyName("aux"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public AuxId? Aux { get; set; }
}

/// <summary>Byte counts of a progress line.</summary>
public sealed class ProgressDetail
{
    [JsonPropertyName("current"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long Current { get; set; }
    [JsonPropertyName("total"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long Total { get; set; }
}

/// <summary>Error inside a progress stream.</summary>
public sealed class ErrorDetail
{
    [JsonPropertyName("code"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Code { get; set; }
    [JsonPropertyName("message")]
    public string? Message { get; set; }
}

/// <summary>The `aux` payload carrying an image id.</summary>
public sealed class AuxId
{
    [JsonPropertyName("ID"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ID { get; set; }
    // A push's result, as the docker CLI reads it (PushResult).
    [JsonPropertyName("Tag"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Tag { get; set; }
    [JsonPropertyName("Digest"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Digest { get; set; }
    [JsonPropertyName("Size"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long Size { get; set; }
}

/// <summary>Error body of every failed API call.</summary>
public sealed class ErrorResponse
{
    [JsonPropertyName("message")]
    public string Message { get; set; } = "";
}

/// <summary>GET /system/df response (images part for now).</summary>
public sealed class DiskUsage
{
    public long LayersSize { get; set; }
    public List<ImageSummary> Images { get; set; } = [];
    public List<ContainerSummary> Containers { get; set; } = [];
    public List<System.Text.Json.Nodes.JsonObject> Volumes { get; set; } = [];
    public List<System.Text.Json.Nodes.JsonObject> BuildCache { get; set; } = [];
}
