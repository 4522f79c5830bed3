using System.Globalization;
using Wharf.Api.Client;
using Wharf.Api.Models;
using Wharf.Compose.Api;
using Wharf.Compose.Model;

namespace Wharf.Compose.Engine;

/// <summary>
/// Runs a project against any Engine API: finds its containers, networks and volumes by Compose's labels
/// (so projects made by docker-compose v1 are found too) and brings them to what the files say.
/// </summary>
public sealed partial class ComposeEngine(WharfClient client, ComposeProject project, Action<string> progress)
{
    public WharfClient Client => client;
    public ComposeProject Project => project;

    void Report(string kind, string name, string what) => progress($" {kind} {name}  {what}");

    /// <summary>
    /// The project's containers (not one-off ones unless asked; both when <paramref name="oneOff"/> is null), optionally
    /// of some services only, by service then number.
    /// </summary>
    public async Task<List<ContainerSummary>> ContainersAsync(bool all, IEnumerable<string>? services = null, bool? oneOff = false, CancellationToken ct = default)
    {
        var filters = new Filters().Add("label", Labels.Project + "=" + project.Name);
        var list = await client.ListContainersAsync(all: all, filters: filters, ct: ct).ConfigureAwait(false);
        var wanted = services?.ToHashSet(StringComparer.Ordinal);
        return list.Where(c => oneOff is null || IsOneOff(c) == oneOff)
            .Where(c => wanted is null || wanted.Count == 0 || wanted.Contains(ServiceOf(c)))
            .OrderBy(ServiceOf, StringComparer.Ordinal).ThenBy(Number).ThenBy(Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>v1 writes "False"/"True", v2 the same; anything but "True" is a service container.</summary>
    public static bool IsOneOff(ContainerSummary c) => c.Labels.TryGetValue(Labels.OneOff, out var v) && string.Equals(v, "True", StringComparison.OrdinalIgnoreCase);

    public static string ServiceOf(ContainerSummary c) => c.Labels.GetValueOrDefault(Labels.Service) ?? "";

    public static int Number(ContainerSummary c) =>
        c.Labels.TryGetValue(Labels.ContainerNumber, out var n) && int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : 0;

    public static string Name(ContainerSummary c) => c.Names.Count > 0 ? c.Names[0].TrimStart('/') : c.Id[..12];

    /// <summary>The services a command names, checked; all services when none.</summary>
    public List<ServiceConfig> Select(IReadOnlyCollection<string> names)
    {
        if (names.Count == 0) return [.. project.Services];
        return names.Select(project.RequireService).ToList();
    }

    // ---------------------------------------------------------------- networks and volumes

    async Task EnsureNetworksAsync(IEnumerable<ServiceConfig> services, CancellationToken ct)
    {
        var keys = services.SelectMany(s => s.Networks.Keys).Distinct().OrderBy(k => k, StringComparer.Ordinal);
        foreach (var key in keys)
        {
            var net = project.Networks[key];
            var existing = await client.ProjectInspectNetworkAsync(net.Name, ct).ConfigureAwait(false);
            if (net.External)
            {
                if (existing is null) throw new ComposeException($"network {net.Name} declared as external, but could not be found");
                continue;
            }
            if (existing is not null)
            {
                if (net.Driver is { } d && existing.Driver != d)
                    throw new ComposeException($"network {net.Name} was found but has incorrect driver \"{existing.Driver}\" (expected \"{d}\"): remove it and run up again");
                continue;
            }
            var labels = new Dictionary<string, string>(net.Labels, StringComparer.Ordinal)
            {
                [Labels.Project] = project.Name, [Labels.Network] = key, [Labels.Version] = Labels.ComposeVersion,
            };
            var req = new NetworkCreateRequest
            {
                Name = net.Name, Driver = net.Driver ?? "bridge", Internal = net.Internal, Attachable = net.Attachable,
                EnableIPv6 = net.EnableIpv6 ? true : null, Labels = labels, CheckDuplicate = true,
                Options = net.DriverOpts.Count > 0 ? net.DriverOpts : null,
                IPAM = net.IpamConfig.Count > 0 || net.IpamDriver is not null
                    ? new NetworkIpam
                    {
                        Driver = net.IpamDriver ?? "default",
                        Config = net.IpamConfig.Select(p => new NetworkIpamConfig { Subnet = p.Subnet, IPRange = p.IpRange, Gateway = p.Gateway, AuxiliaryAddresses = p.AuxAddresses }).ToList(),
                    }
                    : null,
            };
            await client.ProjectCreateNetworkAsync(req, ct).ConfigureAwait(false);
            Report("Network", net.Name, "Created");
        }
    }

    async Task EnsureVolumesAsync(IEnumerable<ServiceConfig> services, CancellationToken ct)
    {
        var keys = services.SelectMany(s => s.Volumes).Where(v => v.Type == "volume" && v.Source is not null)
            .Select(v => v.Source!).Distinct().OrderBy(k => k, StringComparer.Ordinal);
        foreach (var key in keys)
        {
            var vol = project.Volumes[key];
            var existing = await client.ProjectInspectVolumeAsync(vol.Name, ct).ConfigureAwait(false);
            if (vol.External)
            {
                if (existing is null) throw new ComposeException($"external volume \"{vol.Name}\" not found");
                continue;
            }
            if (existing is not null) continue;
            var labels = new Dictionary<string, string>(vol.Labels, StringComparer.Ordinal)
            {
                [Labels.Project] = project.Name, [Labels.Volume] = key, [Labels.Version] = Labels.ComposeVersion,
            };
            await client.ProjectCreateVolumeAsync(vol.Name, vol.Driver, vol.DriverOpts, labels, ct).ConfigureAwait(false);
            Report("Volume", "\"" + vol.Name + "\"", "Created");
        }
    }

    /// <summary>The project's networks as the engine has them (by label, then by the names the files give).</summary>
    async Task<List<NetworkResource>> ProjectNetworksAsync(CancellationToken ct)
    {
        var found = await client.ProjectListNetworksAsync(new Filters().Add("label", Labels.Project + "=" + project.Name), ct).ConfigureAwait(false);
        foreach (var net in project.Networks.Values.Where(n => !n.External))
            if (found.All(f => f.Name != net.Name) && await client.ProjectInspectNetworkAsync(net.Name, ct).ConfigureAwait(false) is { } n)
                found.Add(n);
        return found;
    }
}
