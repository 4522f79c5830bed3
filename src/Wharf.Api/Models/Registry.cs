using System.Text.Json.Serialization;

namespace Wharf.Api.Models;

/// <summary>Credentials for a registry: the /auth body and, base64url-encoded, the X-Registry-Auth header.</summary>
public sealed class AuthConfig
{
    [JsonPropertyName("username"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Username { get; set; }
    [JsonPropertyName("password"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Password { get; set; }
    [JsonPropertyName("auth"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Auth { get; set; }
    [JsonPropertyName("serveraddress"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ServerAddress { get; set; }
    [JsonPropertyName("identitytoken"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? IdentityToken { get; set; }
    [JsonPropertyName("registrytoken"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RegistryToken { get; set; }
}

/// <summary>The answer to POST /auth.</summary>
public sealed class AuthResponse
{
    [JsonPropertyName("Status")]
    public string Status { get; set; } = "";
    [JsonPropertyName("IdentityToken"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? IdentityToken { get; set; }
}
