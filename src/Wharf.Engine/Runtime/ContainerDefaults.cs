using Wharf.Api.Models;

namespace Wharf.Engine.Runtime;

/// <summary>
/// Docker's create-time rules: how a container's Config takes the image's values where the user
/// gave none, the command it runs, its environment, and the HostConfig values the daemon fills in.
/// </summary>
public static class ContainerDefaults
{
    /// <summary>PATH when the image sets none.</summary>
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>/dev/shm size when ShmSize is 0.</summary>
    public const long DefaultShmSize = 64L * 1024 * 1024;

    /// <summary>
    /// The container's Config with the image's values merged in (Docker's rules): user wins for
    /// User, WorkingDir, Env keys (image-only keys are kept), Labels, ExposedPorts, Volumes;
    /// when the user gives no Entrypoint the image's Cmd applies unless the user gave a Cmd, and the
    /// image's Entrypoint applies unless the user sent an explicit empty list; a user Entrypoint
    /// drops the image's Cmd; `Entrypoint: [""]` clears the entrypoint. Fails with
    /// `no command specified` when nothing is left to run.
    /// </summary>
    public static ContainerConfig Merge(ContainerConfig user, ContainerConfig? image, bool requireCommand = true)
    {
        var c = user.Clone();
        if (image is not null)
        {
            if (string.IsNullOrEmpty(c.User)) c.User = image.User;
            if (c.ExposedPorts is not { Count: > 0 })
            {
                c.ExposedPorts = image.ExposedPorts is null ? null : new(image.ExposedPorts);
            }
            else if (image.ExposedPorts is not null)
            {
                foreach (var p in image.ExposedPorts.Keys) c.ExposedPorts.TryAdd(p, EmptyObject.Instance);
            }
            if (c.Env is not { Count: > 0 })
            {
                c.Env = image.Env is null ? null : new(image.Env);
            }
            else
            {
                foreach (var e in image.Env ?? [])
                {
                    var key = EnvKey(e);
                    if (!c.Env.Any(u => EnvKey(u) == key)) c.Env.Add(e);
                }
            }
            c.Labels ??= [];
            foreach (var (k, v) in image.Labels ?? []) c.Labels.TryAdd(k, v);
            if (c.Entrypoint is not { Count: > 0 })
            {
                if (c.Cmd is not { Count: > 0 }) c.Cmd = image.Cmd is null ? null : new(image.Cmd);
                if (c.Entrypoint is null) c.Entrypoint = image.Entrypoint is null ? null : new(image.Entrypoint);
            }
            if (image.Healthcheck is not null)
            {
                if (c.Healthcheck is null)
                {
                    c.Healthcheck = image.Healthcheck.Clone();
                }
                else
                {
                    var h = c.Healthcheck;
                    if (h.Test is not { Count: > 0 }) h.Test = image.Healthcheck.Test is null ? null : new(image.Healthcheck.Test);
                    if (h.Interval == 0) h.Interval = image.Healthcheck.Interval;
                    if (h.Timeout == 0) h.Timeout = image.Healthcheck.Timeout;
                    if (h.StartPeriod == 0) h.StartPeriod = image.Healthcheck.StartPeriod;
                    if (h.StartInterval == 0) h.StartInterval = image.Healthcheck.StartInterval;
                    if (h.Retries == 0) h.Retries = image.Healthcheck.Retries;
                }
            }
            if (string.IsNullOrEmpty(c.WorkingDir)) c.WorkingDir = image.WorkingDir;
            if (c.Volumes is not { Count: > 0 })
            {
                c.Volumes = image.Volumes is null ? null : new(image.Volumes);
            }
            else if (image.Volumes is not null)
            {
                foreach (var v in image.Volumes.Keys) c.Volumes.TryAdd(v, EmptyObject.Instance);
            }
            if (string.IsNullOrEmpty(c.StopSignal)) c.StopSignal = image.StopSignal;
            if (c.Shell is not { Count: > 0 } && image.Shell is { Count: > 0 }) c.Shell = new(image.Shell);
            if (c.OnBuild is null && image.OnBuild is not null) c.OnBuild = new(image.OnBuild);
        }
        if (c.Entrypoint is [""])
        {
            c.Entrypoint = null;
        }
        if (requireCommand && c.Entrypoint is not { Count: > 0 } && c.Cmd is not { Count: > 0 })
        {
            throw new BadRequestException("no command specified");
        }
        return c;
    }

