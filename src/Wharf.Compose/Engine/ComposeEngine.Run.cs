using Wharf.Api.Models;
using Wharf.Compose.Model;

namespace Wharf.Compose.Engine;

public sealed partial class ComposeEngine
{
    /// <summary>
    /// `run`: starts the service's dependencies (unless <paramref name="noDeps"/>), then creates a one-off container
    /// (label oneoff=True, name project-service-run-xxxx) from the service's config as <paramref name="customize"/> changes it.
    /// </summary>
    public async Task<(string Id, string Name)> CreateOneOffAsync(ServiceConfig s, bool noDeps, string? name,
        Action<ContainerCreateRequest> customize, CancellationToken ct)
    {
        var deps = DependencyGraph.WithDependencies(project, [s]).Where(d => d.Name != s.Name).ToList();
        if (!noDeps && deps.Count > 0)
            await UpAsync(new UpOptions { Services = deps.Select(d => d.Name).ToList() }, ct).ConfigureAwait(false);
        await EnsureImagesAsync([s], build: false, noBuild: false, ct).ConfigureAwait(false);
        await EnsureNetworksAsync([s], ct).ConfigureAwait(false);
        await EnsureVolumesAsync([s], ct).ConfigureAwait(false);
        var request = ContainerSpec.Build(project, s, s.ImageName(project.Name));
        customize(request);
        name ??= $"{project.Name}-{s.Name}-run-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6))}";
        var id = await CreateContainerAsync(s, request, "", 1, name, oneOff: true, ct).ConfigureAwait(false);
        return (id, name);
    }

    /// <summary>The container of a service with the given replica number (exec, port); an error naming what is missing.</summary>
    public async Task<ContainerSummary> ServiceContainerAsync(string service, int index, CancellationToken ct)
    {
        project.RequireService(service);
        var containers = await ContainersAsync(all: false, [service], ct: ct).ConfigureAwait(false);
        if (containers.Count == 0) throw new ComposeException($"service \"{service}\" is not running");
        return containers.FirstOrDefault(c => Number(c) == index)
            ?? throw new ComposeException($"service \"{service}\" is not running container #{index}");
    }
}
