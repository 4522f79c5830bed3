namespace Wharf.Api.Models;

/// <summary>
/// The runtime state of a container in `inspect` (swagger: ContainerState). Times are RFC 3339
/// with nanoseconds; Docker shows "0001-01-01T00:00:00Z" for a time that has not happened.
/// </summary>
public sealed class ContainerState
{
    public const string ZeroTime = "0001-01-01T00:00:00Z";

    /// <summary>created, running, paused, restarting, removing, exited or dead.</summary>
    public string Status { get; set; } = "created";
    public bool Running { get; set; }
    public bool Paused { get; set; }
    public bool Restarting { get; set; }
    public bool OOMKilled { get; set; }
    public bool Dead { get; set; }
    public int Pid { get; set; }
    public int ExitCode { get; set; }
    public string Error { get; set; } = "";
    public string StartedAt { get; set; } = ZeroTime;
    public string FinishedAt { get; set; } = ZeroTime;
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public ContainerHealth? Health { get; set; }
}

/// <summary>Healthcheck state (swagger: Health): Status is none, starting, healthy or unhealthy.</summary>
public sealed class ContainerHealth
{
    public string Status { get; set; } = "none";
    public int FailingStreak { get; set; }
    public List<HealthcheckResult> Log { get; set; } = [];
}

/// <summary>One healthcheck probe (swagger: HealthcheckResult).</summary>
public sealed class HealthcheckResult
{
    public string Start { get; set; } = "";
    public string End { get; set; } = "";
    public int ExitCode { get; set; }
    public string Output { get; set; } = "";
}
