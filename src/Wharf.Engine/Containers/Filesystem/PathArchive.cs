using Wharf.Api.Models;

namespace Wharf.Engine.Containers.Filesystem;

/// <summary>A tar about to be streamed from a container, with the stat of what it holds (null for an export).</summary>
public sealed class PathArchive(ContainerPathStat? stat, Func<Stream, CancellationToken, Task> write, Func<ValueTask> release) : IAsyncDisposable
{
    public ContainerPathStat? Stat { get; } = stat;

    /// <summary>Writes the tar to <paramref name="output"/>.</summary>
    public Task WriteAsync(Stream output, CancellationToken ct) => write(output, ct);

    public ValueTask DisposeAsync() => release();
}
