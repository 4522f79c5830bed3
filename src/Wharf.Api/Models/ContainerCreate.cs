using System.Text.Json.Serialization;

namespace Wharf.Api.Models;

/// <summary>
/// The body of POST /containers/create: the container Config fields at the top level plus
/// HostConfig and NetworkingConfig (swagger: ContainerConfig + HostConfig + NetworkingConfig).
/// Entrypoint and Cmd accept a list or a single string as Docker does; `Entrypoint: [""]`
/// (`--entrypoint ""`) is kept as sent so the engine can tell it from "not given".
/// </summary>
public sealed class ContainerCreateRequest
{
    public string? Hostname { get; set; } = "";
    public string? Domainname { get; set; } = "";
    public string? User { get; set; } = "";
    [JsonConverter(typeof(LenientBoolConverter))]
    public bool AttachStdin { get; set; }
    [JsonConverter(typeof(LenientBoolConverter))]
    public bool AttachStdout { get; set; }
    [JsonConverter(typeof(LenientBoolConverter))]
    public bool AttachStderr { get; set; }
    public Dictionary<string, EmptyObject>? ExposedPorts { get; set; }
    [JsonConverter(typeof(LenientBoolConverter))]
    public bool Tty { get; set; }
    [JsonConverter(typeof(LenientBoolConverter))]
    public bool OpenStdin { get; set; }
    [JsonConverter(typeof(LenientBoolConverter))]
    public bool StdinOnce { get; set; }
    public List<string>? Env { get; set; }
    [JsonConverter(typeof(StrSliceConverter))]
    public List<string>? Cmd { get; set; }
    public HealthConfig? Healthcheck { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    [JsonConverter(typeof(LenientBoolConverter))]
    public bool ArgsEscaped { get; set; }
    public string? Image { get; set; } = "";
    public Dictionary<string, EmptyObject>? Volumes { get; set; }
    public string? WorkingDir { get; set; } = "";
    [JsonConverter(typeof(StrSliceConverter))]
    public List<string>? Entrypoint { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    [JsonConverter(typeof(LenientBoolConverter))]
    public bool NetworkDisabled { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MacAddress { get; set; }
    public List<string>? OnBuild { get; set; }
    public Dictionary<string, string>? Labels { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? StopSignal { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? StopTimeout { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? Shell { get; set; }

    public HostConfig? HostConfig { get; set; }
    public NetworkingConfig? NetworkingConfig { get; set; }

    /// <summary>The container Config part of the request (lists are copied).</summary>
    public ContainerConfig ToContainerConfig() => new ContainerConfig
    {
        Hostname = Hostname ?? "", Domainname = Domainname ?? "", User = User ?? "",
        AttachStdin = AttachStdin, AttachStdout = AttachStdout, AttachStderr = AttachStderr,
        ExposedPorts = ExposedPorts, Tty = Tty, OpenStdin = OpenStdin, StdinOnce = StdinOnce,
        Env = Env, Cmd = Cmd, Healthcheck = Healthcheck, ArgsEscaped = ArgsEscaped, Image = Image ?? "",
        Volumes = Volumes, WorkingDir = WorkingDir ?? "", Entrypoint = Entrypoint,
        NetworkDisabled = NetworkDisabled, MacAddress = MacAddress, OnBuild = OnBuild, Labels = Labels,
        StopSignal = StopSignal, StopTimeout = StopTimeout, Shell = Shell,
    }.Clone();
}

/// <summary>The answer to POST /containers/create (swagger: ContainerCreateResponse).</summary>
public sealed class ContainerCreateResponse
{
    public string Id { get; set; } = "";
    public List<string> Warnings { get; set; } = [];
}