    /// <summary>Path and Args as Docker stores them: the first word of Entrypoint+Cmd, then the rest.</summary>
    public static (string Path, List<string> Args) Command(ContainerConfig merged)
    {
        var all = (merged.Entrypoint ?? []).Concat(merged.Cmd ?? []).ToList();
        if (all.Count == 0)
        {
            throw new BadRequestException("no command specified");
        }
        return (all[0], all.Skip(1).ToList());
    }

    /// <summary>
    /// The process environment: PATH, HOSTNAME and (with a TTY) TERM=xterm first, then the
    /// container's variables replacing or adding to them; a variable without "=" removes one.
    /// </summary>
    public static List<string> Environment(ContainerConfig merged, string hostname, IEnumerable<string>? extra = null)
    {
        var env = new List<string?> { "PATH=" + DefaultPath, "HOSTNAME=" + hostname };
        if (merged.Tty) env.Add("TERM=xterm");
        foreach (var e in extra ?? []) env.Add(e);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < env.Count; i++) index[EnvKey(env[i]!)] = i;
        foreach (var value in merged.Env ?? [])
        {
            if (!value.Contains('='))
            {
                if (index.TryGetValue(value, out var at)) env[at] = null;
                continue;
            }
            var key = EnvKey(value);
            if (index.TryGetValue(key, out var j) && env[j] is not null)
            {
                env[j] = value;
            }
            else
            {
                index[key] = env.Count;
                env.Add(value);
            }
        }
        return env.Where(e => e is not null).Select(e => e!).ToList();
    }

    /// <summary>
    /// Fills what Docker fills at create time when the client left it empty: ShmSize 64 MiB,
    /// MemorySwap twice Memory, the log driver, restart policy "no", IPC mode "private", the
    /// cgroup namespace mode (host on cgroup v1, private on v2), network mode "default" and the runtime.
    /// </summary>
    public static void ApplyHostConfigDefaults(HostConfig hc, int cgroupVersion, string logDriver = "json-file", string runtime = "runc")
    {
        if (hc.ShmSize == 0) hc.ShmSize = DefaultShmSize;
        if (hc.Memory > 0 && hc.MemorySwap == 0) hc.MemorySwap = hc.Memory * 2;
        hc.LogConfig ??= new LogConfig();
        if (string.IsNullOrEmpty(hc.LogConfig.Type)) hc.LogConfig.Type = logDriver;
        hc.LogConfig.Config ??= [];
        hc.RestartPolicy ??= new RestartPolicy();
        if (string.IsNullOrEmpty(hc.RestartPolicy.Name)) hc.RestartPolicy.Name = "no";
        if (string.IsNullOrEmpty(hc.IpcMode)) hc.IpcMode = "private";
        if (string.IsNullOrEmpty(hc.CgroupnsMode)) hc.CgroupnsMode = cgroupVersion == 2 ? "private" : "host";
        if (string.IsNullOrEmpty(hc.NetworkMode)) hc.NetworkMode = "default";
        if (string.IsNullOrEmpty(hc.Runtime)) hc.Runtime = runtime;
        hc.ConsoleSize ??= [0, 0];
        hc.PortBindings ??= [];
        hc.Dns ??= [];
        hc.DnsOptions ??= [];
        hc.DnsSearch ??= [];
        hc.BlkioWeightDevice ??= [];
        hc.BlkioDeviceReadBps ??= [];
        hc.BlkioDeviceWriteBps ??= [];
        hc.BlkioDeviceReadIOps ??= [];
        hc.BlkioDeviceWriteIOps ??= [];
        hc.Devices ??= [];
        if (hc.MemorySwappiness == -1) hc.MemorySwappiness = null;
    }

    private static string EnvKey(string e) => e.IndexOf('=') is var i and >= 0 ? e[..i] : e;
}
