using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Wharf.Api.Models;
using Wharf.Engine.Networking.Dns;
using Wharf.Engine.Util;

namespace Wharf.Engine.Networking;

public sealed partial class NetworkService
{
    /// <summary>Starts the container's DNS server in its namespace and points its resolv.conf at it.</summary>
    private void StartDns(ContainerInspectResponse doc, string sandbox)
    {
        StopDns(doc.Id);
        var (udp, tcp) = NetworkNamespaces.Run(sandbox, () =>
        {
            var sockets = EmbeddedDns.Bind();
            try
            {
                RunNftHere(EmbeddedDns.NatScript(((IPEndPoint)sockets.Udp.LocalEndPoint!).Port, ((IPEndPoint)sockets.Tcp.LocalEndPoint!).Port));
                return sockets;
            }
            catch
            {
                sockets.Udp.Dispose();
                sockets.Tcp.Dispose();
                throw;
            }
        });
        _dns[doc.Id] = new EmbeddedDns(udp, tcp, new PeerNames(this, doc.Id), Upstreams(doc));
        PointResolvConfAtDns(doc);
    }

    private void StopDns(string containerId)
    {
        if (_dns.TryRemove(containerId, out var dns)) dns.Dispose();
    }

    /// <summary>`nft -f -` started from the calling thread, so in the network namespace that thread is in.</summary>
    private static void RunNftHere(string script)
    {
        var psi = new ProcessStartInfo("nft", ["-f", "-"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var p = Process.Start(psi) ?? throw new WharfException("setting up the embedded DNS: cannot start nft");
        using var streams = p.OwnStreams();
        p.StandardInput.Write(script);
        p.StandardInput.Close();
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new WharfException($"setting up the embedded DNS: nft: {err.Split('\n').FirstOrDefault()}");
    }

    /// <summary>The container's --dns, else the daemon's --dns, else the host's resolv.conf nameservers; never a public fallback.</summary>
    private List<IPEndPoint> Upstreams(ContainerInspectResponse doc)
    {
        IEnumerable<string> servers = doc.HostConfig?.Dns is { Count: > 0 } d ? d
            : _options.Dns.Count > 0 ? _options.Dns
            : File.Exists("/etc/resolv.conf")
                ? File.ReadAllLines("/etc/resolv.conf").Select(l => l.Trim().Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
                    .Where(f => f is ["nameserver", _, ..]).Select(f => f[1])
                : [];
        return servers.Select(s => IPAddress.TryParse(s, out var ip) ? new IPEndPoint(ip, 53) : null).OfType<IPEndPoint>().ToList();
    }

    /// <summary>Rewrites resolv.conf in place (it is bind-mounted): nameserver 127.0.0.11, the search and options kept, ndots:0 as Docker.</summary>
    private static void PointResolvConfAtDns(ContainerInspectResponse doc)
    {
        if (string.IsNullOrEmpty(doc.ResolvConfPath) || !File.Exists(doc.ResolvConfPath)) return;
        var kept = File.ReadAllLines(doc.ResolvConfPath).Where(l => !l.TrimStart().StartsWith("nameserver", StringComparison.Ordinal) && l.Trim().Length > 0).ToList();
        var lines = new List<string> { "nameserver 127.0.0.11" };
        lines.AddRange(kept);
        if (!kept.Any(l => l.Contains("ndots:", StringComparison.Ordinal))) lines.Add("options ndots:0");
        File.WriteAllText(doc.ResolvConfPath, string.Concat(lines.Select(l => l + "\n")));
    }

    /// <summary>The addresses of <paramref name="name"/> among the peers of <paramref name="containerId"/> on its user-defined networks.</summary>
    internal IReadOnlyList<uint>? ResolvePeer(string containerId, string name)
    {
        var found = NamedPeers(containerId, name).Select(ep => Ipv4Subnet.TryParseAddress(ep.IPAddress!, out var ip) ? ip : 0).Where(ip => ip != 0).Distinct().ToList();
        return found.Count > 0 ? found : null;
    }

    /// <summary>The IPv6 addresses of <paramref name="name"/> among those peers (the ones on IPv6 networks).</summary>
    internal IReadOnlyList<UInt128> ResolvePeer6(string containerId, string name) =>
        NamedPeers(containerId, name).Select(ep => Ipv6Subnet.TryParseAddress(ep.GlobalIPv6Address, out var ip) ? ip : UInt128.Zero)
            .Where(ip => ip != UInt128.Zero).Distinct().ToList();

    /// <summary>The endpoints of the peers called <paramref name="name"/> on the user-defined networks of <paramref name="containerId"/>.</summary>
    private List<EndpointSettings> NamedPeers(string containerId, string name)
    {
        if (!_connected.TryGetValue(containerId, out var me)) return [];
        var wanted = name.TrimEnd('.');
        var found = new List<EndpointSettings>();
        foreach (var (netName, mine) in MyUserNetworks(me))
        {
            // `web` and `web.mynet` both name web on mynet.
            var bare = wanted.EndsWith("." + netName, StringComparison.OrdinalIgnoreCase) ? wanted[..^(netName.Length + 1)] : wanted;
            bare = LinkTarget(me, mine, bare) ?? bare;
            foreach (var (peer, ep) in Peers(netName, mine.NetworkID))
                if (NamesOf(peer, ep).Any(n => string.Equals(n, bare, StringComparison.OrdinalIgnoreCase))) found.Add(ep);
        }
        return found;
    }

    /// <summary>
    /// The container a link alias of <paramref name="me"/> stands for ("target:alias" in its HostConfig.Links or the
    /// endpoint's Links, also in Docker's "/target:/me/alias" form); null when <paramref name="name"/> is no alias.
    /// </summary>
    private static string? LinkTarget(ContainerInspectResponse me, EndpointSettings mine, string name)
    {
        foreach (var link in (me.HostConfig?.Links ?? []).Concat(mine.Links ?? []))
        {
            var colon = link.IndexOf(':');
            var target = (colon < 0 ? link : link[..colon]).TrimStart('/');
            var alias = colon < 0 ? target : link[(colon + 1)..];
            alias = alias[(alias.LastIndexOf('/') + 1)..];
            if (string.Equals(alias, name, StringComparison.OrdinalIgnoreCase)) return target;
        }
        return null;
    }

    /// <summary>`name.network` for a peer's address, as Docker answers reverse lookups.</summary>
    internal string? ReversePeer(string containerId, uint address)
    {
        if (!_connected.TryGetValue(containerId, out var me)) return null;
        var text = Ipv4Subnet.Format(address);
        foreach (var (netName, mine) in MyUserNetworks(me))
            foreach (var (peer, ep) in Peers(netName, mine.NetworkID))
                if (ep.IPAddress == text) return $"{peer.Name.TrimStart('/')}.{netName}";
        return null;
    }

    private static IEnumerable<(string Name, EndpointSettings Endpoint)> MyUserNetworks(ContainerInspectResponse me) =>
        (me.NetworkSettings?.Networks ?? []).Where(kv => kv.Key != DefaultNetworkName && !string.IsNullOrEmpty(kv.Value.IPAddress))
            .Select(kv => (kv.Key, kv.Value)).ToList();

    private IEnumerable<(ContainerInspectResponse Peer, EndpointSettings Endpoint)> Peers(string network, string? networkId)
    {
        foreach (var peer in _connected.Values)
            if (peer.NetworkSettings?.Networks?.TryGetValue(network, out var ep) == true && ep.NetworkID == networkId && !string.IsNullOrEmpty(ep.IPAddress))
                yield return (peer, ep);
    }

    /// <summary>A container's names on a network: its name, short id, hostname and that network's aliases (compose service names among them).</summary>
    private static IEnumerable<string> NamesOf(ContainerInspectResponse c, EndpointSettings ep)
    {
        yield return c.Name.TrimStart('/');
        yield return c.Id[..12];
        if (c.Config?.Hostname is { Length: > 0 } h) yield return h;
        foreach (var a in ep.Aliases ?? []) yield return a;
    }

    private sealed class PeerNames(NetworkService service, string containerId) : IDnsNames
    {
        public IReadOnlyList<uint>? Resolve(string name) => service.ResolvePeer(containerId, name);
        public string? ReverseName(uint address) => service.ReversePeer(containerId, address);
        public IReadOnlyList<UInt128> Resolve6(string name) => service.ResolvePeer6(containerId, name);
    }
}
