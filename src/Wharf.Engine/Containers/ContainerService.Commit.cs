using Wharf.Api.Models;
using Wharf.Engine.Build;
using Wharf.Engine.Images;
using Wharf.Engine.Layers;
using Wharf.Engine.Runtime;

namespace Wharf.Engine.Containers;

/// <summary>The query of POST /commit; <see cref="Config"/> is the optional body (null: the container's own config).</summary>
public sealed record CommitOptions(string? Repo, string? Tag, string? Comment, string? Author, bool Pause,
    IReadOnlyList<string> Changes, ContainerConfig? Config);

public sealed partial class ContainerService
{
    /// <summary>
    /// POST /commit: a new image from the container's image plus the diff of its upper directory, with the
    /// container's config (or the given one) changed by `changes` and merged with the container's. A running
    /// container is paused while its upper directory is read, unless pause=false. Returns the image id.
    /// </summary>
    public async Task<string> CommitAsync(string idOrName, CommitOptions options, CancellationToken ct)
    {
        var c = Get(idOrName);
        // Everything the request can get wrong is checked before the container is paused.
        ImageReference? target = null;
        if (!string.IsNullOrEmpty(options.Repo))
        {
            target = _images.ParseReference(options.Repo);
            if (target.Digest is not null) throw new BadRequestException("refusing to create a tag with a digest reference");
            if (!string.IsNullOrEmpty(options.Tag))
            {
                if (!ImageReference.TryParse("x:" + options.Tag, out var tagged, out _) || tagged!.Tag != options.Tag)
                    throw new BadRequestException($"invalid tag format: {options.Tag}");
                target = target with { Tag = options.Tag };
            }
            target = target.WithDefaultTag();
        }
        ContainerConfig config;
        try
        {
            config = ConfigChangeApplier.Apply(options.Config ?? c.Doc.Config ?? new ContainerConfig(), options.Changes);
        }
        catch (ConfigChangeException e)
        {
            throw new BadRequestException(e.Message, e);
        }
        // An image without a command is fine to commit (Docker does); running it is what needs one.
        config = ContainerDefaults.Merge(config, c.Doc.Config, requireCommand: false);

        var (upper, lowers) = LayerDirs(c);
        var paused = false;
        if (options.Pause && c.State.Running && !c.State.Paused)
        {
            await SetPausedAsync(c.Id, true, ct);
            paused = true;
        }
        string id;
        try
        {
            var stubs = LayerChanges.FindMountStubs(upper, lowers, MountDestinations(c));
            id = await _images.CommitAsync(new CommitRequest(
                c.Doc.Image,
                (output, token) => LayerDiffer.WriteDiffAsync(upper, output, stubs, token),
                config,
                options.Author,
                options.Comment,
                string.Join(' ', c.Doc.Config?.Cmd ?? []),
                target), ct);
        }
        finally
        {
            if (paused && c.State.Paused) await SetPausedAsync(c.Id, false, CancellationToken.None);
        }
        Publish(c, "commit", new()
        {
            ["comment"] = options.Comment ?? "",
            ["imageID"] = id,
            ["imageRef"] = target?.Familiar ?? "",
        });
        return id;
    }
}
