using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Wharf.Api.Models;
using Wharf.Engine.Images;
using Wharf.Engine.Native;
using Wharf.Engine.Runtime;
using Wharf.Engine.Util;

namespace Wharf.Engine.Containers;

public sealed partial class ContainerService
{
    /// <summary>POST /containers/{id}/start; false when it already runs (Docker's 304).</summary>
    public async Task<bool> StartAsync(string idOrName, CancellationToken ct, bool byPolicy = false)
    {
        var c = Get(idOrName);
        await c.Lock.WaitAsync(ct);
        try
        {
            if (c.State.Running) return false;
            // A user's stop wins over a restart the policy scheduled before it.
            if (byPolicy && c.StoppedByUser) return false;
            // Only a user's start clears a user's stop: a stop that arrives while a policy restart is
            // starting the container must still win once the start is done.
            if (!byPolicy) MarkStoppedByUser(c, false);
            await StartLockedAsync(c, ct);
            return true;
        }
        finally { c.Lock.Release(); }
    }

    private async Task StartLockedAsync(Container c, CancellationToken ct)
    {
        var dir = Dir(c.Id);
        var rootfs = Path.Combine(dir, "rootfs");
        var config = c.Doc.Config!;
        var hc = c.Doc.HostConfig!;
        try
        {
            var joined = JoinNetworkContainer(c);
            var (linkHosts, linkEnv) = ResolveLinks(c);
            MountRootfs(c, rootfs);
            if (joined is null) WriteGeneratedFiles(c, linkHosts);
            var cgroupVersion = int.Parse(Engine.HostInfo.CgroupVersion);
            var mounts = PrepareMounts(c);
            var netns = await Engine.Networks.ConnectAsync(c.Doc, ct);
            var spec = new OciSpecBuilder().Build(new OciSpecRequest
            {
                ContainerId = c.Id,
                Mounts = mounts,
                NetworkNamespacePath = netns,
                Config = config,
                HostConfig = hc,
                RootfsPath = rootfs,
                HostnamePath = c.Doc.HostnamePath,
                HostsPath = c.Doc.HostsPath,
                ResolvConfPath = c.Doc.ResolvConfPath,
                CgroupParent = "/" + _options.CgroupParent.Trim('/'),
                CgroupVersion = cgroupVersion,
                Namespaces = new ContainerNamespaces(this, atCreate: false),
                ExtraEnv = linkEnv,
            });
            await OciSpecBuilder.WriteAsync(spec.Spec, dir, ct);
            var stateDir = ShimDir(c.Id);
            if (Directory.Exists(stateDir)) Directory.Delete(stateDir, true);
            Directory.CreateDirectory(stateDir);
            var ready = await LaunchShimAsync(c, dir, stateDir, ct);
            var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            c.Exited = exited;
            // Attach clients that asked before the start connect now, then the process starts.
            List<TaskCompletionSource> waiting;
            lock (c.PendingAttaches) { waiting = [.. c.PendingAttaches]; c.PendingAttaches.Clear(); }
            var shimReady = c.ShimReady;
            shimReady.TrySetResult(stateDir);
            foreach (var w in waiting) await w.Task.WaitAsync(TimeSpan.FromSeconds(5), ct).ContinueWith(_ => { }, TaskScheduler.Default);
            await ShimClient.CallAsync(stateDir, new JsonObject { ["op"] = "start" }, ct);
            c.State.Status = "running";
            c.State.Running = true;
            c.State.Restarting = false;
            c.State.Paused = false;
            c.State.Pid = ready;
            c.State.ExitCode = 0;
            c.State.Error = "";
            c.State.OOMKilled = false;
            c.State.StartedAt = ImageConfigFile.Rfc3339(DateTimeOffset.UtcNow);
            c.State.FinishedAt = Api.Models.ContainerState.ZeroTime;
            InitHealth(c);
            Save(c);
            Publish(c, "start");
            _ = WatchExitAsync(c, stateDir, exited);
        }
        catch (Exception e)
        {
            Unmount(c);
            ReleaseMounts(c);
            await Engine.Networks.DisconnectAsync(c.Doc, CancellationToken.None);
            c.State.Error = e.Message;
            // A --rm container whose start failed goes away, as Docker does; waiters on "removed" return.
            if (hc.AutoRemove) _ = Task.Run(async () =>
            {
                await Task.Delay(100);
                try { await RemoveAsync(c.Id, force: true, volumes: true, CancellationToken.None); } catch (WharfException) { }
            });
            c.State.ExitCode = e.Message.Contains("executable file not found", StringComparison.Ordinal) || e.Message.Contains("no such file or directory", StringComparison.Ordinal) ? 127
                : e.Message.Contains("permission denied", StringComparison.Ordinal) ? 126 : 128;
            Save(c);
            if (e is WharfException) throw;
            throw new WharfException($"failed to create task for container: {e.Message}: unknown", 500, e);
        }
    }

