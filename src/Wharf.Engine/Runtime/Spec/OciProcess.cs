using System.Text.Json.Serialization;

namespace Wharf.Engine.Runtime.Spec;

/// <summary>The container process.</summary>
public sealed class OciProcess
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Terminal { get; set; }
    public OciBox? ConsoleSize { get; set; }
    public OciUser User { get; set; } = new();
    public List<string> Args { get; set; } = [];
    public List<string> Env { get; set; } = [];
    public string Cwd { get; set; } = "/";
    public OciCapabilities? Capabilities { get; set; }
    public List<OciRlimit>? Rlimits { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool NoNewPrivileges { get; set; }
    public string? ApparmorProfile { get; set; }
    public int? OomScoreAdj { get; set; }
    public string? SelinuxLabel { get; set; }
}

/// <summary>A terminal size.</summary>
public sealed class OciBox
{
    public uint Height { get; set; }
    public uint Width { get; set; }
}

/// <summary>The numeric user the process runs as.</summary>
public sealed class OciUser
{
    public uint Uid { get; set; }
    public uint Gid { get; set; }
    public uint? Umask { get; set; }
    public List<uint>? AdditionalGids { get; set; }
}

/// <summary>Capability sets, names with the CAP_ prefix.</summary>
public sealed class OciCapabilities
{
    public List<string>? Bounding { get; set; }
    public List<string>? Effective { get; set; }
    public List<string>? Inheritable { get; set; }
    public List<string>? Permitted { get; set; }
    public List<string>? Ambient { get; set; }
}

/// <summary>One POSIX resource limit ("RLIMIT_NOFILE").</summary>
public sealed class OciRlimit
{
    public string Type { get; set; } = "";
    public ulong Hard { get; set; }
    public ulong Soft { get; set; }
}
