using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Wharf.Api.Models;

namespace Wharf.Engine.Cgroups;

/// <summary>
/// Keeps the most recent cgroup samples per container so that <c>stats?stream=false</c> answers at once
/// with <c>precpu_stats</c> filled (Docker samples twice, a second apart: moby#23188). Samples are taken
/// at most once per <see cref="Interval"/>: on demand, or by one background loop per container that runs
/// only while someone streams. Without a usable previous sample (first request, or the last one older
/// than <see cref="MaxPreviousAge"/>) a request takes two samples <see cref="FirstPairGap"/> apart.
/// </summary>
public sealed class StatsSampler : IDisposable
{
    private readonly ICgroupManager _cgroups;
    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _disposed = new();

    public StatsSampler(ICgroupManager cgroups, INetworkStatsSource? networks = null)
    {
        _cgroups = cgroups;
        Networks = networks;
    }

    /// <summary>Fills <c>networks</c>; set by the networking code.</summary>
    public INetworkStatsSource? Networks { get; set; }

    /// <summary>Sampling cadence, also the minimum age before an on-demand request reads again.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A previous sample older than this is not used for precpu_stats.</summary>
    public TimeSpan MaxPreviousAge { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Gap between the two samples taken when no recent previous sample exists.</summary>
    public TimeSpan FirstPairGap { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Number of cgroup reads made (for tests and diagnostics).</summary>
    public long Reads => Interlocked.Read(ref _reads);

    private long _reads;

    private sealed class Slot(CgroupPaths paths)
    {
        public readonly Lock Gate = new();
        public CgroupPaths Paths = paths;
        public CgroupSample? Current;
        public CgroupSample? Previous;
        public int Streamers;
        public Task? Loop;
        public TaskCompletionSource Next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>
    /// One frame for <c>stream=false</c>. With <paramref name="oneShot"/> precpu_stats and preread stay empty
    /// and a single (possibly cached) sample is used.
    /// </summary>
    /// <exception cref="CgroupNotFoundException">the container's cgroup is gone.</exception>
    public async ValueTask<ContainerStats> GetAsync(string id, string? name, CgroupPaths paths, bool oneShot = false,
        CancellationToken cancellationToken = default)
    {
        var slot = SlotFor(id, paths);
        SampleIfDue(slot, force: false);
        if (oneShot)
        {
            lock (slot.Gate)
            {
                return Compose(id, name, slot.Current!, null);
            }
        }
        bool needPair;
        lock (slot.Gate)
        {
            needPair = slot.Previous == null || Age(slot.Previous) > MaxPreviousAge;
        }
        if (needPair)
        {
            await Task.Delay(FirstPairGap, cancellationToken).ConfigureAwait(false);
            SampleIfDue(slot, force: true);
        }
        lock (slot.Gate)
        {
            return Compose(id, name, slot.Current!, slot.Previous);
        }
    }

    /// <summary>Frames for <c>stream=true</c>: one now, then one per <see cref="Interval"/> until cancelled.</summary>
    public async IAsyncEnumerable<ContainerStats> StreamAsync(string id, string? name, CgroupPaths paths,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var slot = SlotFor(id, paths);
        Task next;
        lock (slot.Gate)
        {
            slot.Streamers++;
            next = slot.Next.Task;
            slot.Loop ??= Task.Run(() => LoopAsync(id, slot));
        }
        try
        {
            SampleIfDue(slot, force: false);
            ContainerStats first;
            lock (slot.Gate)
            {
                first = Compose(id, name, slot.Current!, FreshPrevious(slot));
            }
            yield return first;
            while (true)
            {
                await next.WaitAsync(cancellationToken).ConfigureAwait(false);
                ContainerStats frame;
                lock (slot.Gate)
                {
                    next = slot.Next.Task;
                    frame = Compose(id, name, slot.Current!, FreshPrevious(slot));
                }
                yield return frame;
            }
        }
        finally
        {
            lock (slot.Gate)
            {
                slot.Streamers--;
            }
        }
    }

    /// <summary>The cached samples of a container, without reading anything.</summary>
    public (CgroupSample? Current, CgroupSample? Previous) Peek(string id)
    {
        if (!_slots.TryGetValue(id, out var slot))
        {
            return (null, null);
        }
        lock (slot.Gate)
        {
            return (slot.Current, slot.Previous);
        }
    }

    /// <summary>Drops a container's samples (on stop or removal); a running stream ends with the next read.</summary>
    public void Forget(string id) => _slots.TryRemove(id, out _);

    /// <summary>The frame Docker sends for a container that is not running: zero times and counters.</summary>
    public static ContainerStats Empty(string id, string? name) => new() { Id = id, Name = DockerName(name) };

    private Slot SlotFor(string id, CgroupPaths paths)
    {
        var slot = _slots.GetOrAdd(id, _ => new Slot(paths));
        if (slot.Paths.Relative != paths.Relative)
        {
            lock (slot.Gate)
            {
                // The container was restarted into another cgroup: history does not carry over.
                slot.Paths = paths;
                slot.Current = null;
                slot.Previous = null;
            }
        }
        return slot;
    }

    private async Task LoopAsync(string id, Slot slot)
    {
        var token = _disposed.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                await Task.Delay(Interval, token).ConfigureAwait(false);
                TaskCompletionSource signal;
                lock (slot.Gate)
                {
                    if (slot.Streamers == 0)
                    {
                        slot.Loop = null;
                        return;
                    }
                    signal = slot.Next;
                }
                try
                {
                    SampleIfDue(slot, force: true);
                }
                catch (CgroupNotFoundException ex)
                {
                    lock (slot.Gate)
                    {
                        slot.Next = new(TaskCreationOptions.RunContinuationsAsynchronously);
                        slot.Loop = null;
                    }
                    signal.TrySetException(ex);
                    _slots.TryRemove(new KeyValuePair<string, Slot>(id, slot));
                    return;
                }
                lock (slot.Gate)
                {
                    slot.Next = new(TaskCreationOptions.RunContinuationsAsynchronously);
                }
                signal.TrySetResult();
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            lock (slot.Gate)
            {
                if (slot.Loop != null && slot.Streamers == 0)
                {
                    slot.Loop = null;
                }
            }
        }
    }

    private void SampleIfDue(Slot slot, bool force)
    {
        lock (slot.Gate)
        {
            if (!force && slot.Current != null && Age(slot.Current) < Interval)
            {
                return;
            }
            var sample = _cgroups.ReadStats(slot.Paths);
            Interlocked.Increment(ref _reads);
            slot.Previous = slot.Current;
            slot.Current = sample;
        }
    }

    private CgroupSample? FreshPrevious(Slot slot)
        => slot.Previous != null && Age(slot.Previous) <= MaxPreviousAge + Interval ? slot.Previous : null;

    private static TimeSpan Age(CgroupSample s) => Stopwatch.GetElapsedTime(s.Timestamp);

    private ContainerStats Compose(string id, string? name, CgroupSample current, CgroupSample? previous) => new()
    {
        Id = id,
        Name = DockerName(name),
        Read = current.Read,
        PreRead = previous?.Read ?? default,
        CpuStats = current.Cpu,
        PreCpuStats = previous?.Cpu ?? new CpuStats(),
        MemoryStats = current.Memory,
        PidsStats = current.Pids,
        BlkioStats = current.Blkio,
        Networks = Networks?.Read(id),
    };

    /// <summary>Docker prefixes container names with '/' in stats frames.</summary>
    private static string? DockerName(string? name)
        => string.IsNullOrEmpty(name) ? null : name[0] == '/' ? name : "/" + name;

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }
}
