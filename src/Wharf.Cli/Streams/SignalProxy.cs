using System.Runtime.InteropServices;

namespace Wharf.Cli.Streams;

/// <summary>
/// --sig-proxy: while alive, catches the signals a user sends the CLI (Ctrl-C's SIGINT, kill's SIGTERM, ...) and
/// forwards each to the container by name through the kill endpoint instead of letting them end the CLI.
/// </summary>
public sealed class SignalProxy : IDisposable
{
    static readonly (PosixSignal Signal, string Name)[] Forwarded =
    [
        (PosixSignal.SIGHUP, "HUP"), (PosixSignal.SIGINT, "INT"), (PosixSignal.SIGQUIT, "QUIT"), (PosixSignal.SIGTERM, "TERM"),
        ((PosixSignal)10, "USR1"), ((PosixSignal)12, "USR2"), ((PosixSignal)14, "ALRM"),
    ];

    readonly List<PosixSignalRegistration> _registrations = [];

    SignalProxy(Func<string, Task> forward)
    {
        foreach (var (signal, name) in Forwarded)
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, ctx =>
            {
                ctx.Cancel = true;
                _ = ForwardAsync(forward, name);
            }));
        }
    }

    /// <summary>Starts forwarding; <paramref name="forward"/> receives docker's signal name ("INT", "TERM").</summary>
    public static SignalProxy Start(Func<string, Task> forward) => new(forward);

    static async Task ForwardAsync(Func<string, Task> forward, string name)
    {
        try
        {
            await forward(name).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Docker only logs a failed forward at debug level.
        }
    }

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _registrations.Clear();
    }
}
