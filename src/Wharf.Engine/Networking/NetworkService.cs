using System.Collections.Concurrent;
using System.Security.Cryptography;
using Wharf.Api.Models;
using Wharf.Engine.Configuration;
using Wharf.Engine.Events;
using Wharf.Engine.Metadata;
using Wharf.Engine.Networking.Dns;
using Wharf.Engine.Networking.Firewall;
using Wharf.Engine.Networking.Ipam;
using Wharf.Engine.Networking.Ports;

namespace Wharf.Engine.Networking;

/// <summary>
/// Container networking: networks (the default `bridge`, `host`, `none` and user-defined bridge networks;
/// IPAM in the metadata store, a Linux bridge each, the firewall table), each running container's
/// endpoints on them, and the embedded DNS of containers on user-defined networks. The container verbs
/// call in at a few points: create (<see cref="CreateSettings"/>), start (<see cref="ConnectAsync"/>),
/// exit and removal (<see cref="DisconnectAsync"/>), daemon start (<see cref="InitializeAsync"/>,
/// <see cref="ReconcileAsync"/>), and `network connect/disconnect` (<see cref="ConnectRunningAsync"/>,
/// <see cref="DisconnectOneAsync"/>).
/// </summary>
public sealed partial class NetworkService : IDisposable
{
    public const string DefaultNetworkName = "bridge";

    private readonly DaemonOptions _options;
    private readonly MetadataStore _db;
    private readonly EventBus _events;
    private readonly BridgeDriver _bridges = new();
    private readonly PortReservations _ports = new();
    private readonly LoopbackProxy _loopback = new();
    private readonly Lock _lock = new();
    private readonly DockerUserChain _dockerUser;
    private readonly SemaphoreSlim _firewallLock = new(1, 1);
    private readonly ConcurrentDictionary<string, ContainerInspectResponse> _connected = new();
    private readonly ConcurrentDictionary<string, EmbeddedDns> _dns = new();
    private List<NetworkRecord> _networks = [];
    private NetworkRecord? _default;
    private bool _dockerUserRules;
    private string? _subnetNotice;

    public NetworkService(DaemonOptions options, MetadataStore db, EventBus events, IFirewall? firewall = null)
    {
        _options = options;
        _db = db;
        _events = events;
        var nft = new NftFirewall(options.NftTable);
        Firewall = firewall ?? nft;
        _dockerUser = new DockerUserChain(nft);
    }

    public IFirewall Firewall { get; }

    /// <summary>What start-up had to work around (a moved default subnet, a host port taken meanwhile); `info` lists them.</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>The default bridge network, or null with `--bridge none`.</summary>
    public NetworkRecord? DefaultNetwork => _default;

    /// <summary>Default mode and `bridge` run on the default bridge network.</summary>
    public static bool UsesDefaultBridge(HostConfig? hc) => hc?.NetworkMode is null or "" or "default" or DefaultNetworkName;

    /// <summary>Modes that are not networks of this service: host, none, container:&lt;id&gt;.</summary>
    private static bool IsSpecialMode(string? mode) =>
        mode is "host" or "none" || (mode?.StartsWith("container:", StringComparison.Ordinal) ?? false);

