using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Wharf.Api.Models;
using Wharf.Engine.Runtime;
using Wharf.Engine.Util;

namespace Wharf.Engine.Containers;

/// <summary>An exec instance: created by POST /containers/{id}/exec, run by POST /exec/{id}/start.</summary>
public sealed class ExecInstance(string id, Container container, ExecConfig config)
{
    public string Id { get; } = id;
    public Container Container { get; } = container;
    public ExecConfig Config { get; } = config;
    public bool Started { get; set; }
    public bool Running { get; set; }
    public int? ExitCode { get; set; }
    public int Pid { get; set; }
    public string StateDir { get; set; } = "";
    /// <summary>The runtime's error when the process could not be started.</summary>
    public string? StartError { get; set; }
    /// <summary>Completed when the process has exited and its exit code is recorded.</summary>
    public TaskCompletionSource Exited { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>Completed once the process runs or failed to start.</summary>
    public TaskCompletionSource Launched { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

public sealed partial class ContainerService
{
    private readonly ConcurrentDictionary<string, ExecInstance> _execs = new();

    /// <summary>POST /containers/{id}/exec.</summary>
    public ExecCreateResponse CreateExec(string idOrName, ExecConfig config)
    {
        var c = Get(idOrName);
        if (config.Cmd is not { Count: > 0 } || config.Cmd.All(string.IsNullOrEmpty))
            throw new BadRequestException("No exec command specified");
        if (!c.State.Running) throw new ConflictException($"container {c.Id} is not running");
        if (c.State.Paused) throw new ConflictException($"container {c.Id} is paused, unpause the container before exec");
        if (config.WorkingDir is { Length: > 0 } wd && !wd.StartsWith('/'))
            throw new BadRequestException($"the working directory '{wd}' is invalid, it needs to be an absolute path");
        return new ExecCreateResponse { Id = RegisterExec(c, config).Id };
    }

    /// <summary>Records an exec instance and reports exec_create; for user execs and healthcheck probes alike.</summary>
    private ExecInstance RegisterExec(Container c, ExecConfig config)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var e = new ExecInstance(id, c, config);
        _execs[id] = e;
        Publish(c, "exec_create: " + ExecCommandLine(config), new() { ["execID"] = id });
        return e;
    }

    private static string ExecCommandLine(ExecConfig config) => config.Cmd![0] + " " + string.Join(' ', config.Cmd.Skip(1));

    /// <summary>Finds an exec instance by id (404 as Docker words it).</summary>
    public ExecInstance GetExec(string id) =>
        _execs.TryGetValue(id, out var e) ? e : throw new NotFoundException($"No such exec instance: {id}");

    /// <summary>GET /exec/{id}/json.</summary>
    public ExecInspectResponse InspectExec(string id)
    {
        var e = GetExec(id);
        return new ExecInspectResponse
        {
            ID = e.Id,
            ContainerID = e.Container.Id,
            Running = e.Running,
            ExitCode = e.ExitCode,
            Pid = e.Pid,
            CanRemove = false,
            DetachKeys = e.Config.DetachKeys ?? "",
            OpenStdin = e.Config.AttachStdin,
            OpenStdout = e.Config.AttachStdout,
            OpenStderr = e.Config.AttachStderr,
            ProcessConfig = new ExecProcessConfig
            {
                Privileged = e.Config.Privileged,
                User = e.Config.User ?? "",
                Tty = e.Config.Tty,
                Entrypoint = e.Config.Cmd![0],
                Arguments = [.. e.Config.Cmd.Skip(1)],
            },
        };
    }

    /// <summary>
    /// POST /exec/{id}/start. Detached (<paramref name="client"/> null): returns once the process runs.
    /// Attached: streams the process's output to the client (its input to the process) until it exits;
    /// a process that cannot start gets its error written to the client, as Docker does.
    /// </summary>
    public async Task StartExecAsync(string id, ExecStartConfig start, Stream? client, CancellationToken ct)
    {
        var e = GetExec(id);
        lock (e)
        {
            if (e.Started) throw new ConflictException($"Error: Exec command {id} has already run");
            e.Started = true;
        }
        var c = e.Container;
        if (!c.State.Running) throw new ConflictException($"container {c.Id} is not running");
        var detach = client is null;
        var size = start.ConsoleSize is [> 0, > 0, ..] s1 ? s1 : e.Config.ConsoleSize is [> 0, > 0, ..] s2 ? s2 : null;
        string stateDir = ExecStateDir(c, e);
        // Reported before the launch, as Docker does, so a process that cannot start has one too.
        Publish(c, "exec_start: " + ExecCommandLine(e.Config), new() { ["execID"] = e.Id });
        try
        {
            Directory.CreateDirectory(stateDir);
            var process = BuildExecProcess(c, e.Config, size);
            var processFile = Path.Combine(stateDir, "process.json");
            await File.WriteAllTextAsync(processFile, process.ToJsonString(), ct);
            e.StateDir = stateDir;
            var answer = await LaunchExecShimAsync(c, e, processFile, detach, size, ct);
            if (answer["error"] is JsonValue err)
            {
                var message = $"OCI runtime exec failed: {err.GetValue<string>()}: unknown";
                e.ExitCode = message.Contains("executable file not found", StringComparison.Ordinal) || message.Contains("no such file or directory", StringComparison.Ordinal) ? 127 : 126;
                e.StartError = message;
                e.Launched.TrySetResult();
                e.Exited.TrySetResult();
                TryDeleteDir(stateDir);
                if (detach) throw new WharfException(message);
                var bytes = Encoding.UTF8.GetBytes(message + "\r\n");
                if (!e.Config.Tty)
                {
                    var header = new byte[8];
                    header[0] = 1;
                    System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)bytes.Length);
                    await client!.WriteAsync(header, ct);
                }
                await client!.WriteAsync(bytes, ct);
                await client.FlushAsync(ct);
                return;
            }
            e.Pid = answer["pid"]?.GetValue<int>() ?? 0;
            e.Running = true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            e.ExitCode = 126;
            e.StartError = $"exec failed: {ex.Message}";
            e.Launched.TrySetResult();
            e.Exited.TrySetResult();
            throw new WharfException(e.StartError, 500, ex);
        }
        e.Launched.TrySetResult();
        // Connect the waiter first: it must see the exit even when the process ends at once.
        var watch = WatchExecAsync(e);
        if (detach) return;
        await StreamExecAsync(e, client!, ct);
        // The stream ends when the process exits (its code follows within milliseconds, and the CLI
        // inspects the exec for it right after) or when the client detached with its keys (the process
        // runs on; the response must end now, as Docker's does): wait for the exit a little, not for ever.
        await watch.WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>POST /exec/{id}/resize.</summary>
    public async Task ResizeExecAsync(string id, int height, int width, CancellationToken ct)
    {
        var e = GetExec(id);
        if (!e.Config.Tty || !e.Running || height <= 0 || width <= 0) return;
        try
        {
            await ShimClient.CallAsync(e.StateDir, new JsonObject { ["op"] = "resize", ["rows"] = height, ["cols"] = width }, ct);
        }
        catch (Exception ex) when (ex is IOException or SocketException or WharfException)
        {
            // The process is exiting: its terminal is gone.
        }
    }

    private string ExecStateDir(Container c, ExecInstance e)
    {
        var dir = Path.Combine(ShimDir(c.Id), "exec-" + e.Id[..12]);
        // shim.sock must fit in sun_path.
        if (Encoding.UTF8.GetByteCount(Path.Combine(dir, "shim.sock")) > 100)
            dir = Path.Combine("/tmp", "wharf-exec-" + e.Id[..24]);
        return dir;
    }

    private static void TryDeleteDir(string dir)
    {
        try { Directory.Delete(dir, true); } catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>The OCI process for `runc exec`: the container's own process with the exec's settings.</summary>
    private JsonObject BuildExecProcess(Container c, ExecConfig config, List<int>? size)
    {
        var bundle = Dir(c.Id);
        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(bundle, "config.json"))) as JsonObject
            ?? throw new WharfException("the container's config.json is unreadable");
        var process = spec["process"]?.DeepClone() as JsonObject ?? new JsonObject();
        process["args"] = new JsonArray([.. config.Cmd!.Select(a => (JsonNode?)JsonValue.Create(a))]);
        process["terminal"] = config.Tty;
        if (config.Tty && size is [var h, var w, ..])
            process["consoleSize"] = new JsonObject { ["height"] = h, ["width"] = w };
        else
            process.Remove("consoleSize");
        // Environment: the container's, plus TERM for a terminal, then the exec's own values.
        var env = (process["env"] as JsonArray)?.Select(n => n?.GetValue<string>() ?? "").ToList() ?? [];
        if (config.Tty && !env.Any(v => v.StartsWith("TERM=", StringComparison.Ordinal))) env.Add("TERM=xterm");
        foreach (var v in config.Env ?? [])
        {
            var key = v.Split('=', 2)[0];
            var i = env.FindIndex(x => x.Split('=', 2)[0] == key);
            if (!v.Contains('=')) { if (i >= 0) env.RemoveAt(i); continue; }
            if (i >= 0) env[i] = v; else env.Add(v);
        }
        process["env"] = new JsonArray([.. env.Select(v => (JsonNode?)JsonValue.Create(v))]);
        if (config.WorkingDir is { Length: > 0 } wd) process["cwd"] = wd;
        if (config.User is { Length: > 0 } userSpec)
        {
            ResolvedUser user;
            try { user = new UserResolver(Path.Combine(bundle, "rootfs")).Resolve(userSpec, c.Doc.HostConfig?.GroupAdd); }
            catch (WharfException ex) { throw new WharfException(ex.Message, 500, ex); }
            var u = new JsonObject { ["uid"] = user.Uid, ["gid"] = user.Gid };
            if (user.AdditionalGids.Count > 0) u["additionalGids"] = new JsonArray([.. user.AdditionalGids.Select(g => (JsonNode?)JsonValue.Create(g))]);
            process["user"] = u;
            if (!env.Any(v => v.StartsWith("HOME=", StringComparison.Ordinal)))
                (process["env"] as JsonArray)!.Add((JsonNode?)JsonValue.Create("HOME=" + user.Home));
        }
        if (config.Privileged)
        {
            var caps = Capabilities.Compute(null, null, true, new HostLimits().AvailableCapabilities);
            JsonArray List() => new([.. caps.Select(x => (JsonNode?)JsonValue.Create(x))]);
            process["capabilities"] = new JsonObject { ["bounding"] = List(), ["effective"] = List(), ["permitted"] = List() };
            process.Remove("apparmorProfile");
            process.Remove("selinuxLabel");
        }
        return process;
    }

