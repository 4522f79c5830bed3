using System.Text.Json.Nodes;
using Wharf.Engine.Images;

namespace Wharf.Engine.Containers;

public sealed partial class ContainerService
{
    /// <summary>
    /// At wharfd start: reconnects to the shims of containers that kept running (live restore), records
    /// the exits that happened while wharfd was away, and starts containers whose restart policy asks.
    /// </summary>
    public async Task<string> RestoreAsync(CancellationToken ct)
    {
        int reconnected = 0, exited = 0, restarted = 0;
        foreach (var c in _containers.Values.ToList())
        {
            if (!c.State.Running) continue;
            var stateDir = ShimDir(c.Id);
            bool alive;
            try
            {
                await ShimClient.CallAsync(stateDir, new JsonObject { ["op"] = "state" }, ct);
                alive = true;
            }
            catch (Exception)
            {
                alive = false;
            }
            if (alive)
            {
                c.HeldVolumes.AddRange(VolumeNames(c));
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                c.Exited = done;
                c.ShimReady.TrySetResult(stateDir);
                InitHealth(c);
                _ = WatchExitAsync(c, stateDir, done);
                reconnected++;
                continue;
            }
            // The shim is gone: its exit record says how the container ended; without one it was killed with it.
            var file = Path.Combine(stateDir, "exit.json");
            var exit = File.Exists(file) ? JsonNode.Parse(File.ReadAllText(file)) as JsonObject : null;
            c.State.Running = false;
            c.State.Status = "exited";
            c.State.Pid = 0;
            c.State.ExitCode = exit?["exitCode"]?.GetValue<int>() ?? 137;
            c.State.OOMKilled = exit?["oomKilled"]?.GetValue<bool>() ?? false;
            c.State.FinishedAt = exit?["finishedAt"]?.GetValue<string>() ?? ImageConfigFile.Rfc3339(DateTimeOffset.UtcNow);
            Unmount(c);
            await Engine.Networks.DisconnectAsync(c.Doc, ct);
            Save(c);
            PublishDie(c);
            exited++;
        }
        Engine.Volumes.Reconcile(_containers.Values.SelectMany(c => c.HeldVolumes));
        var network = await Engine.Networks.ReconcileAsync(_containers.Values.Select(c => c.Doc).ToList(), ct);
        foreach (var c in _containers.Values.ToList())
        {
            if (c.State.Running || !ShouldRestart(c, daemonStart: true)) continue;
            try
            {
                await StartAsync(c.Id, ct);
                restarted++;
            }
            catch (WharfException) { }
        }
        return $"containers: {reconnected} reconnected, {exited} exited while the daemon was down, {restarted} restarted by policy; {network}";
    }

    /// <summary>Docker's restart policies; <paramref name="daemonStart"/> is the "daemon came up" case.</summary>
    private static bool ShouldRestart(Container c, bool daemonStart)
    {
        var policy = c.Doc.HostConfig?.RestartPolicy;
        var name = policy?.Name ?? "no";
        if (c.Doc.HostConfig?.AutoRemove == true) return false;
        return name switch
        {
            "always" => !c.StoppedByUser || daemonStart,
            "unless-stopped" => !c.StoppedByUser,
            "on-failure" => !c.StoppedByUser && !daemonStart && c.State.ExitCode != 0 &&
                            (policy!.MaximumRetryCount <= 0 || c.Doc.RestartCount < policy.MaximumRetryCount),
            _ => false,
        };
    }

    /// <summary>After an exit: restarts per policy with Docker's back-off (100 ms doubling, reset after 10 s up).</summary>
    private async Task MaybeRestartAsync(Container c)
    {
        if (!ShouldRestart(c, daemonStart: false) || !_containers.ContainsKey(c.Id)) return;
        var ranFor = DateTimeOffset.TryParse(c.State.StartedAt, out var started) && DateTimeOffset.TryParse(c.State.FinishedAt, out var finished)
            ? finished - started : TimeSpan.Zero;
        c.Backoff = ranFor > TimeSpan.FromSeconds(10) ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromTicks(Math.Min(c.Backoff.Ticks * 2, TimeSpan.FromMinutes(1).Ticks));
        // As Docker: the count goes up and the state reads "restarting" for the whole back-off,
        // so nobody sees "exited" with a restart still to come.
        await c.Lock.WaitAsync();
        try
        {
            c.Doc.RestartCount++;
            c.State.Restarting = true;
            c.State.Status = "restarting";
            Save(c);
        }
        finally { c.Lock.Release(); }
        try
        {
            await Task.Delay(c.Backoff);
            if (c.StoppedByUser || !_containers.ContainsKey(c.Id)) return;
            // Docker reports only `start` for a policy restart; `restart` is the user's verb.
            await StartAsync(c.Id, CancellationToken.None, byPolicy: true);
        }
        catch (WharfException) { }
        finally
        {
            await c.Lock.WaitAsync();
            try
            {
                c.State.Restarting = false;
                if (c.State.Status == "restarting")
                {
                    c.State.Status = "exited";
                    if (_containers.ContainsKey(c.Id)) Save(c);
                }
            }
            finally { c.Lock.Release(); }
        }
    }
}
