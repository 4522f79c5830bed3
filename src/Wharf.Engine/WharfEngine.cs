using Wharf.Engine.Configuration;
using Wharf.Engine.Content;
using Wharf.Engine.Events;
using Wharf.Engine.Images;
using Wharf.Engine.Metadata;
using Wharf.Engine.SystemInfo;

namespace Wharf.Engine;

/// <summary>The engine as a library: owns the data root and wires the services together.</summary>
public sealed class WharfEngine : IDisposable
{
    public DaemonOptions Options { get; }
    public MetadataStore Metadata { get; }
    public ContentStore Content { get; }
    public EventBus Events { get; } = new();
    public ImageService Images { get; }
    public Containers.ContainerService Containers { get; }
    public Networking.NetworkService Networks { get; }
    public Volumes.VolumeService Volumes { get; }
    public Builder.BuildService Builder { get; }
    public HostInfo Host { get; }
    public HostInfo HostInfo => Host;
    public string EngineId { get; }

    public WharfEngine(DaemonOptions options)
    {
        Options = options;
        Directory.CreateDirectory(options.DataRoot);
        Directory.CreateDirectory(options.ExecRoot);
        Metadata = new MetadataStore(Path.Combine(options.DataRoot, "metadata.db"));
        Content = new ContentStore(Path.Combine(options.DataRoot, "content"));
        var layers = new LayerStore(Path.Combine(options.DataRoot, "layers"));
        Images = new ImageService(Content, layers, Metadata, Events, options);
        Host = HostInfo.Probe();
        Networks = new Networking.NetworkService(options, Metadata, Events);
        Volumes = new Volumes.VolumeService(options.DataRoot, Metadata, Events);
        Containers = new Containers.ContainerService(options, Metadata, Images, Events) { Engine = this };
        Volumes.UsersOf = Containers.VolumeUsers;
        Builder = new Builder.BuildService(this) { KeepStorage = options.BuilderKeepStorage };
        // FROM / COPY --from of an image that is not here, or --pull: the registry client pulls it; its
        // status lines (not the byte counts) go into the build's output.
        Builder.PullBaseImage = (name, auth, output, ct) => Images.EnsureImageAsync(name, PullPolicy.Always, Images.CredentialsFor(name, auth),
            new Distribution.ProgressSink((m, c) => m.Progress is null && m.Status is { Length: > 0 } status
                ? output.WriteAsync((m.Id is { Length: > 0 } layer ? layer + ": " : "") + status + "\n", c)
                : Task.CompletedTask), null, ct);
        var id = Metadata.GetValue("engine-id");
        if (id is null)
        {
            id = Guid.NewGuid().ToString();
            Metadata.SetValue("engine-id", id);
        }
        EngineId = id;
    }

    /// <summary>Brings the data root back to a consistent state after a crash or kill -9.</summary>
    public string Repair()
    {
        var (ingests, layers, blobs) = Images.Repair();
        var (volumesRemoved, volumesAdopted) = Volumes.Repair();
        return $"start-up repair: removed {ingests} unfinished ingests, {layers} unrecorded layers, {blobs} unreferenced blobs, " +
            $"{volumesRemoved} unfinished volume directories; recorded {volumesAdopted} unrecorded volumes";
    }

    public void Dispose()
    {
        Networks.Dispose();
        Metadata.Dispose();
    }
}
