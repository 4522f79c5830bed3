namespace Wharf.Api.Client;

/// <summary>How to reach the daemon: address, TLS material, and an optional fixed API version.</summary>
public sealed class WharfClientOptions
{
    /// <summary>unix:///path or tcp://host:port; null means <see cref="DaemonHost.DefaultHost"/>.</summary>
    public string? Host { get; set; }

    /// <summary>Use TLS on tcp:// hosts (implied by <see cref="TlsVerify"/>).</summary>
    public bool Tls { get; set; }

    /// <summary>Verify the server certificate against <see cref="TlsCaCert"/> (or the system store).</summary>
    public bool TlsVerify { get; set; }

    /// <summary>PEM file of the CA that signed the server certificate.</summary>
    public string? TlsCaCert { get; set; }

    /// <summary>PEM client certificate and key.</summary>
    public string? TlsCert { get; set; }
    public string? TlsKey { get; set; }

    /// <summary>A fixed API version (DOCKER_API_VERSION); skips negotiation.</summary>
    public string? ApiVersion { get; set; }

    /// <summary>User-Agent header.</summary>
    public string UserAgent { get; set; } = "Wharf-Client/0.1.0 (linux)";
}
