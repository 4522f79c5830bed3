using System.Text.Json.Serialization;

namespace Wharf.Api.Models;

/// <summary>One changed path of GET /containers/{id}/changes (swagger: FilesystemChange).</summary>
public sealed class FilesystemChange
{
    public string Path { get; set; } = "";

    /// <summary>0 modified, 1 added, 2 deleted (swagger: ChangeType).</summary>
    public byte Kind { get; set; }

    /// <summary>The letter `docker diff` prints: C, A or D.</summary>
    [JsonIgnore]
    public string KindLetter => Kind switch
    {
        0 => "C",
        1 => "A",
        2 => "D",
        _ => "",
    };
}
