using System.Text.Json.Serialization;

namespace Wharf.Api.Models;

/// <summary>A volume (swagger: Volume). UsageData is only filled by GET /system/df.</summary>
public sealed class Volume
{
    public string? CreatedAt { get; set; }
    public string Driver { get; set; } = "local";
    public Dictionary<string, string>? Labels { get; set; }
    public string Mountpoint { get; set; } = "";
    public string Name { get; set; } = "";
    public Dictionary<string, string>? Options { get; set; }
    public string Scope { get; set; } = "local";
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public VolumeUsageData? UsageData { get; set; }
}

/// <summary>Size and number of containers referencing a volume; -1 when not known.</summary>
public sealed class VolumeUsageData
{
    public long Size { get; set; } = -1;
    public long RefCount { get; set; } = -1;
}

/// <summary>The body of POST /volumes/create (swagger: VolumeCreateOptions).</summary>
public sealed class VolumeCreateOptions
{
    public string? Name { get; set; }
    public string? Driver { get; set; }
    public Dictionary<string, string>? DriverOpts { get; set; }
    public Dictionary<string, string>? Labels { get; set; }
}

/// <summary>GET /volumes (swagger: VolumeListResponse).</summary>
public sealed class VolumeListResponse
{
    public List<Volume> Volumes { get; set; } = [];
    public List<string> Warnings { get; set; } = [];
}

/// <summary>POST /volumes/prune.</summary>
public sealed class VolumePruneResponse
{
    public List<string>? VolumesDeleted { get; set; }
    public long SpaceReclaimed { get; set; }
}
