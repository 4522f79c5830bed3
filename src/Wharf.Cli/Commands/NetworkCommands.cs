using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Wharf.Api.Client;
using Wharf.Api.Models;
using Wharf.Cli.Containers;
using Wharf.Cli.Output;
using Wharf.Cli.Parsing;

namespace Wharf.Cli.Commands;

/// <summary>network create, ls, inspect, rm, prune, connect, disconnect.</summary>
internal static class NetworkCommands
{
    public static CommandDef Group() => new CommandDef("network", "Manage networks") { Group = "management" }.Add(
        Connect(), Create(), Disconnect(), Inspect(), List(), Prune(), Remove());

    // ------------------------------------------------------------------ create

    static CommandDef Create() => new CommandDef("create [OPTIONS] NETWORK", "Create a network")
    {
        Args = ArgsRule.Exact(1),
        Run = CreateAsync,
    }
        .Flag(new FlagDef("attachable", null, FlagType.Bool, "Enable manual container attachment"))
        .Flag(new FlagDef("aux-address", null, FlagType.List, "Auxiliary IPv4 or IPv6 addresses used by Network driver") { VarName = "map" })
        .Flag(new FlagDef("config-from", null, FlagType.String, "The network from which to copy the configuration"))
        .Flag(new FlagDef("config-only", null, FlagType.Bool, "Create a configuration only network"))
        .Flag(new FlagDef("driver", 'd', FlagType.String, "Driver to manage the Network", "bridge"))
        .Flag(new FlagDef("gateway", null, FlagType.Strings, "IPv4 or IPv6 Gateway for the master subnet"))
        .Flag(new FlagDef("ingress", null, FlagType.Bool, "Create swarm routing-mesh network"))
        .Flag(new FlagDef("internal", null, FlagType.Bool, "Restrict external access to the network"))
        .Flag(new FlagDef("ip-range", null, FlagType.Strings, "Allocate container ip from a sub-range"))
        .Flag(new FlagDef("ipam-driver", null, FlagType.String, "IP Address Management Driver", "default"))
        .Flag(new FlagDef("ipam-opt", null, FlagType.List, "Set IPAM driver specific options") { VarName = "map" })
        .Flag(new FlagDef("ipv4", null, FlagType.Bool, "Enable or disable IPv4 address assignment", "true"))
        .Flag(new FlagDef("ipv6", null, FlagType.Bool, "Enable or disable IPv6 address assignment"))
        .Flag(new FlagDef("label", null, FlagType.List, "Set metadata on a network"))
        .Flag(new FlagDef("opt", 'o', FlagType.List, "Set driver specific options") { VarName = "map" })
        .Flag(new FlagDef("scope", null, FlagType.String, "Control the network's scope"))
        .Flag(new FlagDef("subnet", null, FlagType.Strings, "Subnet in CIDR format that represents a network segment"));

