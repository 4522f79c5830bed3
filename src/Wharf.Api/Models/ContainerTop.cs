namespace Wharf.Api.Models;

/// <summary>The answer to GET /containers/{id}/top: ps column titles and one row per process.</summary>
public sealed class ContainerTopResponse
{
    public List<string> Titles { get; set; } = [];
    public List<List<string>> Processes { get; set; } = [];
}
