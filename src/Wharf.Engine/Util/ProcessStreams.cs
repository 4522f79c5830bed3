using System.Diagnostics;

namespace Wharf.Engine.Util;

/// <summary>
/// Process.Dispose does not close a child's redirected stdin/stdout/stderr pipes: it leaves them to
/// the finalizer, so a daemon that starts a process per container would hold two descriptors per start
/// until a full GC happens to run. <c>using var _ = p.OwnStreams();</c> closes them deterministically.
/// </summary>
internal static class ProcessStreams
{
    public static IDisposable OwnStreams(this Process p) => new Owner(p);

    private sealed class Owner(Process p) : IDisposable
    {
        public void Dispose()
        {
            var si = p.StartInfo;
            if (si.RedirectStandardInput) try { p.StandardInput.Dispose(); } catch (IOException) { }
            if (si.RedirectStandardOutput) p.StandardOutput.Dispose();
            if (si.RedirectStandardError) p.StandardError.Dispose();
        }
    }
}
