using Wharf.Api.Client;
using Wharf.Api.Models;
using Wharf.Compose.Api;
using Wharf.Compose.Model;

namespace Wharf.Compose.Engine;

public sealed partial class ComposeEngine
{
    /// <summary>Stops containers, dependents before what they depend on.</summary>
    public async Task StopAsync(IReadOnlyCollection<string> services, int? timeout, CancellationToken ct)
    {
        Select(services);
        var containers = await ContainersAsync(all: false, services, ct: ct).ConfigureAwait(false);
        await InReverseOrderAsync(containers, c => StopOneAsync(c, timeout, ct)).ConfigureAwait(false);
    }

    async Task StopOneAsync(ContainerSummary c, int? timeout, CancellationToken ct)
    {
        Report("Container", Name(c), "Stopping");
        await client.StopContainerAsync(c.Id, timeout: timeout ?? project.Service(ServiceOf(c))?.StopGracePeriod, ct: ct).ConfigureAwait(false);
        Report("Container", Name(c), "Stopped");
    }

    /// <summary>Starts the existing containers in dependency order; a service without containers is an error, as in Compose.</summary>
    public async Task StartAsync(IReadOnlyCollection<string> services, CancellationToken ct)
    {
        var selected = Select(services);
        var containers = await ContainersAsync(all: true, services, ct: ct).ConfigureAwait(false);
        if (containers.Count == 0) throw new ComposeException("service \"" + (services.Count > 0 ? services.First() : project.Services.FirstOrDefault()?.Name) + "\" has no container to start");
        foreach (var level in Levels(selected))
            await Task.WhenAll(containers.Where(c => level.Contains(ServiceOf(c)) && c.State != "running")
                .Select(async c =>
                {
                    foreach (var (dep, d) in project.Service(ServiceOf(c))!.DependsOn) await WaitConditionAsync(dep, d.Condition, ct).ConfigureAwait(false);
                    await StartOneAsync(c.Id, c.State == "paused", ct, Name(c)).ConfigureAwait(false);
                })).ConfigureAwait(false);
    }

    public async Task RestartAsync(IReadOnlyCollection<string> services, int? timeout, CancellationToken ct)
    {
        var selected = Select(services);
        var containers = await ContainersAsync(all: true, services, ct: ct).ConfigureAwait(false);
        foreach (var level in Levels(selected))
            await Task.WhenAll(containers.Where(c => level.Contains(ServiceOf(c))).Select(async c =>
            {
                Report("Container", Name(c), "Restarting");
                await client.RestartContainerAsync(c.Id, timeout: timeout, ct: ct).ConfigureAwait(false);
                Report("Container", Name(c), "Started");
            })).ConfigureAwait(false);
    }

    public async Task KillAsync(IReadOnlyCollection<string> services, string? signal, CancellationToken ct)
    {
        Select(services);
        var containers = await ContainersAsync(all: false, services, ct: ct).ConfigureAwait(false);
        await Task.WhenAll(containers.Select(async c =>
        {
            Report("Container", Name(c), "Killing");
            try
            {
                await client.KillContainerAsync(c.Id, signal, ct).ConfigureAwait(false);
            }
            catch (WharfApiException e) when (e.StatusCode == 409)
            {
                // It ended between the listing and the signal: what a kill wanted.
            }
            Report("Container", Name(c), "Killed");
        })).ConfigureAwait(false);
    }

    public async Task PauseAsync(IReadOnlyCollection<string> services, bool pause, CancellationToken ct)
    {
        Select(services);
        var containers = await ContainersAsync(all: false, services, ct: ct).ConfigureAwait(false);
        await Task.WhenAll(containers.Select(async c =>
        {
            if (pause) await client.PauseContainerAsync(c.Id, ct).ConfigureAwait(false);
            else await client.UnpauseContainerAsync(c.Id, ct).ConfigureAwait(false);
            Report("Container", Name(c), pause ? "Paused" : "Unpaused");
        })).ConfigureAwait(false);
    }

    /// <summary>rm: stopped containers only, unless <paramref name="stopFirst"/>; returns how many were removed.</summary>
    public async Task<int> RemoveAsync(IReadOnlyCollection<string> services, bool stopFirst, bool volumes, CancellationToken ct)
    {
        Select(services);
        var containers = await ContainersAsync(all: true, services, ct: ct).ConfigureAwait(false);
        if (stopFirst) await InReverseOrderAsync(containers.Where(c => c.State is "running" or "paused" or "restarting").ToList(), c => StopOneAsync(c, null, ct)).ConfigureAwait(false);
        else containers = containers.Where(c => c.State is not ("running" or "paused" or "restarting")).ToList();
        await Task.WhenAll(containers.Select(c => RemoveContainerAsync(c, stop: false, volumes, null, ct))).ConfigureAwait(false);
        return containers.Count;
    }

