using Wharf.Api.Client;
using Wharf.Cli.Parsing;
using Wharf.Cli.Streams;

namespace Wharf.Cli.Commands;

/// <summary>What run, start -a, attach and exec share: hijacked sessions on the console, signals, resizing, exit codes.</summary>
internal static class Attacher
{
    /// <summary>A session over <paramref name="connection"/> with the console's streams (stderr goes to stdout under a TTY).</summary>
    public static HijackSession Session(CommandContext ctx, HijackedStream connection, bool stdin, bool stdout, bool stderr, bool tty,
        string? detachKeys)
    {
        ctx.Out.Flush();
        var console = ctx.Console;
        return new HijackSession
        {
            Connection = connection,
            Input = stdin ? console.InStream : null,
            Stdout = stdout ? console.OutStream : null,
            Stderr = stderr ? (tty ? console.OutStream : console.ErrStream) : null,
            Tty = tty,
            InputIsTerminal = console.InIsTerminal,
            Terminal = console.Terminal,
            DetachKeys = DetachKeyParser.ParseOrDefault(detachKeys),
        };
    }

    /// <summary>docker's CheckTty: a TTY with stdin attached needs a terminal on stdin.</summary>
    public static void CheckTty(CommandContext ctx, bool attachStdin, bool tty)
    {
        if (tty && attachStdin && !ctx.Console.InIsTerminal) throw new CliException("the input device is not a TTY");
    }

    /// <summary>Validates --detach-keys before anything is created.</summary>
    public static void CheckDetachKeys(string? keys, int exitCode = 1)
    {
        try
        {
            DetachKeyParser.ParseOrDefault(keys);
        }
        catch (FormatException e)
        {
            throw new CliException(e.Message, exitCode);
        }
    }

    /// <summary>Forwards signals to the container while the returned handle lives.</summary>
    public static IDisposable ProxySignals(CommandContext ctx, string containerId)
    {
        ctx.App.ProxySignals = true;
        var proxy = SignalProxy.Start(sig => ctx.Client.KillContainerAsync(containerId, sig));
        return new Callback(() =>
        {
            proxy.Dispose();
            ctx.App.ProxySignals = false;
        });
    }

    /// <summary>Keeps the container's (or exec's) TTY the size of the terminal when stdout is one.</summary>
    public static IDisposable? MonitorSize(CommandContext ctx, Func<int, int, Task> resize) =>
        ctx.Console.OutIsTerminal ? TtyResizer.Start(ctx.Console.Terminal, resize, ctx.Err) : null;

    /// <summary>Reads a registered wait's status as docker's waitExitOrRemoved does: 125 when waiting failed.</summary>
    public static async Task<int> StatusAsync(CommandContext ctx, ContainerWaitHandle wait)
    {
        try
        {
            var r = await wait.ResultAsync(CancellationToken.None).ConfigureAwait(false);
            if (r.Error is { Message.Length: > 0 } err)
            {
                ctx.Err.Write($"Error waiting for container: {err.Message}\n");
                return 125;
            }
            return (int)r.StatusCode;
        }
        catch (Exception e) when (e is WharfApiException or HttpRequestException or IOException)
        {
            ctx.Err.Write($"error waiting for container: {e.Message}\n");
            return 125;
        }
    }

    sealed class Callback(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