    private async Task<JsonObject> LaunchExecShimAsync(Container c, ExecInstance e, string processFile, bool detach, List<int>? size, CancellationToken ct)
    {
        var hc = c.Doc.HostConfig!;
        var psi = new ProcessStartInfo(ShimBinary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("exec");
        AddRuntimeOptions(psi, hc);
        foreach (var a in new[] { "--id", c.Id, "--runtime-root", _options.EffectiveRuntimeRoot, "--state-dir", e.StateDir, "--process", processFile })
            psi.ArgumentList.Add(a);
        if (e.Config.Tty) psi.ArgumentList.Add("--tty");
        if (e.Config.AttachStdin && !detach) psi.ArgumentList.Add("--stdin");
        if (detach) psi.ArgumentList.Add("--detach");
        if (e.Config.DetachKeys is { Length: > 0 } keys) { psi.ArgumentList.Add("--detach-keys"); psi.ArgumentList.Add(keys); }
        if (e.Config.Tty && size is [var h, var w, ..]) { psi.ArgumentList.Add("--console-size"); psi.ArgumentList.Add($"{h},{w}"); }
        using var p = Process.Start(psi) ?? throw new WharfException("cannot start wharf-shim");
        using var streams = p.OwnStreams();
        var line = await p.StandardOutput.ReadLineAsync(ct);
        var stderr = await p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        if (string.IsNullOrEmpty(line)) throw new WharfException($"wharf-shim failed: {stderr.Trim()}");
        return JsonNode.Parse(line) as JsonObject ?? throw new WharfException("wharf-shim answered nonsense");
    }

    /// <summary>Waits for the exec's exit through its shim, records the code and reports exec_die.</summary>
    private async Task WatchExecAsync(ExecInstance e)
    {
        Socket? s = null;
        try { s = await ShimClient.ConnectAsync(e.StateDir, CancellationToken.None); }
        catch (Exception ex) when (ex is SocketException or IOException) { }
        _ = Task.Run(async () =>
        {
            JsonObject? exit = null;
            try
            {
                if (s is not null) exit = await ShimClient.RequestAsync(s, new JsonObject { ["op"] = "wait" }, CancellationToken.None);
            }
            catch (Exception ex) when (ex is SocketException or IOException or WharfException) { }
            finally { s?.Dispose(); }
            if (exit is null)
            {
                var file = Path.Combine(e.StateDir, "exit.json");
                for (var i = 0; i < 50 && !File.Exists(file); i++) await Task.Delay(100);
                try { exit = JsonNode.Parse(await File.ReadAllTextAsync(file)) as JsonObject; }
                catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException) { }
            }
            e.ExitCode = exit?["exitCode"]?.GetValue<int>() ?? 137;
            e.Running = false;
            e.Pid = 0;
            Publish(e.Container, "exec_die", new() { ["execID"] = e.Id, ["exitCode"] = e.ExitCode.Value.ToString() });
            e.Exited.TrySetResult();
            TryDeleteDir(e.StateDir);
        });
        await Task.CompletedTask;
        await e.Exited.Task;
    }

