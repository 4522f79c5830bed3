namespace Wharf.Api.Models;

/// <summary>How clients and the daemon name a registry in config.json keys, X-Registry-Config and AuthConfig.ServerAddress.</summary>
public static class RegistryAddress
{
    /// <summary>What users type or files hold (`https://host/v1/`, `http://host`, `host`) as host[:port]; Docker Hub's names as docker.io.</summary>
    public static string HostOf(string keyOrAddress)
    {
        var s = keyOrAddress.Trim();
        foreach (var scheme in new[] { "https://", "http://" })
            if (s.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) s = s[scheme.Length..];
        var slash = s.IndexOf('/');
        if (slash >= 0) s = s[..slash];
        s = s.ToLowerInvariant();
        return IsDockerHub(s) ? "docker.io" : s;
    }

    /// <summary>docker.io and the other names Docker Hub goes by.</summary>
    public static bool IsDockerHub(string host) => host is "docker.io" or "index.docker.io" or "registry-1.docker.io";
}