    /// <summary>
    /// At daemon start, before containers are restored: the predefined networks' records (choosing the default
    /// bridge's subnet), every bridge, the sysctls, the firewall table. Throws <see cref="IOException"/> when
    /// networking cannot be set up.
    /// </summary>
    public async Task<string> InitializeAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(_options.EffectiveNetnsDirectory);
        try
        {
            EnsurePredefined("host", "host");
            EnsurePredefined("none", "null");
            if (_options.BridgeName != "none") _default = ChooseDefaultNetwork();
            _networks = _db.ListNetworks();
            foreach (var n in BridgeNetworks())
            {
                var subnet = Ipv4Subnet.Parse(n.Subnet);
                Ipv4Subnet.TryParseAddress(n.Gateway, out var gateway);
                _bridges.EnsureBridge(n.Bridge, gateway, subnet.PrefixLength);
                EnsureBridge6(n);
            }
            await ResetFirewallAsync(ct);
            _dockerUserRules = await _dockerUser.AllowAsync(BridgeNetworks().Select(n => n.Bridge).ToList(), ct);
        }
        catch (WharfException e)
        {
            throw new IOException($"setting up networking: {e.Message}", e);
        }
        var user = BridgeNetworks().Count(n => n.Name != DefaultNetworkName);
        var head = _default is null ? "network: default bridge disabled (--bridge none): default-mode containers get only lo"
            : $"network: default bridge {_default.Bridge} {_default.Gateway}/{Ipv4Subnet.Parse(_default.Subnet).PrefixLength}";
        return head + $", {user} user-defined networks, nftables table ip {_options.NftTable}"
            + (_dockerUserRules ? ", forwarding allowed in DOCKER-USER (the ip filter FORWARD policy is drop)" : "")
            + (_subnetNotice is null ? "" : "; " + _subnetNotice);
    }

    private void EnsurePredefined(string name, string driver)
    {
        if (_db.ListNetworks().Any(n => n.Name == name)) return;
        _db.SaveNetwork(new NetworkRecord(NewId(), name, driver, "", "", "", null, false, "{}", "{}", Now()));
    }

    /// <summary>--bip, else the stored subnet while nothing else routes it, else the first free subnet of the pools.</summary>
    private NetworkRecord ChooseDefaultNetwork()
    {
        var networks = _db.ListNetworks();
        var existing = networks.FirstOrDefault(n => n.Name == DefaultNetworkName);
        Ipv4Subnet subnet;
        uint gateway;
        if (_options.Bip is { } bip)
        {
            if (!Ipv4Subnet.TryParse(bip, out subnet, out gateway) || subnet.PrefixLength > 30)
                throw new WharfException($"invalid bip {bip}: expected an IPv4 address with a prefix length of at most 30, such as 172.17.0.1/16");
            if (gateway == subnet.Network || gateway == subnet.Broadcast) gateway = subnet.Network + 1;
        }
        else
        {
            var taken = _bridges.RoutedSubnets([_options.BridgeName])
                .Concat(networks.Where(n => n.Driver == "bridge" && n.Name != DefaultNetworkName).Select(n => Ipv4Subnet.Parse(n.Subnet))).ToList();
            if (existing is not null && !taken.Any(t => t.Overlaps(Ipv4Subnet.Parse(existing.Subnet))))
            {
                subnet = Ipv4Subnet.Parse(existing.Subnet);
            }
            else
            {
                subnet = SubnetPools.FirstFree(Pools, taken)
                    ?? throw new WharfException("no free subnet left in the address pools for the default bridge: set --bip");
                var preferred = SubnetPools.Candidates(Pools).First();
                if (subnet != preferred)
                {
                    _subnetNotice = $"default bridge subnet {preferred} is already routed on this host (another engine or network owns it); using {subnet}";
                    Warnings.Add("WARNING: " + _subnetNotice);
                }
            }
            gateway = subnet.Network + 1;
        }
        var record = new NetworkRecord(existing?.Id ?? NewId(), DefaultNetworkName, "bridge", _options.BridgeName, subnet.ToString(),
            Ipv4Subnet.Format(gateway), null, false, "{}", DefaultBridgeOptions(), existing?.Created ?? Now());
        if (record != existing) _db.SaveNetwork(record);
        return record;
    }

    private string DefaultBridgeOptions() =>
        $"{{\"com.docker.network.bridge.default_bridge\":\"true\",\"com.docker.network.bridge.enable_icc\":\"true\",\"com.docker.network.bridge.enable_ip_masquerade\":\"true\",\"com.docker.network.bridge.host_binding_ipv4\":\"0.0.0.0\",\"com.docker.network.bridge.name\":\"{_options.BridgeName}\",\"com.docker.network.driver.mtu\":\"1500\"}}";

    private IReadOnlyList<Api.Models.AddressPool> Pools => _options.DefaultAddressPools.Count > 0 ? _options.DefaultAddressPools : SubnetPools.Defaults;

    /// <summary>The networks with a bridge (the default one, unless disabled, and the user-defined ones).</summary>
    private List<NetworkRecord> BridgeNetworks()
    {
        lock (_lock) return _networks.Where(n => n.Driver == "bridge" && (n.Name != DefaultNetworkName || _default is not null)).ToList();
    }

    /// <summary>Rewrites the whole table from the networks and endpoints in the store, in one transaction.</summary>
    private async Task ResetFirewallAsync(CancellationToken ct)
    {
        await _firewallLock.WaitAsync(ct);
        try
        {
            var networks = BridgeNetworks().Select(n => new FirewallNetwork(n.Bridge, Ipv4Subnet.Parse(n.Subnet), n.Internal,
                n.Option(BridgeOptions.Masquerade) != "false", n.Option(BridgeOptions.Icc) != "false", n.Subnet6)).ToList();
            await Firewall.ResetAsync(networks, CurrentForwards(), ct);
        }
        finally { _firewallLock.Release(); }
    }

    /// <summary>The forwards of every endpoint in the store.</summary>
    private List<PortForward> CurrentForwards()
    {
        var endpoints = _db.ListEndpoints().ToDictionary(e => e.Id);
        return _db.ListPublishedPorts().Where(p => endpoints.ContainsKey(p.EndpointId))
            .Select(p => Forward(endpoints[p.EndpointId], p)).ToList();
    }

    private static PortForward Forward(EndpointRecord e, PublishedPortRecord p) => new(p.Proto, p.HostIp, p.HostPort, e.Address, p.ContainerPort);

    private void Publish(NetworkRecord n, string action, Dictionary<string, string>? extra = null)
    {
        var attrs = new Dictionary<string, string> { ["name"] = n.Name, ["type"] = n.Driver };
        if (extra is not null) foreach (var (k, v) in extra) attrs[k] = v;
        _events.Publish("network", action, n.Id, attrs);
    }

    internal static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    private static string Now() => Images.ImageConfigFile.Rfc3339(DateTimeOffset.UtcNow);

    /// <summary>At daemon stop: DNS servers and held ports are let go, DOCKER-USER rules removed (they would outlive a stopped Wharf).</summary>
    public void Dispose()
    {
        foreach (var dns in _dns.Values) dns.Dispose();
        _dns.Clear();
        _ports.Dispose();
        _loopback.Dispose();
        if (_dockerUserRules)
        {
            try { _dockerUser.RemoveAsync(CancellationToken.None).GetAwaiter().GetResult(); }
            catch (WharfException) { }
        }
    }
}
