namespace Wharf.Api.Models;

/// <summary>Swagger: FilesystemChange, one line of `docker diff` (Kind 0 modified, 1 added, 2 deleted).</summary>
public sealed class FilesystemChange
{
    public string Path { get; set; } = "";
    public int Kind { get; set; }
}
