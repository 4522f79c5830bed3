using System.Globalization;
using Wharf.Api.Client;
using Wharf.Api.Models;
using Wharf.Compose.Model;

namespace Wharf.Compose.Engine;

public sealed partial class ComposeEngine
{
    /// <summary>
    /// Creates what is missing, recreates containers whose config hash changed, removes surplus replicas,
    /// and starts services in dependency order, independent ones in parallel, honouring depends_on conditions.
    /// Returns nothing: `up -d` needs no listing after the work, attached `up` asks for one.
    /// </summary>
    public async Task UpAsync(UpOptions o, CancellationToken ct)
    {
        var named = Select(o.Services);
        var services = o.NoDeps ? named : DependencyGraph.WithDependencies(project, named);
        foreach (var (svc, _) in o.Scale) project.RequireService(svc);
        // The list of what exists is asked for while images are checked; networks and volumes are made only once
        // every image is there (a failed pull or build leaves nothing behind), and side by side.
        var listing = ContainersAsync(all: true, ct: ct);
        await EnsureImagesAsync(services, o.Build, o.NoBuild, ct, o.Pull).ConfigureAwait(false);
        await Task.WhenAll(EnsureNetworksAsync(services, ct), EnsureVolumesAsync(services, ct)).ConfigureAwait(false);
        var existing = await listing.ConfigureAwait(false);
        await OrphansAsync(existing, o.RemoveOrphans, ct).ConfigureAwait(false);
        var tasks = new Dictionary<string, Task>(StringComparer.Ordinal);
        var inScope = services.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var s in DependencyGraph.StartOrder(project, services))
        {
            var deps = s.DependsOn.Where(d => inScope.Contains(d.Key) || o.NoDeps && project.Service(d.Key) is not null).ToList();
            var before = s.Dependencies().Where(tasks.ContainsKey).Select(d => tasks[d]).ToList();
            var mine = existing.Where(c => ServiceOf(c) == s.Name).ToList();
            var scale = o.Scale.TryGetValue(s.Name, out var n) ? n : s.Replicas;
            tasks[s.Name] = Task.Run(async () =>
            {
                await Task.WhenAll(before).ConfigureAwait(false);
                if (!o.NoStart)
                    foreach (var (dep, d) in deps) await WaitConditionAsync(dep, d.Condition, ct).ConfigureAwait(false);
                await ConvergeAsync(s, mine, scale, o, ct).ConfigureAwait(false);
            }, ct);
        }
        await Task.WhenAll(tasks.Values).ConfigureAwait(false);
        if (o.Wait) await WaitHealthyAsync(named, o.WaitTimeoutSeconds, ct).ConfigureAwait(false);
    }

    async Task OrphansAsync(List<ContainerSummary> existing, bool remove, CancellationToken ct)
    {
        var known = project.Services.Concat(project.DisabledServices).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var orphans = existing.Where(c => !known.Contains(ServiceOf(c))).ToList();
        if (orphans.Count == 0) return;
        if (!remove)
        {
            progress($"WARN[0000] Found orphan containers ([{string.Join(' ', orphans.Select(Name))}]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.");
            return;
        }
        await Task.WhenAll(orphans.Select(c => RemoveContainerAsync(c, stop: true, volumes: false, null, ct))).ConfigureAwait(false);
    }

    async Task ConvergeAsync(ServiceConfig s, List<ContainerSummary> mine, int scale, UpOptions o, CancellationToken ct)
    {
        var imageRef = s.ImageName(project.Name);
        var imageId = await ImageIdAsync(imageRef, ct).ConfigureAwait(false) ?? "";
        var request = ContainerSpec.Build(project, s, imageRef);
        var hash = ContainerSpec.Hash(request, ContainerSpec.Networking(project, s, ""), imageId);

        // Surplus replicas go first, highest numbers first, as Compose scales down.
        var keep = mine.OrderBy(Number).ToList();
        var surplus = keep.Where((_, i) => i >= scale).ToList();
        keep = keep.Take(scale).ToList();
        await Task.WhenAll(surplus.Select(c => RemoveContainerAsync(c, stop: true, volumes: false, o.Timeout, ct))).ConfigureAwait(false);

        var work = new List<Task>();
        var used = keep.Select(Number).ToHashSet();
        foreach (var c in keep)
        {
            var outdated = c.Labels.GetValueOrDefault(Labels.ConfigHash) != hash;
            if ((o.ForceRecreate || outdated) && !o.NoRecreate)
                work.Add(RecreateAsync(s, c, request, hash, o, ct));
            else if (!o.NoStart && c.State != "running")
                work.Add(StartOneAsync(Name(c), c.State == "paused", ct));
            else if (!o.NoStart)
                Report("Container", Name(c), "Running");
        }
        for (int number = 1; used.Count < scale; number++)
        {
            if (used.Contains(number)) continue;
            used.Add(number);
            var num = number;
            work.Add(CreateAndStartAsync(s, request, hash, num, o.NoStart, ct));
        }
        await Task.WhenAll(work).ConfigureAwait(false);
    }

    async Task RecreateAsync(ServiceConfig s, ContainerSummary old, ContainerCreateRequest request, string hash, UpOptions o, CancellationToken ct)
    {
        Report("Container", Name(old), "Recreate");
        if (old.State is "running" or "paused" or "restarting")
            await client.StopContainerAsync(old.Id, timeout: o.Timeout ?? s.StopGracePeriod, ct: ct).ConfigureAwait(false);
        await client.RemoveContainerAsync(old.Id, force: true, ct: ct).ConfigureAwait(false);
        await CreateAndStartAsync(s, request, hash, Math.Max(1, Number(old)), o.NoStart, ct, recreated: true).ConfigureAwait(false);
    }

    async Task CreateAndStartAsync(ServiceConfig s, ContainerCreateRequest template, string hash, int number, bool noStart, CancellationToken ct, bool recreated = false)
    {
        var name = s.ContainerName ?? Labels.ContainerName(project.Name, s.Name, number);
        var id = await CreateContainerAsync(s, template, hash, number, name, oneOff: false, ct).ConfigureAwait(false);
        Report("Container", name, recreated ? "Recreated" : "Created");
        if (!noStart) await StartOneAsync(id, false, ct, name).ConfigureAwait(false);
    }

    /// <summary>Creates one container of the service with Compose's labels; returns its id.</summary>
    internal async Task<string> CreateContainerAsync(ServiceConfig s, ContainerCreateRequest template, string hash, int number, string name, bool oneOff, CancellationToken ct)
    {
        var req = System.Text.Json.JsonSerializer.Deserialize(
            System.Text.Json.JsonSerializer.Serialize(template, Wharf.Api.Json.WharfJsonContext.Default.ContainerCreateRequest),
            Wharf.Api.Json.WharfJsonContext.Default.ContainerCreateRequest)!;
        req.Labels![Labels.ContainerNumber] = number.ToString(CultureInfo.InvariantCulture);
        req.Labels[Labels.ConfigHash] = hash;
        req.Labels[Labels.OneOff] = oneOff ? "True" : "False";
        req.NetworkingConfig = ContainerSpec.Networking(project, s, name);
        var created = await client.CreateContainerAsync(req, name, s.Platform, ct).ConfigureAwait(false);
        return created.Id;
    }

    async Task StartOneAsync(string id, bool paused, CancellationToken ct, string? name = null)
    {
        name ??= id;
        Report("Container", name, "Starting");
        if (paused) await client.UnpauseContainerAsync(id, ct).ConfigureAwait(false);
        else await client.StartContainerAsync(id, ct).ConfigureAwait(false);
        Report("Container", name, "Started");
    }

    /// <summary>Image ids looked up during this command, so ten services on one image ask once.</summary>
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, Task<string?>> _imageIds = new(StringComparer.Ordinal);

    Task<string?> ImageIdAsync(string image, CancellationToken ct) => _imageIds.GetOrAdd(image, i => LookUpImageAsync(i, ct));

    async Task<string?> LookUpImageAsync(string image, CancellationToken ct)
    {
        try
        {
            return (await client.InspectImageAsync(image, ct).ConfigureAwait(false)).Id;
        }
        catch (WharfApiException e) when (e.StatusCode == 404)
        {
            return null;
        }
    }

    /// <summary>Waits until every container of <paramref name="service"/> meets the depends_on condition.</summary>
    async Task WaitConditionAsync(string service, string condition, CancellationToken ct)
    {
        if (condition == "service_started") return;
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var containers = await ContainersAsync(all: true, [service], ct: ct).ConfigureAwait(false);
            bool done = containers.Count > 0;
            foreach (var c in containers)
            {
                var doc = await client.InspectContainerAsync(c.Id, ct: ct).ConfigureAwait(false);
                var st = doc.State ?? new ContainerState();
                if (condition == "service_healthy")
                {
                    if (st.Health is null)
                        throw new ComposeException($"dependency failed to start: container {Name(c)} has no healthcheck configured");
                    if (!st.Running) throw new ComposeException($"dependency failed to start: container {Name(c)} exited ({st.ExitCode})");
                    if (st.Health.Status == "unhealthy") throw new ComposeException($"dependency failed to start: container {Name(c)} is unhealthy");
                    done &= st.Health.Status == "healthy";
                }
                else
                {
                    if (st.Status == "exited" && st.ExitCode != 0)
                        throw new ComposeException($"service \"{service}\" didn't complete successfully: exit {st.ExitCode}");
                    done &= st.Status == "exited";
                }
            }
            if (done)
            {
                foreach (var c in containers) Report("Container", Name(c), condition == "service_healthy" ? "Healthy" : "Exited");
                return;
            }
            if (DateTime.UtcNow > deadline) throw new ComposeException($"timed out waiting for {service} to be {condition[8..]}");
            await Task.Delay(200, ct).ConfigureAwait(false);
        }
    }

    /// <summary>up --wait: every container running, and healthy where it has a health check.</summary>
    async Task WaitHealthyAsync(List<ServiceConfig> services, int? timeoutSeconds, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (timeoutSeconds is > 0) cts.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds.Value));
        try
        {
            await Task.WhenAll(services.Select(async s =>
            {
                while (true)
                {
                    var containers = await ContainersAsync(all: true, [s.Name], ct: cts.Token).ConfigureAwait(false);
                    bool ok = true;
                    foreach (var c in containers)
                    {
                        var st = (await client.InspectContainerAsync(c.Id, ct: cts.Token).ConfigureAwait(false)).State ?? new ContainerState();
                        // An exit first: a stopped container's health reads unhealthy, the exit says more.
                        if (!st.Running) throw new ComposeException($"container {Name(c)} exited ({st.ExitCode})");
                        if (st.Health?.Status == "unhealthy") throw new ComposeException($"container {Name(c)} is unhealthy");
                        ok &= st.Health is null || st.Health.Status == "healthy";
                    }
                    if (ok) return;
                    await Task.Delay(200, cts.Token).ConfigureAwait(false);
                }
            })).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ComposeException("timeout waiting for the project's containers to be running and healthy");
        }
    }
}
