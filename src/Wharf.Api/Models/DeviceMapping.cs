namespace Wharf.Api.Models;

/// <summary>A host device made available in the container (`--device`; swagger: DeviceMapping).</summary>
public sealed class DeviceMapping
{
    public string? PathOnHost { get; set; } = "";
    public string? PathInContainer { get; set; } = "";
    public string? CgroupPermissions { get; set; } = "";
}
