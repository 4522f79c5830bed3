namespace Wharf.Registry;

/// <summary>How `wharf registry serve` runs: where it listens, where it stores, who may use it.</summary>
public sealed class RegistryOptions
{
    public const string DefaultRoot = "/var/lib/registry";
    public const string DefaultService = "wharf-registry";

    /// <summary>host:port to listen on ("0.0.0.0:5000", "127.0.0.1:5000", "[::1]:5000", ":5000").</summary>
    public string Address { get; set; } = "127.0.0.1:5000";
    public string Root { get; set; } = DefaultRoot;
    public string? HtpasswdFile { get; set; }
    public string? TlsCert { get; set; }
    public string? TlsKey { get; set; }

    /// <summary>The service name in challenges and tokens.</summary>
    public string Service { get; set; } = DefaultService;
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(5);
}
