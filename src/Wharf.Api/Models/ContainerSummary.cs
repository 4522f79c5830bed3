using System.Text.Json.Serialization;

namespace Wharf.Api.Models;

/// <summary>One row of GET /containers/json (swagger: ContainerSummary).</summary>
public sealed class ContainerSummary
{
    public string Id { get; set; } = "";
    /// <summary>Names with Docker's leading slash, including link names ("/web", "/app/db").</summary>
    public List<string> Names { get; set; } = [];
    public string Image { get; set; } = "";
    public string ImageID { get; set; } = "";
    public string Command { get; set; } = "";
    public long Created { get; set; }
    public List<ContainerPort> Ports { get; set; } = [];
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? SizeRw { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? SizeRootFs { get; set; }
    public Dictionary<string, string> Labels { get; set; } = [];
    /// <summary>created, running, paused, restarting, removing, exited or dead.</summary>
    public string State { get; set; } = "";
    /// <summary>Human-readable status: "Up 3 seconds (healthy)", "Exited (3) 2 minutes ago".</summary>
    public string Status { get; set; } = "";
    public ContainerSummaryHostConfig HostConfig { get; set; } = new();
    public ContainerSummaryNetworkSettings NetworkSettings { get; set; } = new();
    public List<MountPoint> Mounts { get; set; } = [];
}

/// <summary>A port of a container in `ps` (swagger: Port).</summary>
public sealed class ContainerPort
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? IP { get; set; }
    public int PrivatePort { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int PublicPort { get; set; }
    /// <summary>tcp, udp or sctp.</summary>
    public string Type { get; set; } = "tcp";
}

/// <summary>The HostConfig subset in ContainerSummary.</summary>
public sealed class ContainerSummaryHostConfig
{
    public string NetworkMode { get; set; } = "";
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? Annotations { get; set; }
}

/// <summary>The NetworkSettings subset in ContainerSummary.</summary>
public sealed class ContainerSummaryNetworkSettings
{
    public Dictionary<string, EndpointSettings> Networks { get; set; } = [];
}
