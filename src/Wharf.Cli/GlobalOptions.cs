using Wharf.Api.Client;

namespace Wharf.Cli;

/// <summary>The root flags and environment that decide how to reach the daemon.</summary>
public sealed class GlobalOptions
{
    public string? Host { get; set; }
    public bool Tls { get; set; }
    public bool TlsVerify { get; set; }
    public string? TlsCaCert { get; set; }
    public string? TlsCert { get; set; }
    public string? TlsKey { get; set; }
    public string ConfigDir { get; set; } = DefaultConfigDir();
    public bool Debug { get; set; }
    public string LogLevel { get; set; } = "info";

    public static string HomeDir() =>
        Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    public static string DefaultConfigDir() =>
        Environment.GetEnvironmentVariable("WHARF_CONFIG") is { Length: > 0 } c ? c : Path.Combine(HomeDir(), ".wharf");

    /// <summary>DOCKER_CERT_PATH, else the config directory.</summary>
    public static string DefaultCertPath() =>
        Environment.GetEnvironmentVariable("WHARF_CERT_PATH") is { Length: > 0 } w ? w :
        Environment.GetEnvironmentVariable("DOCKER_CERT_PATH") is { Length: > 0 } d ? d : DefaultConfigDir();

    /// <summary>-H first, then WHARF_HOST, then DOCKER_HOST, then the default socket.</summary>
    public string ResolveHost() =>
        Host is { Length: > 0 } h ? h :
        Environment.GetEnvironmentVariable("WHARF_HOST") is { Length: > 0 } w ? w :
        Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } d ? d : DaemonHost.DefaultHost;

    public WharfClientOptions ToClientOptions()
    {
        var verify = TlsVerify || Environment.GetEnvironmentVariable("WHARF_TLS_VERIFY") is { Length: > 0 } ||
                     Environment.GetEnvironmentVariable("DOCKER_TLS_VERIFY") is { Length: > 0 };
        var certPath = DefaultCertPath();
        return new WharfClientOptions
        {
            Host = ResolveHost(),
            Tls = Tls || verify,
            TlsVerify = verify,
            TlsCaCert = TlsCaCert ?? Path.Combine(certPath, "ca.pem"),
            TlsCert = TlsCert ?? Path.Combine(certPath, "cert.pem"),
            TlsKey = TlsKey ?? Path.Combine(certPath, "key.pem"),
            ApiVersion = Environment.GetEnvironmentVariable("WHARF_API_VERSION") is { Length: > 0 } v ? v :
                Environment.GetEnvironmentVariable("DOCKER_API_VERSION") is { Length: > 0 } dv ? dv : null,
            UserAgent = $"Wharf-Client/{BuildInfo.Version} (linux)",
        };
    }
}
