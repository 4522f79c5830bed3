using System.Security.Cryptography;
using Wharf.Api.Models;
using Wharf.Engine.Configuration;
using Wharf.Engine.Metadata;
using Wharf.Engine.Networking.Firewall;
using Wharf.Engine.Networking.Ipam;
using Wharf.Engine.Networking.Ports;

namespace Wharf.Engine.Networking;

/// <summary>
/// Container networking: the default `bridge` network (IPAM in the metadata store, the Linux bridge, the
/// firewall table), and each container's endpoint on it while it runs. The container verbs call in at
/// four points: create (validation, initial settings), start (<see cref="ConnectAsync"/>), exit and
/// removal (<see cref="DisconnectAsync"/>), and daemon start (<see cref="InitializeAsync"/>,
/// <see cref="ReconcileAsync"/>).
/// </summary>
public sealed partial class NetworkService : IDisposable
{
    public const string DefaultNetworkName = "bridge";

    private readonly DaemonOptions _options;
    private readonly MetadataStore _db;
    private readonly BridgeDriver _bridges = new();
    private readonly PortReservations _ports = new();
    private readonly Lock _allocation = new();
    private readonly DockerUserChain _dockerUser;
    private NetworkRecord? _default;
    private bool _dockerUserRules;

    public NetworkService(DaemonOptions options, MetadataStore db, IFirewall? firewall = null)
    {
        _options = options;
        _db = db;
        var nft = new NftFirewall(options.NftTable);
        Firewall = firewall ?? nft;
        _dockerUser = new DockerUserChain(nft);
    }

    public IFirewall Firewall { get; }

    /// <summary>What start-up had to work around (a moved default subnet, a host port taken meanwhile); `info` lists them.</summary>
    public List<string> Warnings { get; } = [];

    private string? _subnetNotice;

    /// <summary>The default bridge network, or null with `--bridge none`.</summary>
    public NetworkRecord? DefaultNetwork => _default;

    /// <summary>Default mode and `bridge` run on the default bridge network.</summary>
    public static bool UsesDefaultBridge(HostConfig? hc) => hc?.NetworkMode is null or "" or "default" or DefaultNetworkName;

    /// <summary>
    /// At daemon start, before containers are restored: the default network's record (choosing its subnet),
    /// the bridge, the sysctls, the firewall table. Throws <see cref="IOException"/> when networking cannot be set up.
    /// </summary>
    public async Task<string> InitializeAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(_options.EffectiveNetnsDirectory);
        if (_options.BridgeName == "none") return "network: default bridge disabled (--bridge none): containers get only lo";
        try
        {
            _default = ChooseDefaultNetwork();
            Ipv4Subnet.TryParseAddress(_default.Gateway, out var gateway);
            _bridges.EnsureBridge(_default.Bridge, gateway, Ipv4Subnet.Parse(_default.Subnet).PrefixLength);
            await Firewall.ResetAsync(FirewallNetworks(), CurrentForwards(), ct);
            _dockerUserRules = await _dockerUser.AllowAsync([_default.Bridge], ct);
        }
        catch (WharfException e)
        {
            throw new IOException($"setting up networking: {e.Message}", e);
        }
        return $"network: default bridge {_default.Bridge} {_default.Gateway}/{Ipv4Subnet.Parse(_default.Subnet).PrefixLength}, nftables table ip {_options.NftTable}"
            + (_dockerUserRules ? ", forwarding allowed in DOCKER-USER (the ip filter FORWARD policy is drop)" : "")
            + (_subnetNotice is null ? "" : "; " + _subnetNotice);
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
            var routed = _bridges.RoutedSubnets(_options.BridgeName);
            var taken = routed.Concat(networks.Where(n => n.Name != DefaultNetworkName).Select(n => Ipv4Subnet.Parse(n.Subnet))).ToList();
            if (existing is not null && !taken.Any(t => t.Overlaps(Ipv4Subnet.Parse(existing.Subnet))))
            {
                subnet = Ipv4Subnet.Parse(existing.Subnet);
            }
            else
            {
                var pools = _options.DefaultAddressPools.Count > 0 ? _options.DefaultAddressPools : SubnetPools.Defaults;
                subnet = SubnetPools.FirstFree(pools, taken)
                    ?? throw new WharfException("no free subnet left in the address pools for the default bridge: set --bip");
                var preferred = SubnetPools.Candidates(pools).First();
                if (subnet != preferred)
                {
                    _subnetNotice = $"default bridge subnet {preferred} is already routed on this host (another engine or network owns it); using {subnet}";
                    Warnings.Add("WARNING: " + _subnetNotice);
                }
            }
            gateway = subnet.Network + 1;
        }
        var record = new NetworkRecord(existing?.Id ?? NewId(), DefaultNetworkName, "bridge", _options.BridgeName, subnet.ToString(),
            Ipv4Subnet.Format(gateway), null, false, "{}", "{}", existing?.Created ?? Images.ImageConfigFile.Rfc3339(DateTimeOffset.UtcNow));
        if (record != existing) _db.SaveNetwork(record);
        return record;
    }

    private List<FirewallNetwork> FirewallNetworks() =>
        _default is null ? [] : [new FirewallNetwork(_default.Bridge, Ipv4Subnet.Parse(_default.Subnet), _default.Internal)];

    /// <summary>The forwards of every endpoint in the store.</summary>
    private List<PortForward> CurrentForwards()
    {
        var endpoints = _db.ListEndpoints().ToDictionary(e => e.Id);
        return _db.ListPublishedPorts().Where(p => endpoints.ContainsKey(p.EndpointId))
            .Select(p => Forward(endpoints[p.EndpointId], p)).ToList();
    }

    private static PortForward Forward(EndpointRecord e, PublishedPortRecord p) => new(p.Proto, p.HostIp, p.HostPort, e.Address, p.ContainerPort);

    internal static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>At daemon stop: held ports are let go, DOCKER-USER rules removed (they would outlive a stopped Wharf).</summary>
    public void Dispose()
    {
        _ports.Dispose();
        if (_dockerUserRules)
        {
            try { _dockerUser.RemoveAsync(CancellationToken.None).GetAwaiter().GetResult(); }
            catch (WharfException) { }
        }
    }
}
