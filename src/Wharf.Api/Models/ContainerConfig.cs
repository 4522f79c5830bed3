using System.Text.Json.Serialization;

namespace Wharf.Api.Models;

/// <summary>The run configuration shared by image configs and containers (swagger: ContainerConfig / ImageConfig).</summary>
public sealed class ContainerConfig
{
    public string? Hostname { get; set; } = "";
    public string? Domainname { get; set; } = "";
    public string? User { get; set; } = "";
    public bool AttachStdin { get; set; }
    public bool AttachStdout { get; set; }
    public bool AttachStderr { get; set; }
    public Dictionary<string, EmptyObject>? ExposedPorts { get; set; }
    public bool Tty { get; set; }
    public bool OpenStdin { get; set; }
    public bool StdinOnce { get; set; }
    public List<string>? Env { get; set; }
    public List<string>? Cmd { get; set; }
    public HealthConfig? Healthcheck { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool ArgsEscaped { get; set; }
    public string? Image { get; set; } = "";
    public Dictionary<string, EmptyObject>? Volumes { get; set; }
    public string? WorkingDir { get; set; } = "";
    public List<string>? Entrypoint { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
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

    public ContainerConfig Clone() => new()
    {
        Hostname = Hostname, Domainname = Domainname, User = User,
        AttachStdin = AttachStdin, AttachStdout = AttachStdout, AttachStderr = AttachStderr,
        ExposedPorts = ExposedPorts is null ? null : new(ExposedPorts),
        Tty = Tty, OpenStdin = OpenStdin, StdinOnce = StdinOnce,
        Env = Env is null ? null : new(Env), Cmd = Cmd is null ? null : new(Cmd),
        Healthcheck = Healthcheck?.Clone(), ArgsEscaped = ArgsEscaped, Image = Image,
        Volumes = Volumes is null ? null : new(Volumes), WorkingDir = WorkingDir,
        Entrypoint = Entrypoint is null ? null : new(Entrypoint), NetworkDisabled = NetworkDisabled,
        MacAddress = MacAddress, OnBuild = OnBuild is null ? null : new(OnBuild),
        Labels = Labels is null ? null : new(Labels), StopSignal = StopSignal, StopTimeout = StopTimeout,
        Shell = Shell is null ? null : new(Shell),
    };
}

/// <summary>The `{}` value of port and volume sets.</summary>
public sealed class EmptyObject
{
    public static readonly EmptyObject Instance = new();
}

/// <summary>A healthcheck (swagger: HealthConfig); durations in nanoseconds.</summary>
public sealed class HealthConfig
{
    public List<string>? Test { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long Interval { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long Timeout { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long StartPeriod { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long StartInterval { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Retries { get; set; }

    public HealthConfig Clone() => new()
    {
        Test = Test is null ? null : new(Test), Interval = Interval, Timeout = Timeout,
        StartPeriod = StartPeriod, StartInterval = StartInterval, Retries = Retries,
    };
}
