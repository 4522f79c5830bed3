namespace Wharf.Api.Models;

/// <summary>The logging driver of a container (HostConfig.LogConfig); an empty Type means the daemon default.</summary>
public sealed class LogConfig
{
    public string? Type { get; set; } = "";
    public Dictionary<string, string>? Config { get; set; } = [];
}
