namespace Wharf.Api.Models;

/// <summary>Swagger: IdResponse, the answer to POST /commit.</summary>
public sealed class IdResponse
{
    public string Id { get; set; } = "";
}