    /// <summary>Joins the client to the exec's shim: output out, stdin in, until the output ends.</summary>
    private async Task StreamExecAsync(ExecInstance e, Stream client, CancellationToken ct)
    {
        Socket shim;
        try
        {
            shim = await ShimClient.ConnectAsync(e.StateDir, ct);
            await ShimClient.RequestAsync(shim, new JsonObject
            {
                ["op"] = "attach", ["stdin"] = e.Config.AttachStdin, ["stdout"] = e.Config.AttachStdout,
                ["stderr"] = e.Config.AttachStderr, ["stdinOnce"] = true,
            }, ct);
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            return; // the shim is already gone: nothing to stream
        }
        using (shim)
        {
            await using var shimStream = new NetworkStream(shim, ownsSocket: false);
            using var inputStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var output = shimStream.CopyToAsync(client, ct);
            var input = Task.Run(async () =>
            {
                try
                {
                    if (e.Config.AttachStdin) await client.CopyToAsync(shimStream, inputStop.Token);
                    else await Task.Delay(Timeout.Infinite, inputStop.Token);
                }
                catch (Exception) { }
                try { shim.Shutdown(SocketShutdown.Send); } catch (SocketException) { } catch (ObjectDisposedException) { }
            }, CancellationToken.None);
            try { await output; } catch (IOException) { }
            await client.FlushAsync(ct);
            inputStop.Cancel();
            _ = input.ContinueWith(t => t.Exception, TaskScheduler.Default);
        }
    }
}
