using System.Text.Json.Serialization;

namespace Wharf.Api.Models;

/// <summary>The body of POST /containers/{id}/exec (swagger: ExecConfig).</summary>
public sealed class ExecConfig
{
    public bool AttachStdin { get; set; }
    public bool AttachStdout { get; set; }
    public bool AttachStderr { get; set; }
    public List<int>? ConsoleSize { get; set; }
    public string? DetachKeys { get; set; }
    public bool Tty { get; set; }
    public List<string>? Env { get; set; }
    public List<string>? Cmd { get; set; }
    public bool Privileged { get; set; }
    public string? User { get; set; }
    public string? WorkingDir { get; set; }
}

/// <summary>The answer to POST /containers/{id}/exec (swagger: IdResponse).</summary>
public sealed class ExecCreateResponse
{
    public string Id { get; set; } = "";
}

/// <summary>The body of POST /exec/{id}/start (swagger: ExecStartConfig).</summary>
public sealed class ExecStartConfig
{
    public bool Detach { get; set; }
    public bool Tty { get; set; }
    public List<int>? ConsoleSize { get; set; }
}

/// <summary>The answer to GET /exec/{id}/json (swagger: ExecInspectResponse).</summary>
public sealed class ExecInspectResponse
{
    public bool CanRemove { get; set; }
    public string DetachKeys { get; set; } = "";
    public string ID { get; set; } = "";
    public bool Running { get; set; }
    public int? ExitCode { get; set; }
    public ExecProcessConfig ProcessConfig { get; set; } = new();
    public bool OpenStdin { get; set; }
    public bool OpenStderr { get; set; }
    public bool OpenStdout { get; set; }
    public string ContainerID { get; set; } = "";
    public int Pid { get; set; }
}

/// <summary>ExecInspectResponse.ProcessConfig (swagger: ProcessConfig), lower-case as Docker sends it.</summary>
public sealed class ExecProcessConfig
{
    [JsonPropertyName("privileged")] public bool Privileged { get; set; }
    [JsonPropertyName("user")] public string User { get; set; } = "";
    [JsonPropertyName("tty")] public bool Tty { get; set; }
    [JsonPropertyName("entrypoint")] public string Entrypoint { get; set; } = "";
    [JsonPropertyName("arguments")] public List<string> Arguments { get; set; } = [];
}
