namespace Wharf.Compose.Model;

/// <summary>A loaded, validated compose project: its name, services and top-level resources.</summary>
public sealed class ComposeProject
{
    public required string Name { get; init; }
    public required string WorkingDir { get; init; }
    public required IReadOnlyList<string> ConfigFiles { get; init; }
    public List<ServiceConfig> Services { get; } = [];

    /// <summary>Services left out because none of their profiles is active.</summary>
    public List<ServiceConfig> DisabledServices { get; } = [];
    public Dictionary<string, NetworkConfig> Networks { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, VolumeConfig> Volumes { get; } = new(StringComparer.Ordinal);

    /// <summary>The environment used for interpolation (process environment over .env).</summary>
    public Dictionary<string, string> Environment { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The merged, interpolated and normalised files (what `config` prints).</summary>
    public Yaml.MapNode? Tree { get; set; }

    public ServiceConfig? Service(string name) => Services.FirstOrDefault(s => s.Name == name);

    /// <summary>The named service, or the error Compose gives for one that is not in the project.</summary>
    public ServiceConfig RequireService(string name) =>
        Service(name) ?? throw new ComposeException(DisabledServices.Any(s => s.Name == name)
            ? $"service \"{name}\" is not enabled by the active profiles"
            : $"no such service: {name}");
}

/// <summary>A top-level network.</summary>
public sealed class NetworkConfig
{
    public required string Key { get; init; }
    /// <summary>The engine's name: `name:`, the external name, or project_key.</summary>
    public required string Name { get; init; }
    public string? Driver { get; init; }
    public Dictionary<string, string> DriverOpts { get; init; } = [];
    public bool External { get; init; }
    public bool Internal { get; init; }
    public bool Attachable { get; init; }
    public bool EnableIpv6 { get; init; }
    public Dictionary<string, string> Labels { get; init; } = [];
    public string? IpamDriver { get; init; }
    public List<IpamPool> IpamConfig { get; init; } = [];
}

/// <summary>One ipam.config entry.</summary>
public sealed record IpamPool(string? Subnet, string? IpRange, string? Gateway, Dictionary<string, string>? AuxAddresses);

/// <summary>A top-level volume.</summary>
public sealed class VolumeConfig
{
    public required string Key { get; init; }
    public required string Name { get; init; }
    public string? Driver { get; init; }
    public Dictionary<string, string> DriverOpts { get; init; } = [];
    public bool External { get; init; }
    public Dictionary<string, string> Labels { get; init; } = [];
}

/// <summary>An error of the project or of a command, shown as one line.</summary>
public sealed class ComposeException(string message) : Exception(message);