    private async Task<int> LaunchShimAsync(Container c, string bundle, string stateDir, CancellationToken ct)
    {
        var config = c.Doc.Config!;
        var hc = c.Doc.HostConfig!;
        var psi = new ProcessStartInfo(ShimBinary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        AddRuntimeOptions(psi, hc);
        string[] args =
        [
            "--id", c.Id, "--bundle", bundle, "--runtime-root", _options.EffectiveRuntimeRoot,
            "--state-dir", stateDir, "--log-driver", hc.LogConfig?.Type is { Length: > 0 } t ? t : _options.LogDriver,
            "--log-path", c.Doc.LogPath is { Length: > 0 } lp ? lp : Path.Combine(bundle, "unused.log"), "--wait-start",
        ];
        foreach (var a in args) psi.ArgumentList.Add(a);
        var opts = new Dictionary<string, string>(_options.LogOpts);
        foreach (var (k, v) in hc.LogConfig?.Config ?? []) opts[k] = v;
        foreach (var (k, v) in opts) { psi.ArgumentList.Add("--log-opt"); psi.ArgumentList.Add($"{k}={v}"); }
        if (config.Tty) psi.ArgumentList.Add("--tty");
        if (config.OpenStdin) psi.ArgumentList.Add("--stdin");
        if (hc.ConsoleSize is { Count: 2 } size && size[0] > 0)
        {
            psi.ArgumentList.Add("--console-size");
            psi.ArgumentList.Add($"{size[0]},{size[1]}");
        }
        using var p = Process.Start(psi) ?? throw new WharfException("cannot start wharf-shim");
        using var streams = p.OwnStreams();
        var line = await p.StandardOutput.ReadLineAsync(ct);
        var err = await p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        if (string.IsNullOrEmpty(line)) throw new WharfException($"wharf-shim failed: {err.Trim()}");
        var answer = JsonNode.Parse(line) as JsonObject ?? throw new WharfException("wharf-shim answered nonsense");
        if (answer["error"] is JsonValue e) throw new BadRequestException($"failed to create task for container: {e.GetValue<string>()}: unknown");
        return answer["pid"]?.GetValue<int>() ?? 0;
    }

    private async Task WatchExitAsync(Container c, string stateDir, TaskCompletionSource exited)
    {
        JsonObject? exit = null;
        try
        {
            exit = await ShimClient.CallAsync(stateDir, new JsonObject { ["op"] = "wait" }, CancellationToken.None);
        }
        catch (Exception)
        {
            var file = Path.Combine(stateDir, "exit.json");
            if (File.Exists(file)) exit = JsonNode.Parse(File.ReadAllText(file)) as JsonObject;
        }
        await c.Lock.WaitAsync();
        try
        {
            StopHealthMonitor(c);
            c.State.Running = false;
            c.State.Paused = false;
            c.State.Status = "exited";
            c.State.Pid = 0;
            c.State.ExitCode = exit?["exitCode"]?.GetValue<int>() ?? 137;
            c.State.OOMKilled = exit?["oomKilled"]?.GetValue<bool>() ?? false;
            c.State.FinishedAt = exit?["finishedAt"]?.GetValue<string>() ?? ImageConfigFile.Rfc3339(DateTimeOffset.UtcNow);
            c.ShimReady = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            Unmount(c);
            ReleaseMounts(c);
            await Engine.Networks.DisconnectAsync(c.Doc, CancellationToken.None);
            Save(c);
        }
        finally { c.Lock.Release(); }
        if (c.State.OOMKilled) Publish(c, "oom");
        PublishDie(c);
        exited.TrySetResult();
        if (c.Doc.HostConfig?.AutoRemove == true)
            try { await RemoveAsync(c.Id, force: true, volumes: true, CancellationToken.None); } catch (NotFoundException) { }
        else
            await MaybeRestartAsync(c);
    }

    /// <summary>The `die` event with Docker's attributes: the exit code and how many whole seconds the run lasted.</summary>
    private void PublishDie(Container c)
    {
        var ran = DateTimeOffset.TryParse(c.State.StartedAt, out var started) && DateTimeOffset.TryParse(c.State.FinishedAt, out var finished)
            ? (long)Math.Max(0, (finished - started).TotalSeconds) : 0;
        Publish(c, "die", new() { ["exitCode"] = c.State.ExitCode.ToString(), ["execDuration"] = ran.ToString() });
    }

    /// <summary>POST /containers/{id}/restart: stop if running, start, then the `restart` event (policy restarts have none).</summary>
    public async Task RestartAsync(string idOrName, int? timeoutSeconds, string? signal, CancellationToken ct)
    {
        var c = Get(idOrName);
        await StopAsync(c.Id, timeoutSeconds, signal, ct);
        await StartAsync(c.Id, ct);
        Publish(c, "restart");
    }

    /// <summary>The shim hung up on a signal: true when that was the container's process ending (its exit follows).</summary>
    private static async Task<bool> ExitsSoonAsync(Container c)
    {
        try
        {
            await c.Exited.Task.WaitAsync(TimeSpan.FromSeconds(2));
            return true;
        }
        catch (TimeoutException) { return false; }
    }

    /// <summary>POST /containers/{id}/kill.</summary>
    public async Task KillAsync(string idOrName, string? signal, CancellationToken ct)
    {
        var c = Get(idOrName);
        if (!c.State.Running) throw new ConflictException($"cannot kill container: {idOrName}: container {c.Id} is not running");
        int sig = ParseSignal(signal ?? "KILL");
        try
        {
            await ShimClient.CallAsync(ShimDir(c.Id), new JsonObject { ["op"] = "kill", ["signal"] = sig, ["all"] = false }, ct);
        }
        catch (Exception e) when (e is WharfException { StatusCode: 500 } && e.Message.Contains("not running", StringComparison.Ordinal)
                                   || e is IOException or System.Net.Sockets.SocketException)
        {
            // The process ended between the state check and the signal (the shim may hang up as it
            // records the exit): a 409 as for any container that is not running.
            if (e is not WharfException && !await ExitsSoonAsync(c)) throw;
            throw new ConflictException($"cannot kill container: {idOrName}: container {c.Id} is not running");
        }
        Publish(c, "kill", new() { ["signal"] = sig.ToString() });
    }

    // A user's stop is remembered on disk: `unless-stopped` must honour it after a daemon restart.
    private void MarkStoppedByUser(Container c, bool stopped)
    {
        c.StoppedByUser = stopped;
        var marker = Path.Combine(Dir(c.Id), "stopped-by-user");
        if (stopped) File.WriteAllText(marker, "");
        else File.Delete(marker);
    }

    /// <summary>POST /containers/{id}/resize: the TTY size, so SIGWINCH reaches the container.</summary>
    public async Task ResizeAsync(string idOrName, int height, int width, CancellationToken ct)
    {
        var c = Get(idOrName);
        if (!c.State.Running) throw new ConflictException($"Container {c.Id} is not running");
        if (c.Doc.Config?.Tty == true)
        {
            try
            {
                await ShimClient.CallAsync(ShimDir(c.Id), new JsonObject { ["op"] = "resize", ["rows"] = height, ["cols"] = width }, ct);
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
            {
                // The container is exiting: its terminal is gone, nothing to resize.
                return;
            }
        }
        // As Docker: reported whenever the runtime accepted it (a container without a terminal accepts and ignores it).
        Publish(c, "resize", new() { ["height"] = height.ToString(), ["width"] = width.ToString() });
    }

    /// <summary>POST /containers/{id}/stop: the stop signal, then SIGKILL after the timeout; false if not running (304).</summary>
    public async Task<bool> StopAsync(string idOrName, int? timeoutSeconds, string? signal, CancellationToken ct)
    {
        var c = Get(idOrName);
        // Also cancels a policy restart waiting in its back-off.
        MarkStoppedByUser(c, true);
        // Wait for a start in progress (a policy restart) so it is either skipped or stopped here.
        await c.Lock.WaitAsync(ct);
        bool running = c.State.Running;
        if (c.State.Status == "restarting")
        {
            c.State.Status = "exited";
            c.State.Restarting = false;
            Save(c);
        }
        c.Lock.Release();
        if (!running) return false;
        var stopSignal = signal ?? c.Doc.Config?.StopSignal ?? "TERM";
        int timeout = timeoutSeconds ?? c.Doc.Config?.StopTimeout ?? 10;
        try { await KillAsync(c.Id, stopSignal, ct); }
        catch (ConflictException)
        {
            // Already exiting: return once the exit is recorded, as a stop that signalled it would.
            await c.Exited.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
            Publish(c, "stop");
            return true;
        }
        if (timeout < 0) await c.Exited.Task.WaitAsync(ct);
        else
        {
            try { await c.Exited.Task.WaitAsync(TimeSpan.FromSeconds(timeout), ct); }
            catch (TimeoutException)
            {
                try { await KillAsync(c.Id, "KILL", ct); } catch (ConflictException) { }
                await c.Exited.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
            }
        }
        Publish(c, "stop");
        return true;
    }

    /// <summary>POST /containers/{id}/wait with Docker's conditions.</summary>
    public async Task<int> WaitAsync(string idOrName, string? condition, CancellationToken ct)
    {
        var c = Get(idOrName);
        switch (condition)
        {
            case "removed":
                // The exit code of the run that ends in removal (also when asked before the start).
                await c.Removed.Task.WaitAsync(ct);
                return c.State.ExitCode;
            case "next-exit":
                // The next exit: the current run if one is on, else the one after the next start.
                if (!c.State.Running)
                {
                    var ready = c.ShimReady.Task;
                    await ready.WaitAsync(ct);
                }
                await c.Exited.Task.WaitAsync(ct);
                return c.State.ExitCode;
            case null or "" or "not-running":
                if (c.State.Running) await c.Exited.Task.WaitAsync(ct);
                return c.State.ExitCode;
            default:
                throw new BadRequestException($"invalid condition: \"{condition}\"");
        }
    }

    internal static int ParseSignal(string signal)
    {
        var s = signal.ToUpperInvariant();
        if (int.TryParse(s, out var n) && n is > 0 and < 65) return n;
        if (s.StartsWith("SIG", StringComparison.Ordinal)) s = s[3..];
        return s switch
        {
            "HUP" => 1, "INT" => 2, "QUIT" => 3, "ILL" => 4, "TRAP" => 5, "ABRT" or "IOT" => 6, "BUS" => 7, "FPE" => 8,
            "KILL" => 9, "USR1" => 10, "SEGV" => 11, "USR2" => 12, "PIPE" => 13, "ALRM" => 14, "TERM" => 15,
            "STKFLT" => 16, "CHLD" => 17, "CONT" => 18, "STOP" => 19, "TSTP" => 20, "TTIN" => 21, "TTOU" => 22,
            "URG" => 23, "XCPU" => 24, "XFSZ" => 25, "VTALRM" => 26, "PROF" => 27, "WINCH" => 28, "IO" or "POLL" => 29,
            "PWR" => 30, "SYS" => 31,
            _ => throw new BadRequestException($"invalid signal: {signal}"),
        };
    }
}
