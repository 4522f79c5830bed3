namespace Wharf.Api.Models;

/// <summary>An answer carrying only the ID of what was created (swagger: IdResponse; POST /commit).</summary>
public sealed class IdResponse
{
    public string Id { get; set; } = "";
}