    static async Task<int> CreateAsync(CommandContext ctx)
    {
        var f = ctx.Flags;
        var ipam = new NetworkIpam
        {
            Driver = f.GetStringOrEmpty("ipam-driver") is { Length: > 0 } d ? d : "default",
            Config = BuildIpamConfig(f.GetList("subnet"), f.GetList("ip-range"), f.GetList("gateway"), KeyValues.ToMap(f.GetList("aux-address"))),
            Options = KeyValues.ToMap(f.GetList("ipam-opt")),
        };
        var request = new NetworkCreateRequest
        {
            Name = ctx.Args[0],
            Driver = f.GetStringOrEmpty("driver") is { Length: > 0 } driver ? driver : "bridge",
            Options = KeyValues.ToMap(f.GetList("opt")),
            IPAM = ipam,
            Internal = f.GetBool("internal"),
            Attachable = f.GetBool("attachable"),
            Ingress = f.GetBool("ingress"),
            Scope = f.GetString("scope"),
            ConfigOnly = f.GetBool("config-only"),
            ConfigFrom = f.GetStringOrEmpty("config-from") is { Length: > 0 } from ? new NetworkConfigReference { Network = from } : null,
            Labels = KeyValues.ToMap(f.GetList("label")),
            EnableIPv4 = f.Changed("ipv4") ? f.GetBool("ipv4") : null,
            EnableIPv6 = f.Changed("ipv6") ? f.GetBool("ipv6") : null,
        };
        var created = await ctx.Client.CreateNetworkAsync(request, ctx.Cancel).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(created.Warning)) ctx.Err.Write(created.Warning + "\n");
        ctx.Out.Write(created.Id + "\n");
        return 0;
    }

    /// <summary>
    /// The docker CLI's consolidateIpam: each gateway, range and auxiliary address goes to the subnet
    /// that contains it; one gateway and one range per subnet; subnets may not overlap.
    /// </summary>
    public static List<NetworkIpamConfig> BuildIpamConfig(IReadOnlyList<string> subnets, IReadOnlyList<string> ranges,
        IReadOnlyList<string> gateways, IReadOnlyDictionary<string, string> aux)
    {
        if (subnets.Count < ranges.Count || subnets.Count < gateways.Count)
            throw new CliException("every ip-range or gateway must have a corresponding subnet");
        var parsed = new List<(IPNetwork Net, NetworkIpamConfig Config)>();
        foreach (var s in subnets)
        {
            var net = ParseCidr(s);
            foreach (var (other, _) in parsed)
                if (other.Contains(net.BaseAddress) || net.Contains(other.BaseAddress))
                    throw new CliException("multiple overlapping subnet configuration is not supported");
            parsed.Add((net, new NetworkIpamConfig { Subnet = s }));
        }
        foreach (var r in ranges)
        {
            var range = ParseCidr(r);
            var match = parsed.FirstOrDefault(p => p.Net.Contains(range.BaseAddress)).Config
                        ?? throw new CliException($"no matching subnet for range {r}");
            if (match.IPRange is not null) throw new CliException($"cannot configure multiple ranges ({r}, {match.IPRange}) on the same subnet ({match.Subnet})");
            match.IPRange = r;
        }
        foreach (var g in gateways)
        {
            if (!IPAddress.TryParse(g, out var ip)) throw new CliException($"invalid gateway address: {g}");
            var match = parsed.FirstOrDefault(p => p.Net.Contains(ip)).Config ?? throw new CliException($"no matching subnet for gateway {g}");
            if (match.Gateway is not null) throw new CliException($"cannot configure multiple gateways ({g}, {match.Gateway}) for the same subnet ({match.Subnet})");
            match.Gateway = g;
        }
        foreach (var (key, value) in aux)
        {
            if (!IPAddress.TryParse(value, out var ip)) throw new CliException($"invalid aux-address: {key}={value}");
            var match = parsed.FirstOrDefault(p => p.Net.Contains(ip)).Config ?? throw new CliException($"no matching subnet for aux-address {value}");
            (match.AuxiliaryAddresses ??= [])[key] = value;
        }
        return [.. parsed.Select(p => p.Config)];
    }

    static IPNetwork ParseCidr(string s) =>
        s.Contains('/') && IPNetwork.TryParse(NormaliseCidr(s), out var net) ? net : throw new CliException($"invalid CIDR address: {s}");

    // IPNetwork wants the host bits clear; Docker masks them (10.1.2.3/16 means 10.1.0.0/16).
    static string NormaliseCidr(string s)
    {
        var slash = s.IndexOf('/');
        if (!IPAddress.TryParse(s[..slash], out var ip) || !int.TryParse(s[(slash + 1)..], out var bits)) return s;
        var bytes = ip.GetAddressBytes();
        if (bits < 0 || bits > bytes.Length * 8) return s;
        for (int i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(bits - i * 8, 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }
        return new IPAddress(bytes) + "/" + bits;
    }

    // ------------------------------------------------------------------ ls

    const string DefaultTable = "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}";

    static CommandDef List() => new CommandDef("ls [OPTIONS]", "List networks")
    {
        Aliases = ["list"],
        Args = ArgsRule.None,
        Run = ListAsync,
    }
        .Flag(Common.FilterFlag('f', "Provide filter values (e.g. \"driver=bridge\")"))
        .Flag(Common.FormatFlag(table: true))
        .Flag(new FlagDef("no-trunc", null, FlagType.Bool, "Do not truncate the output"))
        .Flag(new FlagDef("quiet", 'q', FlagType.Bool, "Only display network IDs"));

    static async Task<int> ListAsync(CommandContext ctx)
    {
        var networks = await ctx.Client.ListNetworksAsync(Common.ReadFilters(ctx) is { IsEmpty: false } f ? f : null, ctx.Cancel).ConfigureAwait(false);
        var format = ctx.Flags.GetString("format");
        if (string.IsNullOrEmpty(format) || format == Formatter.TableKey)
            format = ctx.Flags.GetBool("quiet") ? "{{.ID}}" : DefaultTable;
        var trunc = !ctx.Flags.GetBool("no-trunc");
        var rows = networks.OrderBy(n => n.Name, StringComparer.Ordinal).Select(n => (JsonNode?)Row(n, trunc));
        ctx.Out.Write(Formatter.Render(format, Header(), rows));
        return 0;
    }

    static JsonObject Header() => new()
    {
        ["ID"] = "NETWORK ID",
        ["Name"] = "NAME",
        ["Driver"] = "DRIVER",
        ["Scope"] = "SCOPE",
        ["IPv4"] = "IPV4",
        ["IPv6"] = "IPV6",
        ["Internal"] = "INTERNAL",
        ["Labels"] = "LABELS",
        ["CreatedAt"] = "CREATED AT",
    };

    /// <summary>One row of `network ls`, with the fields docker's network formatter offers.</summary>
    public static JsonObject Row(NetworkResource n, bool trunc)
    {
        var labels = new JsonObject();
        foreach (var (k, v) in n.Labels.OrderBy(kv => kv.Key, StringComparer.Ordinal)) labels[k] = v;
        return new JsonObject
        {
            ["ID"] = trunc ? Common.TruncateId(n.Id) : n.Id,
            ["Name"] = n.Name,
            ["Driver"] = n.Driver,
            ["Scope"] = n.Scope,
            ["IPv4"] = n.EnableIPv4 ? "true" : "false",
            ["IPv6"] = n.EnableIPv6 ? "true" : "false",
            ["Internal"] = n.Internal ? "true" : "false",
            ["Labels"] = string.Join(",", n.Labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value)),
            ["LabelMap"] = labels,
            ["CreatedAt"] = DateTimeOffset.TryParse(n.Created, out var t) ? GoTime.String(t) : n.Created,
        };
    }

    // ------------------------------------------------------------------ inspect

    static CommandDef Inspect() => new CommandDef("inspect [OPTIONS] NETWORK [NETWORK...]", "Display detailed information on one or more networks")
    {
        Args = ArgsRule.AtLeast(1),
        Run = ctx => ImageCommands.InspectObjectsAsync(ctx, "network"),
    }
        .Flag(Common.FormatFlag(table: false, 'f'))
        .Flag(new FlagDef("verbose", 'v', FlagType.Bool, "Verbose output for diagnostics"));

    // ------------------------------------------------------------------ rm

    static CommandDef Remove() => new CommandDef("rm NETWORK [NETWORK...]", "Remove one or more networks")
    {
        Aliases = ["remove"],
        Args = ArgsRule.AtLeast(1),
        Run = RemoveAsync,
    }
        .Flag(new FlagDef("force", 'f', FlagType.Bool, "Do not error if the network does not exist"));

    static async Task<int> RemoveAsync(CommandContext ctx)
    {
        var errors = new List<string>();
        foreach (var name in ctx.Args)
        {
            try
            {
                await ctx.Client.RemoveNetworkAsync(name, ctx.Cancel).ConfigureAwait(false);
                ctx.Out.Write(name + "\n");
            }
            catch (WharfApiException e) when (e.StatusCode == 404 && ctx.Flags.GetBool("force"))
            {
            }
            catch (WharfApiException e)
            {
                errors.Add("Error response from daemon: " + e.Message);
            }
        }
        if (errors.Count > 0) throw new CliException(string.Join("\n", errors));
        return 0;
    }

    // ------------------------------------------------------------------ prune

    const string PruneWarning = "WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue?";

    static CommandDef Prune() => new CommandDef("prune [OPTIONS]", "Remove all unused networks")
    {
        Args = ArgsRule.None,
        Run = PruneAsync,
    }
        .Flag(Common.FilterFlag(null, "Provide filter values (e.g. \"until=<timestamp>\")"))
        .Flag(new FlagDef("force", 'f', FlagType.Bool, "Do not prompt for confirmation"));

    static async Task<int> PruneAsync(CommandContext ctx)
    {
        var filters = Common.ReadFilters(ctx);
        if (!ctx.Flags.GetBool("force") && !Common.Confirm(ctx, PruneWarning)) return 0;
        var report = await ctx.Client.PruneNetworksAsync(filters.IsEmpty ? null : filters, ctx.Cancel).ConfigureAwait(false);
        if (report.NetworksDeleted is { Count: > 0 } deleted)
        {
            var sb = new StringBuilder("Deleted Networks:\n");
            foreach (var n in deleted) sb.Append(n).Append('\n');
            ctx.Out.Write(sb.ToString());
        }
        return 0;
    }

    // ------------------------------------------------------------------ connect, disconnect

    static CommandDef Connect() => new CommandDef("connect [OPTIONS] NETWORK CONTAINER", "Connect a container to a network")
    {
        Args = ArgsRule.Exact(2),
        Run = ConnectAsync,
    }
        .Flag(new FlagDef("alias", null, FlagType.Strings, "Add network-scoped alias for the container"))
        .Flag(new FlagDef("driver-opt", null, FlagType.Strings, "driver options for the network"))
        .Flag(new FlagDef("gw-priority", null, FlagType.Int, "Highest gw-priority provides the default gateway. Accepts positive and negative values."))
        .Flag(new FlagDef("ip", null, FlagType.String, "IPv4 address (e.g., \"172.30.100.104\")"))
        .Flag(new FlagDef("ip6", null, FlagType.String, "IPv6 address (e.g., \"2001:db8::33\")"))
        .Flag(new FlagDef("link", null, FlagType.List, "Add link to another container") { Validate = FlagValues.Check(FlagValues.Link) })
        .Flag(new FlagDef("link-local-ip", null, FlagType.Strings, "Add a link-local address for the container"));

    static async Task<int> ConnectAsync(CommandContext ctx)
    {
        var f = ctx.Flags;
        var ip = f.GetStringOrEmpty("ip");
        var ip6 = f.GetStringOrEmpty("ip6");
        var linkLocal = f.GetList("link-local-ip");
        var endpoint = new EndpointSettings
        {
            IPAMConfig = ip.Length > 0 || ip6.Length > 0 || linkLocal.Count > 0
                ? new EndpointIpamConfig { IPv4Address = ip, IPv6Address = ip6, LinkLocalIPs = linkLocal.Count > 0 ? [.. linkLocal] : null }
                : null,
            Aliases = f.GetList("alias") is { Count: > 0 } aliases ? [.. aliases] : null,
            Links = f.GetList("link") is { Count: > 0 } links ? [.. links] : null,
            DriverOpts = f.GetList("driver-opt") is { Count: > 0 } opts ? KeyValues.ToMap(opts) : null,
        };
        await ctx.Client.ConnectNetworkAsync(ctx.Args[0], new NetworkConnectRequest { Container = ctx.Args[1], EndpointConfig = endpoint }, ctx.Cancel)
            .ConfigureAwait(false);
        return 0;
    }

    static CommandDef Disconnect() => new CommandDef("disconnect [OPTIONS] NETWORK CONTAINER", "Disconnect a container from a network")
    {
        Args = ArgsRule.Exact(2),
        Run = async ctx =>
        {
            await ctx.Client.DisconnectNetworkAsync(ctx.Args[0], ctx.Args[1], ctx.Flags.GetBool("force"), ctx.Cancel).ConfigureAwait(false);
            return 0;
        },
    }
        .Flag(new FlagDef("force", 'f', FlagType.Bool, "Force the container to disconnect from a network"));
}
