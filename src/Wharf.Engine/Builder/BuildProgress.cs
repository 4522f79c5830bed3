using System.Text;
using Wharf.Api.Models;

namespace Wharf.Engine.Builder;

/// <summary>
/// The legacy builder's output stream (`{"stream":"Step 1/6 : FROM busybox\n"}`, `{"aux":{"ID":...}}`), written
/// by stages that may run at once: each message goes out whole, in the order written.
/// </summary>
public sealed class BuildProgress(Func<ProgressMessage, CancellationToken, Task> write, bool quiet)
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly StringBuilder _suppressed = new();

    public bool Quiet { get; } = quiet;

    /// <summary>Text for the user (step lines, RUN output); held back in quiet mode (sent only if the build fails).</summary>
    public Task TextAsync(string text, CancellationToken ct)
    {
        if (text.Length == 0) return Task.CompletedTask;
        if (Quiet)
        {
            lock (_suppressed) _suppressed.Append(text);
            return Task.CompletedTask;
        }
        return SendAsync(new ProgressMessage { Stream = text }, ct);
    }

    /// <summary>Quiet mode's one line of output: the image id, which the docker CLI prints as it is.</summary>
    public Task QuietResultAsync(string imageId, CancellationToken ct) =>
        Quiet ? SendAsync(new ProgressMessage { Stream = imageId + "\n" }, ct) : Task.CompletedTask;

    /// <summary>In quiet mode, a failed build shows what it had held back, as Docker does.</summary>
    public Task FlushSuppressedAsync(CancellationToken ct)
    {
        string text;
        lock (_suppressed)
        {
            text = _suppressed.ToString();
            _suppressed.Clear();
        }
        return Quiet && text.Length > 0 ? SendAsync(new ProgressMessage { Stream = text }, ct) : Task.CompletedTask;
    }

    /// <summary>The built image's id, which the docker CLI reads for -q and --iidfile.</summary>
    public Task AuxAsync(string imageId, CancellationToken ct) => SendAsync(new ProgressMessage { Aux = new AuxId { ID = imageId } }, ct);

    private async Task SendAsync(ProgressMessage m, CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try { await write(m, ct); }
        finally { _lock.Release(); }
    }

    /// <summary>A stage's view: when several stages build at once, each of its lines starts with `[name] `.</summary>
    public StageOutput ForStage(string? prefix) => new(this, prefix);
}

/// <summary>One stage's output, prefixing every line (also of RUN output that arrives in pieces) when asked to.</summary>
public sealed class StageOutput(BuildProgress progress, string? prefix)
{
    private bool _atLineStart = true;

    public Task WriteAsync(string text, CancellationToken ct)
    {
        if (prefix is null || text.Length == 0) return progress.TextAsync(text, ct);
        var sb = new StringBuilder();
        foreach (var ch in text)
        {
            if (_atLineStart) sb.Append('[').Append(prefix).Append("] ");
            sb.Append(ch);
            _atLineStart = ch == '\n';
        }
        return progress.TextAsync(sb.ToString(), ct);
    }

    public Task LineAsync(string line, CancellationToken ct) => WriteAsync(line + "\n", ct);
}
