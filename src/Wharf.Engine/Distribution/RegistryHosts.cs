using System.Net;
using Wharf.Engine.Configuration;

namespace Wharf.Engine.Distribution;

/// <summary>Where requests for one registry go: a base URL, whether TLS is verified, whether plain http may be tried.</summary>
/// <remarks><see cref="CertsDirectory"/> is the registry's certs.d directory (its own CAs and client certificates), if it has one.</remarks>
public sealed record RegistryEndpoint(Uri BaseUri, bool SkipTlsVerify, bool HttpFallback, bool IsMirror, string? CertsDirectory = null)
{
    public string Host => BaseUri.IsDefaultPort ? BaseUri.Host : $"{BaseUri.Host}:{BaseUri.Port}";
}

/// <summary>
/// Maps a reference's domain to endpoints as Docker does: docker.io goes to the configured default registry,
/// mirrors come first for pulls (registry-mirrors for docker.io, registry-host-mirrors for any registry), and
/// insecure registries (the list, or any address in an insecure CIDR; 127.0.0.0/8 and ::1 always) skip TLS
/// verification and fall back to http.
/// </summary>
public sealed class RegistryHosts(DaemonOptions options)
{
    public const string DockerHubApiHost = "registry-1.docker.io";

    /// <summary>The host that serves the API for a reference domain.</summary>
    public string ApiHost(string domain) =>
        domain == Images.ImageReference.DefaultDomain
            ? (options.DefaultRegistry is { Length: > 0 } d && d != Images.ImageReference.DefaultDomain ? d : DockerHubApiHost)
            : domain;

    /// <summary>Mirrors first (pulls only), then the registry itself.</summary>
    public List<RegistryEndpoint> PullEndpoints(string domain)
    {
        var list = new List<RegistryEndpoint>();
        IEnumerable<string> mirrors = domain == Images.ImageReference.DefaultDomain ? options.RegistryMirrors : [];
        if (options.RegistryHostMirrors.TryGetValue(domain, out var perHost)) mirrors = mirrors.Concat(perHost);
        foreach (var m in mirrors) list.Add(MirrorEndpoint(m));
        list.Add(Endpoint(ApiHost(domain)));
        return list;
    }

    public RegistryEndpoint PushEndpoint(string domain) => Endpoint(ApiHost(domain));

    /// <summary>The endpoint for a host[:port] as typed by a user (or `http://host`, `https://host`).</summary>
    public RegistryEndpoint Endpoint(string host)
    {
        if (host.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || host.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            return MirrorEndpoint(host) with { IsMirror = false };
        bool insecure = IsInsecure(host);
        return new RegistryEndpoint(new Uri("https://" + host + "/"), insecure, insecure, false, CertsDirectory(host, insecure));
    }

    private RegistryEndpoint MirrorEndpoint(string url)
    {
        if (!Uri.TryCreate(url.TrimEnd('/') + "/", UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new WharfException($"invalid registry mirror {url}: expected an http:// or https:// URL");
        var host = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
        bool insecure = IsInsecure(host);
        return new RegistryEndpoint(uri, insecure, false, true, CertsDirectory(host, insecure));
    }

    /// <summary>The registry's directory under the certs.d roots (Wharf's, then Docker's); an insecure registry needs none.</summary>
    private string? CertsDirectory(string host, bool insecure) =>
        insecure ? null : RegistryCertificates.FindDirectory(options.RegistryCertsDirs, host);

    /// <summary>Docker's isSecureIndex: listed by name, or any of its addresses in an insecure CIDR.</summary>
    public bool IsInsecure(string host)
    {
        var entries = options.InsecureRegistries;
        foreach (var e in entries)
        {
            var name = e.Contains("://", StringComparison.Ordinal) ? e[(e.IndexOf("://", StringComparison.Ordinal) + 3)..].TrimEnd('/') : e;
            if (string.Equals(name, host, StringComparison.OrdinalIgnoreCase)) return true;
        }
        var hostname = HostName(host);
        IPAddress[] addresses;
        if (IPAddress.TryParse(hostname, out var literal)) addresses = [literal];
        else if (hostname.Equals("localhost", StringComparison.OrdinalIgnoreCase)) addresses = [IPAddress.Loopback];
        else
        {
            // Only a name that is configured as insecure somewhere by CIDR needs a lookup.
            if (!entries.Any(e => e.Contains('/'))) return false;
            try { addresses = Dns.GetHostAddresses(hostname); }
            catch (System.Net.Sockets.SocketException) { return false; }
        }
        foreach (var a in addresses)
        {
            if (IPAddress.IsLoopback(a)) return true;
            foreach (var e in entries)
                if (e.Contains('/') && IPNetwork.TryParse(e, out var net) && net.Contains(a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a)) return true;
        }
        return false;
    }

    private static string HostName(string host)
    {
        if (host.StartsWith('['))
        {
            int end = host.IndexOf(']');
            return end > 0 ? host[1..end] : host;
        }
        int colon = host.LastIndexOf(':');
        return colon > 0 && host.IndexOf(':') == colon ? host[..colon] : host;
    }
}
