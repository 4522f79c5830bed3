using System.Diagnostics;
using Wharf.Engine.Util;

namespace Wharf.Engine.Containers;

public sealed partial class ContainerService
{
    /// <summary>POST /containers/{id}/pause and /unpause: the runtime freezes or thaws the cgroup.</summary>
    public async Task SetPausedAsync(string idOrName, bool pause, CancellationToken ct)
    {
        var c = Get(idOrName);
        await c.Lock.WaitAsync(ct);
        try
        {
            if (!c.State.Running) throw new ConflictException($"Container {c.Id} is not running");
            if (pause && c.State.Paused) throw new ConflictException($"Container {c.Id} is already paused");
            if (!pause && !c.State.Paused) throw new ConflictException($"Container {c.Id} is not paused");
            var runtime = RuntimePath(c.Doc.HostConfig);
            var psi = new ProcessStartInfo(runtime) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var a in RuntimeArgs(c.Doc.HostConfig).Concat(["--root", _options.EffectiveRuntimeRoot, pause ? "pause" : "resume", c.Id])) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            using var streams = p.OwnStreams();
            var err = await p.StandardError.ReadToEndAsync(ct);
            await p.WaitForExitAsync(ct);
            if (p.ExitCode != 0) throw new WharfException($"{(pause ? "pausing" : "unpausing")} container {c.Id}: {err.Trim()}");
            c.State.Paused = pause;
            c.State.Status = pause ? "paused" : "running";
            UpdateHealthMonitor(c);
            Save(c);
        }
        finally { c.Lock.Release(); }
        Publish(c, pause ? "pause" : "unpause");
    }
}
