using Wharf.Api.Models;

namespace Wharf.Engine.Containers;

/// <summary>A container in memory: its inspect document, guarded by its own lock, plus run-time handles.</summary>
public sealed class Container(ContainerInspectResponse doc)
{
    public ContainerInspectResponse Doc { get; } = doc;
    public SemaphoreSlim Lock { get; } = new(1, 1);
    public string Id => Doc.Id;
    public string Name => Doc.Name.TrimStart('/');
    public ContainerState State => Doc.State!;
    /// <summary>Completed when the current run ends; replaced at each start.</summary>
    public TaskCompletionSource Exited { get; set; } = CompletedSource();
    /// <summary>Completed when the shim of the current start is ready for attach clients.</summary>
    public TaskCompletionSource<string> ShimReady { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource Removed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>Attach clients waiting for the next start register here so no output is missed.</summary>
    public List<TaskCompletionSource> PendingAttaches { get; } = [];
    public bool StoppedByUser { get; set; }
    /// <summary>The healthcheck monitor of the current run, when the container has a probe and runs unpaused.</summary>
    internal HealthMonitor? HealthMonitor { get; set; }
    /// <summary>The volumes the current run has mounted (given back when it ends).</summary>
    internal List<string> HeldVolumes { get; } = [];
    /// <summary>The delay before the next policy restart.</summary>
    public TimeSpan Backoff { get; set; } = TimeSpan.FromMilliseconds(50);

    private static TaskCompletionSource CompletedSource()
    {
        var t = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        t.SetResult();
        return t;
    }
}
