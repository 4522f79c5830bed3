using System.Collections.Concurrent;
using System.Diagnostics;
using Wharf.Api.Models;

namespace Wharf.Engine.Distribution;

/// <summary>
/// Docker's JSON progress messages for pull and push, written one at a time (layers report from parallel
/// transfers) and byte counts throttled per layer, so a fast transfer does not drown the client.
/// </summary>
public sealed class ProgressSink(Func<ProgressMessage, CancellationToken, Task> write)
{
    public static readonly ProgressSink None = new((_, _) => Task.CompletedTask);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly ConcurrentDictionary<string, long> _lastReport = new();

    public async Task WriteAsync(ProgressMessage m, CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try { await write(m, ct); }
        finally { _lock.Release(); }
    }

    public Task StatusAsync(string status, CancellationToken ct) => WriteAsync(new ProgressMessage { Status = status }, ct);

    /// <summary>A layer's state line (`Pulling fs layer`, `Pull complete`, `Layer already exists`).</summary>
    public Task LayerAsync(string id, string status, CancellationToken ct) =>
        WriteAsync(new ProgressMessage { Status = status, Id = id, ProgressDetail = new ProgressDetail() }, ct);

    /// <summary>Bytes moved so far (`Downloading`, `Pushing`); at most one message per layer every 100 ms.</summary>
    public Task BytesAsync(string id, string status, long current, long total, CancellationToken ct)
    {
        var now = Stopwatch.GetTimestamp();
        var last = _lastReport.GetOrAdd(id, 0);
        if (current < total && last != 0 && Stopwatch.GetElapsedTime(last, now) < Interval) return Task.CompletedTask;
        _lastReport[id] = now;
        return WriteAsync(new ProgressMessage
        {
            Status = status, Id = id, ProgressDetail = new ProgressDetail { Current = current, Total = total },
        }, ct);
    }

    /// <summary>Short layer id as Docker shows it: the first 12 hex digits of the blob digest.</summary>
    public static string ShortId(string digest) => Content.Digest.Hex(digest)[..12];
}
