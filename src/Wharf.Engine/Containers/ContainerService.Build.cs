using Wharf.Api.Models;
using Wharf.Engine.Images;
using Wharf.Engine.Layers;

namespace Wharf.Engine.Containers;

public sealed partial class ContainerService
{
    /// <summary>
    /// A build's RUN step: an image from the container's image plus the diff of its upper directory, with the
    /// builder's config and history line (not the container's). The container has exited.
    /// </summary>
    internal async Task<string> CommitBuildStepAsync(string id, ContainerConfig config, string createdBy, CancellationToken ct)
    {
        var c = Get(id);
        var (upper, lowers) = LayerDirs(c);
        var stubs = LayerChanges.FindMountStubs(upper, lowers);
        return await _images.CommitAsync(new CommitRequest(
            c.Doc.Image,
            (output, token) => LayerDiffer.WriteDiffAsync(upper, output, stubs, token),
            config, null, null, createdBy, null), ct);
    }
}
