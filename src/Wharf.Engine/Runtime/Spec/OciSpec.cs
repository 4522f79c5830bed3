using System.Text.Json.Serialization;

namespace Wharf.Engine.Runtime.Spec;

// Wharf's model of the OCI runtime-spec config.json (runtime-spec config.md / config-linux.md).
// Only what Wharf writes is modelled; names follow the spec's camelCase through OciSpecJsonContext,
// with explicit names where the spec's casing is not plain camelCase.

/// <summary>The root of config.json.</summary>
public sealed class OciSpec
{
    public const string SpecVersion = "1.0.2-dev";

    public string OciVersion { get; set; } = SpecVersion;
    public OciProcess? Process { get; set; }
    public OciRoot? Root { get; set; }
    public string? Hostname { get; set; }
    public string? Domainname { get; set; }
    public List<OciMount> Mounts { get; set; } = [];
    public Dictionary<string, string>? Annotations { get; set; }
    public OciLinux? Linux { get; set; }
}

/// <summary>The container's root filesystem.</summary>
public sealed class OciRoot
{
    public string Path { get; set; } = "";
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Readonly { get; set; }
}

/// <summary>One mount, in the order the runtime performs them.</summary>
public sealed class OciMount
{
    public string Destination { get; set; } = "";
    public string? Type { get; set; }
    public string? Source { get; set; }
    public List<string>? Options { get; set; }

    public override string ToString() => $"{Destination} {Type} {Source} [{string.Join(',', Options ?? [])}]";
}
