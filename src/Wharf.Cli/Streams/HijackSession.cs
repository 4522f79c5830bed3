using Wharf.Api.Client;

namespace Wharf.Cli.Streams;

/// <summary>How a hijacked session ended.</summary>
public enum SessionEnd
{
    /// <summary>The daemon ended the output (the process exited, or there was no output to wait for).</summary>
    OutputEnded,

    /// <summary>The user typed the detach keys and the daemon let go of the connection.</summary>
    Detached,
}

/// <summary>
/// Pumps a hijacked attach/exec connection, as docker's hijackedIOStreamer: local stdin to the connection (half-closed
/// when input ends, at once when there is no input), the connection's output to stdout/stderr (demultiplexed without a
/// TTY). With a TTY and a terminal on stdin, stdin is raw for the session and restored as soon as either side ends.
/// The daemon handles the detach keys; the session watches the input for them so that the end of output that follows
/// is reported as <see cref="SessionEnd.Detached"/>.
/// </summary>
public sealed class HijackSession
{
    public required HijackedStream Connection { get; init; }
    public Stream? Input { get; init; }
    public Stream? Stdout { get; init; }
    public Stream? Stderr { get; init; }
    public bool Tty { get; init; }

    /// <summary>Whether stdin is a terminal to put in raw mode (with <see cref="Tty"/>).</summary>
    public bool InputIsTerminal { get; init; }

    public ITerminal Terminal { get; init; } = NoTerminal.Instance;

    /// <summary>The detach sequence the daemon was given (docker's default ctrl-p,ctrl-q when none was).</summary>
    public byte[] DetachKeys { get; init; } = DetachKeyParser.Default;

    /// <summary>How long the daemon gets to close the connection after the detach keys went through.</summary>
    public TimeSpan DetachGrace { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Runs until the output ends (or, without output streams, until the input ends).</summary>
    public async Task<SessionEnd> RunAsync(CancellationToken ct)
    {
        IDisposable? raw = null;
        if (Input is not null && Tty && InputIsTerminal) raw = Terminal.MakeStdinRaw();
        var restore = new RestoreOnce(raw);
        try
        {
            var watcher = new DetachWatcher(DetachKeys);
            var output = Stdout is null && Stderr is null ? null : PumpOutputAsync(restore, ct);
            var input = PumpInputAsync(watcher, restore, ct);
            if (output is null)
            {
                await input.ConfigureAwait(false);
                return SessionEnd.OutputEnded;
            }
            // The daemon lets go after the detach keys; should it keep the connection (an exec whose process
            // goes on), the session ends here all the same.
            var letGo = watcher.MatchedTask.ContinueWith(_ => Task.Delay(DetachGrace), TaskScheduler.Default).Unwrap();
            if (await Task.WhenAny(output, letGo).ConfigureAwait(false) != output)
            {
                Connection.Dispose();
                try { await output.ConfigureAwait(false); }
                catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException) { }
                return SessionEnd.Detached;
            }
            await output.ConfigureAwait(false);
            return Input is not null && watcher.Matched ? SessionEnd.Detached : SessionEnd.OutputEnded;
        }
        finally
        {
            restore.Dispose();
        }
    }

    async Task PumpOutputAsync(RestoreOnce restore, CancellationToken ct)
    {
        try
        {
            if (Tty)
            {
                var target = Stdout ?? Stderr!;
                var buffer = new byte[32 * 1024];
                while (true)
                {
                    var n = await Connection.ReadAsync(buffer, ct).ConfigureAwait(false);
                    if (n == 0) break;
                    await target.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                    await target.FlushAsync(ct).ConfigureAwait(false);
                }
            }
            else
            {
                await StdCopy.CopyAsync(Connection, Stdout, Stderr, ct).ConfigureAwait(false);
            }
        }
        catch (IOException) when (!ct.IsCancellationRequested)
        {
            // A reset connection ends the output like a clean close: the exit status tells the rest.
        }
        finally
        {
            // Restore the terminal before anything else is printed.
            restore.Dispose();
        }
    }

    Task PumpInputAsync(DetachWatcher watcher, RestoreOnce restore, CancellationToken ct)
    {
        if (Input is null) return Connection.CloseWriteAsync();
        // A read from a terminal cannot be cancelled: run it on its own so the session can end without it.
        return Task.Run(async () =>
        {
            var buffer = new byte[4096];
            try
            {
                while (true)
                {
                    var n = await Input.ReadAsync(buffer, ct).ConfigureAwait(false);
                    if (n == 0) break;
                    watcher.Feed(buffer.AsSpan(0, n));
                    await Connection.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                    await Connection.FlushAsync(ct).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
            {
                // The connection went away; the output side reports how the session ended.
            }
            restore.Dispose();
            await Connection.CloseWriteAsync().ConfigureAwait(false);
        }, CancellationToken.None);
    }

    /// <summary>Restores the terminal once, from whichever side ends first.</summary>
    sealed class RestoreOnce(IDisposable? inner) : IDisposable
    {
        int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) inner?.Dispose();
        }
    }
}

/// <summary>Follows input bytes through the detach sequence the way the daemon's escape proxy matches it.</summary>
public sealed class DetachWatcher(byte[] keys)
{
    readonly TaskCompletionSource _matched = new(TaskCreationOptions.RunContinuationsAsynchronously);
    int _pos;

    /// <summary>Whether the input has gone through the whole sequence (the daemon detaches there).</summary>
    public bool Matched => _matched.Task.IsCompleted;

    /// <summary>Completes when the sequence has gone through.</summary>
    public Task MatchedTask => _matched.Task;

    public void Feed(ReadOnlySpan<byte> data)
    {
        if (keys.Length == 0) return;
        foreach (var b in data)
        {
            if (Matched) return;
            if (b == keys[_pos])
            {
                _pos++;
                if (_pos == keys.Length) _matched.TrySetResult();
                continue;
            }
            _pos = b == keys[0] ? 1 : 0;
        }
    }
}
