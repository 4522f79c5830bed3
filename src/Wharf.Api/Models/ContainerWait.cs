using System.Text.Json.Serialization;

namespace Wharf.Api.Models;

/// <summary>The answer to POST /containers/{id}/wait (swagger: ContainerWaitResponse).</summary>
public sealed class ContainerWaitResponse
{
    public long StatusCode { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ContainerWaitExitError? Error { get; set; }
}

/// <summary>Why waiting failed (swagger: ContainerWaitExitError).</summary>
public sealed class ContainerWaitExitError
{
    public string Message { get; set; } = "";
}
