using System.Net;

namespace Wharf.Engine.Distribution;

/// <summary>POST /auth: checks credentials against a registry's /v2/ (Basic, or a Bearer token for no scope).</summary>
public sealed class RegistryLogin(RegistryHosts hosts)
{
    /// <summary>The registry host of a login's server address: `https://index.docker.io/v1/` is docker.io, a URL's scheme and path go.</summary>
    public static string ServerHost(string? serverAddress)
    {
        var s = (serverAddress ?? "").Trim();
        if (s.Length == 0) return Images.ImageReference.DefaultDomain;
        foreach (var scheme in new[] { "https://", "http://" })
            if (s.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) s = s[scheme.Length..];
        int slash = s.IndexOf('/');
        if (slash >= 0) s = s[..slash];
        return s is "index.docker.io" or "registry-1.docker.io" or "docker.io" ? Images.ImageReference.DefaultDomain : s.ToLowerInvariant();
    }

    public async Task LoginAsync(RegistryCredentials credentials, CancellationToken ct)
    {
        var domain = ServerHost(credentials.ServerAddress);
        var address = credentials.ServerAddress ?? "";
        var endpoint = address.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            ? hosts.Endpoint("http://" + domain) : hosts.Endpoint(hosts.ApiHost(domain));
        var client = new RegistryClient(endpoint, credentials);
        HttpResponseMessage res;
        try
        {
            res = await client.SendAsync(HttpMethod.Get, "v2/", [], null, ct);
        }
        catch (RegistryException e) when (e.RegistryStatus == HttpStatusCode.Unauthorized)
        {
            throw new WharfException("unauthorized: incorrect username or password", 401, e);
        }
        using (res)
        {
            var baseUri = await client.PingAsync(ct);
            if (res.StatusCode == HttpStatusCode.Unauthorized)
                throw new WharfException($"login attempt to {baseUri}v2/ failed with status: 401 Unauthorized", 401);
            if (!res.IsSuccessStatusCode)
                throw new WharfException($"login attempt to {baseUri}v2/ failed with status: {(int)res.StatusCode} {res.ReasonPhrase}");
        }
    }
}