    async Task RemoveContainerAsync(ContainerSummary c, bool stop, bool volumes, int? timeout, CancellationToken ct)
    {
        if (stop && c.State is "running" or "paused" or "restarting") await StopOneAsync(c, timeout, ct).ConfigureAwait(false);
        Report("Container", Name(c), "Removing");
        try
        {
            await client.RemoveContainerAsync(c.Id, force: true, volumes: volumes, ct: ct).ConfigureAwait(false);
        }
        catch (WharfApiException e) when (e.StatusCode == 404) { }
        Report("Container", Name(c), "Removed");
    }

    /// <summary>down: containers (and orphans with --remove-orphans), the project's networks, volumes with -v, images with --rmi.</summary>
    public async Task DownAsync(bool volumes, string? rmi, bool removeOrphans, int? timeout, CancellationToken ct)
    {
        // Service and one-off containers in one listing; the project's networks asked for meanwhile.
        var networks = ProjectNetworksAsync(ct);
        var containers = await ContainersAsync(all: true, oneOff: null, ct: ct).ConfigureAwait(false);
        var known = project.Services.Concat(project.DisabledServices).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var orphans = containers.Where(c => !known.Contains(ServiceOf(c)) && !IsOneOff(c)).ToList();
        if (!removeOrphans)
        {
            containers = containers.Except(orphans).ToList();
            if (orphans.Count > 0)
                progress($"WARN[0000] Found orphan containers ([{string.Join(' ', orphans.Select(Name))}]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.");
        }
        await InReverseOrderAsync(containers.Where(c => c.State is "running" or "paused" or "restarting").ToList(), c => StopOneAsync(c, timeout, ct)).ConfigureAwait(false);
        // -v also takes the containers' anonymous volumes.
        await Task.WhenAll(containers.Select(c => RemoveContainerAsync(c, stop: false, volumes, null, ct))).ConfigureAwait(false);

        var keptOrphans = orphans.Count > 0 && !removeOrphans;
        // With orphans kept, which networks still have containers is known only now.
        var found = await networks.ConfigureAwait(false);
        if (keptOrphans) found = await ProjectNetworksAsync(ct).ConfigureAwait(false);
        foreach (var net in found)
        {
            if (keptOrphans && net.Containers.Count > 0) continue;
            Report("Network", net.Name, "Removing");
            try
            {
                await client.ProjectRemoveNetworkAsync(net.Id, ct).ConfigureAwait(false);
                Report("Network", net.Name, "Removed");
            }
            catch (WharfApiException e) when (e.StatusCode == 404) { }
        }
        if (volumes)
        {
            // The named volumes the files declare (not external ones); without files (-p only), those labelled with the project.
            var names = new SortedSet<string>(project.Volumes.Values.Where(v => !v.External).Select(v => v.Name), StringComparer.Ordinal);
            if (project.ConfigFiles.Count == 0)
                foreach (var v in await client.ListVolumesJsonAsync(new Filters().Add("label", Labels.Project + "=" + project.Name), ct).ConfigureAwait(false))
                    if (v["Name"]?.GetValue<string>() is { } n) names.Add(n);
            foreach (var name in names)
            {
                if (await client.ProjectInspectVolumeAsync(name, ct).ConfigureAwait(false) is null) continue;
                Report("Volume", name, "Removing");
                await client.ProjectRemoveVolumeAsync(name, ct).ConfigureAwait(false);
                Report("Volume", name, "Removed");
            }
        }
        if (rmi is not null) await RemoveImagesAsync(rmi, ct).ConfigureAwait(false);
    }

    /// <summary>Services grouped so each group only depends on earlier ones.</summary>
    List<HashSet<string>> Levels(IEnumerable<ServiceConfig> services)
    {
        var order = DependencyGraph.StartOrder(project, services);
        var level = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var s in order)
            level[s.Name] = s.Dependencies().Where(level.ContainsKey).Select(d => level[d] + 1).DefaultIfEmpty(0).Max();
        return level.GroupBy(kv => kv.Value).OrderBy(g => g.Key).Select(g => g.Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal)).ToList();
    }

    /// <summary>Runs an action on containers, dependents first (reverse dependency levels), each level in parallel.</summary>
    async Task InReverseOrderAsync(List<ContainerSummary> containers, Func<ContainerSummary, Task> action)
    {
        var levels = Levels(project.Services);
        var placed = levels.SelectMany(l => l).ToHashSet(StringComparer.Ordinal);
        await Task.WhenAll(containers.Where(c => !placed.Contains(ServiceOf(c))).Select(action)).ConfigureAwait(false);
        for (int i = levels.Count - 1; i >= 0; i--)
            await Task.WhenAll(containers.Where(c => levels[i].Contains(ServiceOf(c))).Select(action)).ConfigureAwait(false);
    }
}
