using Wharf.Api.Models;

namespace Wharf.Engine.Configuration;

/// <summary>
/// Everything a daemon is configured with. Every host-wide name is per daemon, so two daemons (or
/// Wharf beside Docker) never touch each other's state.
/// </summary>
public sealed class DaemonOptions
{
    public string DataRoot { get; set; } = "/var/lib/wharf";
    public string ExecRoot { get; set; } = "/run/wharf";
    public List<string> Hosts { get; set; } = [];
    public string? PidFile { get; set; }
    public string ConfigFile { get; set; } = "/etc/wharf/daemon.json";
    public bool Debug { get; set; }
    public bool TlsVerify { get; set; }
    public string? TlsCaCert { get; set; }
    public string? TlsCert { get; set; }
    public string? TlsKey { get; set; }
    /// <summary>Plain TCP without TLS is only served when this is set explicitly.</summary>
    public bool InsecureTcp { get; set; }
    public List<string> RegistryMirrors { get; set; } = [];
    public List<string> InsecureRegistries { get; set; } = [];
    /// <summary>Pull mirrors for registries other than docker.io: {"quay.io": ["https://mirror.local"]}.</summary>
    public Dictionary<string, List<string>> RegistryHostMirrors { get; set; } = [];
    /// <summary>Where a registry's own CAs and client certificates live: &lt;dir&gt;/&lt;host:port&gt;/{*.crt, *.cert, *.key}, first match wins.</summary>
    public List<string> RegistryCertsDirs { get; set; } = ["/etc/wharf/certs.d", "/etc/docker/certs.d"];
    public string? Bip { get; set; }
    public List<AddressPool> DefaultAddressPools { get; set; } = [];
    public string DefaultRuntime { get; set; } = "runc";
    public Dictionary<string, RuntimeInfo> Runtimes { get; set; } = [];
    public string LogDriver { get; set; } = "json-file";
    public Dictionary<string, string> LogOpts { get; set; } = [];
    public bool LiveRestore { get; set; } = true;
    public List<string> Labels { get; set; } = [];

    // Per-daemon names for host-wide resources.
    public string NftTable { get; set; } = "wharf";
    public string CgroupParent { get; set; } = "wharf";
    public string BridgeName { get; set; } = "wharf0";
    public string? NetnsDirectory { get; set; }
    public string? RuntimeRoot { get; set; }
    public string? ShimDirectory { get; set; }
    /// <summary>Upstream DNS servers for the embedded resolver (default: the host's resolv.conf).</summary>
    public List<string> Dns { get; set; } = [];
    /// <summary>Registry that short names resolve against (Docker's docker.io).</summary>
    public string DefaultRegistry { get; set; } = "docker.io";

    /// <summary>The build cache's budget (daemon.json builder.gc.defaultKeepStorage); beyond it the least recently used entries go.</summary>
    public long BuilderKeepStorage { get; set; } = 20L << 30;

    public string SocketPath => Hosts.Select(h => h.StartsWith("unix://", StringComparison.Ordinal) ? h[7..] : null).FirstOrDefault(h => h is not null)
        ?? Path.Combine(ExecRoot, "wharf.sock");
    public string EffectiveNetnsDirectory => NetnsDirectory ?? Path.Combine(ExecRoot, "netns");
    public string EffectiveRuntimeRoot => RuntimeRoot ?? Path.Combine(ExecRoot, "runtime");
    public string EffectiveShimDirectory => ShimDirectory ?? Path.Combine(ExecRoot, "shims");
}
