using System.Text.Json.Serialization;

namespace Wharf.Api.Models;

/// <summary>A mount requested with `--mount` (swagger: Mount). Type is bind, volume, tmpfs, npipe or cluster.</summary>
public sealed class Mount
{
    public string? Type { get; set; } = "";
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Source { get; set; }
    public string? Target { get; set; } = "";
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    [JsonConverter(typeof(LenientBoolConverter))]
    public bool ReadOnly { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Consistency { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public MountBindOptions? BindOptions { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public MountVolumeOptions? VolumeOptions { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public MountTmpfsOptions? TmpfsOptions { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public MountImageOptions? ImageOptions { get; set; }
}

/// <summary>Options of an image mount (Mount.ImageOptions).</summary>
public sealed class MountImageOptions
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Subpath { get; set; }
}

/// <summary>Options of a bind mount (Mount.BindOptions).</summary>
public sealed class MountBindOptions
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Propagation { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    [JsonConverter(typeof(LenientBoolConverter))]
    public bool NonRecursive { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    [JsonConverter(typeof(LenientBoolConverter))]
    public bool CreateMountpoint { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    [JsonConverter(typeof(LenientBoolConverter))]
    public bool ReadOnlyNonRecursive { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    [JsonConverter(typeof(LenientBoolConverter))]
    public bool ReadOnlyForceRecursive { get; set; }
}

/// <summary>Options of a volume mount (Mount.VolumeOptions).</summary>
public sealed class MountVolumeOptions
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    [JsonConverter(typeof(LenientBoolConverter))]
    public bool NoCopy { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? Labels { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public MountDriverConfig? DriverConfig { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Subpath { get; set; }
}

/// <summary>The volume driver and its options (Mount.VolumeOptions.DriverConfig).</summary>
public sealed class MountDriverConfig
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? Options { get; set; }
}

/// <summary>Options of a tmpfs mount (Mount.TmpfsOptions); Mode is the octal file mode as a number.</summary>
public sealed class MountTmpfsOptions
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    [JsonConverter(typeof(LenientInt64Converter))]
    public long SizeBytes { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    [JsonConverter(typeof(LenientInt32Converter))]
    public int Mode { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<List<string>>? Options { get; set; }
}
