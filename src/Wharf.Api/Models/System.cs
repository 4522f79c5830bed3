using System.Text.Json.Serialization;

namespace Wharf.Api.Models;

/// <summary>GET /version (swagger: SystemVersion).</summary>
public sealed class SystemVersion
{
    public PlatformName Platform { get; set; } = new();
    public List<ComponentVersion> Components { get; set; } = [];
    public string Version { get; set; } = "";
    public string ApiVersion { get; set; } = "";
    public string MinAPIVersion { get; set; } = "";
    public string GitCommit { get; set; } = "";
    public string GoVersion { get; set; } = "";
    public string Os { get; set; } = "linux";
    public string Arch { get; set; } = "amd64";
    public string KernelVersion { get; set; } = "";
    public bool Experimental { get; set; }
    public string BuildTime { get; set; } = "";
}

/// <summary>The product name in /version.</summary>
public sealed class PlatformName
{
    public string Name { get; set; } = "";
}

/// <summary>A component's version in /version.</summary>
public sealed class ComponentVersion
{
    public string Name { get; set; } = "";
    public string Version { get; set; } = "";
    public Dictionary<string, string>? Details { get; set; }
}

/// <summary>GET /info (swagger: SystemInfo), the fields clients read.</summary>
public sealed class SystemInfo
{
    public string ID { get; set; } = "";
    public int Containers { get; set; }
    public int ContainersRunning { get; set; }
    public int ContainersPaused { get; set; }
    public int ContainersStopped { get; set; }
    public int Images { get; set; }
    public string Driver { get; set; } = "overlay2";
    public List<List<string>> DriverStatus { get; set; } = [];
    public string DockerRootDir { get; set; } = "";
    public PluginsInfo Plugins { get; set; } = new();
    public bool MemoryLimit { get; set; }
    public bool SwapLimit { get; set; }
    public bool KernelMemoryTCP { get; set; }
    public bool CpuCfsPeriod { get; set; }
    public bool CpuCfsQuota { get; set; }
    public bool CPUShares { get; set; }
    public bool CPUSet { get; set; }
    public bool PidsLimit { get; set; }
    public bool OomKillDisable { get; set; }
    public bool IPv4Forwarding { get; set; }
    public bool BridgeNfIptables { get; set; }
    public bool BridgeNfIp6tables { get; set; }
    public bool Debug { get; set; }
    public int NFd { get; set; }
    public int NGoroutines { get; set; }
    public string SystemTime { get; set; } = "";
    public string LoggingDriver { get; set; } = "json-file";
    public string CgroupDriver { get; set; } = "cgroupfs";
    public string CgroupVersion { get; set; } = "1";
    public int NEventsListener { get; set; }
    public string KernelVersion { get; set; } = "";
    public string OperatingSystem { get; set; } = "";
    public string OSVersion { get; set; } = "";
    public string OSType { get; set; } = "linux";
    public string Architecture { get; set; } = "x86_64";
    public int NCPU { get; set; }
    public long MemTotal { get; set; }
    public string IndexServerAddress { get; set; } = "https://index.docker.io/v1/";
    public RegistryServiceConfig RegistryConfig { get; set; } = new();
    public string HttpProxy { get; set; } = "";
    public string HttpsProxy { get; set; } = "";
    public string NoProxy { get; set; } = "";
    public string Name { get; set; } = "";
    public List<string> Labels { get; set; } = [];
    public bool ExperimentalBuild { get; set; }
    public string ServerVersion { get; set; } = "";
    public Dictionary<string, RuntimeInfo> Runtimes { get; set; } = [];
    public string DefaultRuntime { get; set; } = "runc";
    public SwarmInfo Swarm { get; set; } = new();
    public bool LiveRestoreEnabled { get; set; }
    public string Isolation { get; set; } = "";
    public string InitBinary { get; set; } = "";
    public CommitInfo ContainerdCommit { get; set; } = new();
    public CommitInfo RuncCommit { get; set; } = new();
    public CommitInfo InitCommit { get; set; } = new();
    public List<string> SecurityOptions { get; set; } = [];
    public List<AddressPool>? DefaultAddressPools { get; set; }
    public List<string> Warnings { get; set; } = [];
    public List<string> CDISpecDirs { get; set; } = [];
}

/// <summary>Plugin lists in /info.</summary>
public sealed class PluginsInfo
{
    public List<string> Volume { get; set; } = ["local"];
    public List<string> Network { get; set; } = ["bridge", "host", "none", "null"];
    public List<string>? Authorization { get; set; }
    public List<string> Log { get; set; } = ["json-file", "local", "none"];
}

/// <summary>Registry settings in /info.</summary>
public sealed class RegistryServiceConfig
{
    public List<string> AllowNondistributableArtifactsCIDRs { get; set; } = [];
    public List<string> AllowNondistributableArtifactsHostnames { get; set; } = [];
    public List<string> InsecureRegistryCIDRs { get; set; } = [];
    public Dictionary<string, IndexInfo> IndexConfigs { get; set; } = [];
    public List<string> Mirrors { get; set; } = [];
}

/// <summary>One registry's settings in /info.</summary>
public sealed class IndexInfo
{
    public string Name { get; set; } = "";
    public List<string> Mirrors { get; set; } = [];
    public bool Secure { get; set; }
    public bool Official { get; set; }
}

/// <summary>An OCI runtime in /info.</summary>
public sealed class RuntimeInfo
{
    [JsonPropertyName("path")]
    public string Path { get; set; } = "";
    [JsonPropertyName("runtimeArgs"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? RuntimeArgs { get; set; }
}

/// <summary>Swarm state in /info: always inactive.</summary>
public sealed class SwarmInfo
{
    public string NodeID { get; set; } = "";
    public string NodeAddr { get; set; } = "";
    public string LocalNodeState { get; set; } = "inactive";
    public bool ControlAvailable { get; set; }
    public string Error { get; set; } = "";
    public List<string>? RemoteManagers { get; set; }
}

/// <summary>A commit id pair in /info.</summary>
public sealed class CommitInfo
{
    public string ID { get; set; } = "";
    public string Expected { get; set; } = "";
}

/// <summary>An address pool (daemon.json default-address-pools).</summary>
public sealed class AddressPool
{
    [JsonPropertyName("Base")]
    public string Base { get; set; } = "";
    [JsonPropertyName("Size")]
    public int Size { get; set; }
}

/// <summary>An event on GET /events (swagger: EventMessage).</summary>
public sealed class EventMessage
{
    public string Type { get; set; } = "";
    public string Action { get; set; } = "";
    public EventActor Actor { get; set; } = new();
    [JsonPropertyName("scope")]
    public string Scope { get; set; } = "local";
    [JsonPropertyName("time")]
    public long Time { get; set; }
    [JsonPropertyName("timeNano")]
    public long TimeNano { get; set; }
    // Older clients read these legacy fields.
    [JsonPropertyName("status"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Status { get; set; }
    [JsonPropertyName("id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Id { get; set; }
    [JsonPropertyName("from"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? From { get; set; }
}

/// <summary>The object an event is about.</summary>
public sealed class EventActor
{
    public string ID { get; set; } = "";
    public Dictionary<string, string> Attributes { get; set; } = [];
}
