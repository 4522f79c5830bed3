using System.Net.Sockets;
using System.Text.Json.Nodes;
using Wharf.Api.Models;
using Wharf.Engine.Images;

namespace Wharf.Engine.Containers;

public sealed partial class ContainerService
{
    /// <summary>How long a probe may take to start before it counts as failed (the timeout runs from its start).</summary>
    private static readonly TimeSpan ProbeLaunchLimit = TimeSpan.FromSeconds(30);

    /// <summary>
    /// At each start (and when wharfd reconnects to a running container): the health status becomes
    /// "starting" with a zero streak, the log is kept, and a new monitor runs the probes.
    /// </summary>
    private void InitHealth(Container c)
    {
        if (!HealthRules.HasProbe(c.Doc.Config?.Healthcheck))
        {
            return;
        }
        StopHealthMonitor(c);
        c.State.Health = new ContainerHealth { Status = HealthRules.Starting, Log = c.State.Health?.Log ?? [] };
        UpdateHealthMonitor(c);
    }

    /// <summary>A monitor runs while the container runs unpaused; otherwise it is stopped (and the status is "unhealthy").</summary>
    private void UpdateHealthMonitor(Container c)
    {
        var config = c.Doc.Config?.Healthcheck;
        if (c.State.Health is null)
        {
            return;
        }
        if (!c.State.Running || c.State.Paused || !HealthRules.HasProbe(config))
        {
            StopHealthMonitor(c);
            return;
        }
        if (c.HealthMonitor is { Stopped: false })
        {
            return;
        }
        var startedAt = DateTimeOffset.TryParse(c.State.StartedAt, out var t) ? t : DateTimeOffset.UtcNow;
        var monitor = new HealthMonitor(
            token => RunProbeAsync(c, config!, token),
            () => HealthRules.NextDelay(config!, DateTimeOffset.UtcNow - startedAt, c.State.Health?.Status ?? HealthRules.Starting),
            (result, probeStart) => ApplyProbeResult(c, config!, result, probeStart - startedAt));
        c.HealthMonitor = monitor;
        monitor.Start();
    }

    /// <summary>Stops the monitor of the current run; Docker then shows the status as "unhealthy" (no event).</summary>
    private static void StopHealthMonitor(Container c)
    {
        if (c.HealthMonitor is not { } monitor)
        {
            return;
        }
        lock (monitor.Gate)
        {
            monitor.Stop();
            c.HealthMonitor = null;
            if (c.State.Health is { } h)
            {
                c.State.Health = new ContainerHealth { Status = HealthRules.Unhealthy, FailingStreak = h.FailingStreak, Log = h.Log };
            }
        }
    }

    private void ApplyProbeResult(Container c, HealthConfig config, HealthcheckResult result, TimeSpan probeStartSinceStart)
    {
        var before = c.State.Health ?? new ContainerHealth { Status = HealthRules.Starting };
        var after = HealthRules.Apply(before, result, config, probeStartSinceStart);
        c.State.Health = after;
        if (after.Status != before.Status)
        {
            Publish(c, "health_status: " + after.Status);
        }
    }

    /// <summary>
    /// One probe, through the exec path (so it has Docker's exec_create, exec_start and exec_die events):
    /// the command runs as the container's user in its working directory, without a terminal; its output
    /// is kept up to 4 KiB; past the timeout the process is killed and the result is exit code -1.
    /// </summary>
    private async Task<HealthcheckResult> RunProbeAsync(Container c, HealthConfig config, CancellationToken stop)
    {
        var command = HealthRules.ProbeCommand(config, c.Doc.Config?.Shell);
        if (command.Count == 0)
        {
            throw new WharfException($"healthcheck for container {c.Id} has no command");
        }
        var e = RegisterExec(c, new ExecConfig
        {
            Cmd = command,
            AttachStdout = true,
            AttachStderr = true,
            User = c.Doc.Config?.User,
            WorkingDir = c.Doc.Config?.WorkingDir is { Length: > 0 } wd ? wd : null,
            DetachKeys = "",
        });
        try
        {
            var output = new ProbeOutput();
            var run = StartExecAsync(e.Id, new ExecStartConfig(), output, CancellationToken.None);
            var launched = await Task.WhenAny(run, e.Launched.Task, Task.Delay(ProbeLaunchLimit, stop));
            if (stop.IsCancellationRequested)
            {
                await KillProbeAsync(e, run);
                stop.ThrowIfCancellationRequested();
            }
            if (launched == run)
            {
                await run; // a failure to start surfaces here
            }
            else if (!e.Launched.Task.IsCompleted)
            {
                throw new WharfException($"timed out starting health check for container {c.Id}");
            }
            if (e.StartError is { } startError)
            {
                throw new WharfException(startError);
            }
            var timeout = HealthRules.OrDefault(config.Timeout, HealthRules.DefaultTimeout);
            var finished = await Task.WhenAny(run, Task.Delay(timeout, stop));
            if (finished != run)
            {
                await KillProbeAsync(e, run);
                stop.ThrowIfCancellationRequested();
                return new HealthcheckResult
                {
                    ExitCode = -1,
                    Output = HealthRules.TimeoutMessage(timeout, output.Text),
                    End = ImageConfigFile.Rfc3339(DateTimeOffset.UtcNow),
                };
            }
            await run;
            return new HealthcheckResult
            {
                ExitCode = e.ExitCode ?? throw new WharfException($"healthcheck for container {c.Id} has no exit code"),
                Output = output.Text,
                End = ImageConfigFile.Rfc3339(DateTimeOffset.UtcNow),
            };
        }
        finally
        {
            // Probes are not kept for `docker exec inspect` once done: there is one every interval.
            _execs.TryRemove(e.Id, out _);
        }
    }

    /// <summary>SIGKILL to the probe process through its exec shim, then waits (bounded) for the exec to end.</summary>
    private static async Task KillProbeAsync(ExecInstance e, Task run)
    {
        if (e.Running && e.StateDir.Length > 0)
        {
            try
            {
                await ShimClient.CallAsync(e.StateDir, new JsonObject { ["op"] = "kill", ["signal"] = 9, ["all"] = false }, CancellationToken.None);
            }
            catch (Exception ex) when (ex is IOException or SocketException or WharfException)
            {
                // Already gone.
            }
        }
        await run.WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
