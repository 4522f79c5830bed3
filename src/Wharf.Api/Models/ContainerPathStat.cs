using System.Text.Json.Serialization;

namespace Wharf.Api.Models;

/// <summary>
/// The X-Docker-Container-Path-Stat header of HEAD/GET /containers/{id}/archive (base64 JSON). Mode is a Go
/// os.FileMode: permission bits plus type bits (<see cref="ModeDir"/>, <see cref="ModeSymlink"/>, ...).
/// </summary>
public sealed class ContainerPathStat
{
    public const uint ModeDir = 1u << 31;
    public const uint ModeSymlink = 1u << 27;
    public const uint ModeDevice = 1u << 26;
    public const uint ModeNamedPipe = 1u << 25;
    public const uint ModeSocket = 1u << 24;
    public const uint ModeSetuid = 1u << 23;
    public const uint ModeSetgid = 1u << 22;
    public const uint ModeCharDevice = 1u << 21;
    public const uint ModeSticky = 1u << 20;
    public const uint ModeIrregular = 1u << 19;

    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("size")] public long Size { get; set; }
    [JsonPropertyName("mode")] public uint Mode { get; set; }
    [JsonPropertyName("mtime")] public string Mtime { get; set; } = "";
    [JsonPropertyName("linkTarget")] public string LinkTarget { get; set; } = "";

    [JsonIgnore] public bool IsDir => (Mode & ModeDir) != 0;
    [JsonIgnore] public bool IsSymlink => (Mode & ModeSymlink) != 0;

    /// <summary>A regular file: none of the type bits set.</summary>
    [JsonIgnore]
    public bool IsRegular => (Mode & (ModeDir | ModeSymlink | ModeDevice | ModeNamedPipe | ModeSocket | ModeCharDevice | ModeIrregular)) == 0;
}
