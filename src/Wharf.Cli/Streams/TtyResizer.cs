using System.Runtime.InteropServices;

namespace Wharf.Cli.Streams;

/// <summary>
/// Keeps a container's or exec's TTY the size of the local terminal: once at start (retried briefly, as the process
/// may not be up yet) and on every SIGWINCH.
/// </summary>
public sealed class TtyResizer : IDisposable
{
    readonly ITerminal _terminal;
    readonly Func<int, int, Task> _resize;
    readonly PosixSignalRegistration _winch;

    TtyResizer(ITerminal terminal, Func<int, int, Task> resize)
    {
        _terminal = terminal;
        _resize = resize;
        _winch = PosixSignalRegistration.Create(PosixSignal.SIGWINCH, ctx => { _ = ResizeAsync(); });
    }

    /// <summary>Sends the current size and follows changes; <paramref name="resize"/> gets (height, width).</summary>
    public static TtyResizer Start(ITerminal terminal, Func<int, int, Task> resize, TextWriter err)
    {
        var r = new TtyResizer(terminal, resize);
        _ = r.InitialAsync(err);
        return r;
    }

    async Task InitialAsync(TextWriter err)
    {
        if (await ResizeAsync().ConfigureAwait(false)) return;
        for (int retry = 0; retry < 10; retry++)
        {
            await Task.Delay((retry + 1) * 10).ConfigureAwait(false);
            if (await ResizeAsync().ConfigureAwait(false)) return;
        }
        await err.WriteLineAsync("failed to resize tty, using default size").ConfigureAwait(false);
    }

    async Task<bool> ResizeAsync()
    {
        if (_terminal.OutputSize() is not { } size || (size.Rows == 0 && size.Cols == 0)) return true;
        try
        {
            await _resize(size.Rows, size.Cols).ConfigureAwait(false);
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }

    public void Dispose() => _winch.Dispose();
}
