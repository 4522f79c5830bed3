namespace Wharf.Api.Models;

/// <summary>
/// The answer to POST /containers/{id}/update. The request body is Resources plus RestartPolicy,
/// a subset of <see cref="HostConfig"/>, and is read as one.
/// </summary>
public sealed class ContainerUpdateResponse
{
    public List<string> Warnings { get; set; } = [];
}
