using System.Text.Json.Serialization;

namespace Wharf.Engine.Runtime.Seccomp;

// Docker's seccomp profile format (what `--security-opt seccomp=profile.json` takes and what the
// docker CLI sends inline): a default action, architectures or an archMap, and rules that may be
// conditional on capabilities, architectures and the kernel version through includes/excludes.
// Wharf's own default profile is written in this model too (WharfDefaultSeccompProfile), so one
// compiler (SeccompCompiler) turns either into the OCI filter for a given container.

/// <summary>A seccomp profile in Docker's JSON format.</summary>
public sealed class SeccompProfile
{
    public string DefaultAction { get; set; } = "";
    public uint? DefaultErrnoRet { get; set; }
    public List<string>? Architectures { get; set; }
    public List<SeccompArchMap>? ArchMap { get; set; }
    public List<SeccompRule>? Syscalls { get; set; }
    public List<string>? Flags { get; set; }
    public string? ListenerPath { get; set; }
}

/// <summary>A native architecture and the others its kernel also runs (x86_64: x86 and x32).</summary>
public sealed class SeccompArchMap
{
    public string Architecture { get; set; } = "";
    public List<string>? SubArchitectures { get; set; }
}

/// <summary>One rule: an action for named syscalls, with optional argument conditions.</summary>
public sealed class SeccompRule
{
    /// <summary>Legacy single name; a rule has either Name or Names.</summary>
    public string? Name { get; set; }
    public List<string>? Names { get; set; }
    public string Action { get; set; } = "SCMP_ACT_ALLOW";
    public uint? ErrnoRet { get; set; }
    public List<SeccompArg>? Args { get; set; }
    public string? Comment { get; set; }
    public SeccompFilter? Includes { get; set; }
    public SeccompFilter? Excludes { get; set; }
}

/// <summary>A syscall argument condition.</summary>
public sealed class SeccompArg
{
    public uint Index { get; set; }
    public ulong Value { get; set; }
    public ulong ValueTwo { get; set; }
    public string Op { get; set; } = "SCMP_CMP_EQ";
}

/// <summary>When a rule applies: capabilities (all needed), Go architecture names, a minimum kernel.</summary>
public sealed class SeccompFilter
{
    public List<string>? Caps { get; set; }
    public List<string>? Arches { get; set; }
    public string? MinKernel { get; set; }
}

/// <summary>Source-generated JSON for Docker's seccomp profile format.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(SeccompProfile))]
public sealed partial class SeccompProfileJsonContext : JsonSerializerContext;
