using Wharf.Api.Json;
using Wharf.Api.Models;
using Wharf.Daemon.Http;
using Wharf.Engine;

namespace Wharf.Daemon.Endpoints;

/// <summary>/_ping, /version, /info, /system/df.</summary>
public static class SystemEndpoints
{
    public static void Map(ApiRouter r, WharfEngine engine)
    {
        r.Get("/_ping", ctx => Ping(ctx));
        r.Head("/_ping", ctx => Ping(ctx));
        r.Get("/version", ctx => ctx.JsonAsync(Version(engine), WharfJsonContext.Default.SystemVersion));
        r.Get("/info", ctx => ctx.JsonAsync(Info(engine), WharfJsonContext.Default.SystemInfo));
        r.Get("/system/df", ctx => ctx.JsonAsync(new DiskUsage
        {
            LayersSize = engine.Images.LayersSize(),
            Images = engine.Images.ListForDiskUsage(),
            Containers = engine.Containers.List(all: true, limit: null, filters: [], size: true),
            Volumes = engine.Volumes.DiskUsage()
                .Select(v => System.Text.Json.JsonSerializer.SerializeToNode(v, WharfJsonContext.Default.Volume)!.AsObject()).ToList(),
            BuildCache = BuildEndpoints.CacheUsage(engine),
        }, WharfJsonContext.Default.DiskUsage));
    }

    private static async Task Ping(ApiContext ctx)
    {
        var h = ctx.Response.Headers;
        h["Builder-Version"] = "1";
        h["Cache-Control"] = "no-cache, no-store, must-revalidate";
        h["Pragma"] = "no-cache";
        ctx.Response.ContentType = "text/plain; charset=utf-8";
        ctx.Response.StatusCode = 200;
        if (ctx.Request.Method != "HEAD") await ctx.Response.WriteAsync("OK");
    }

    public static SystemVersion Version(WharfEngine engine) => new()
    {
        Platform = new PlatformName { Name = "Wharf Engine" },
        Components =
        [
            new ComponentVersion
            {
                Name = "Engine", Version = WharfVersion.Version,
                Details = new()
                {
                    ["ApiVersion"] = ApiServer.MaxApiVersion, ["MinAPIVersion"] = ApiServer.MinApiVersion,
                    ["GitCommit"] = WharfVersion.GitCommit, ["GoVersion"] = ".NET " + Environment.Version,
                    ["Os"] = "linux", ["Arch"] = GoArch, ["KernelVersion"] = engine.Host.KernelVersion,
                    ["Experimental"] = "false", ["BuildTime"] = "",
                },
            },
        ],
        Version = WharfVersion.Version,
        ApiVersion = ApiServer.MaxApiVersion,
        MinAPIVersion = ApiServer.MinApiVersion,
        GitCommit = WharfVersion.GitCommit,
        GoVersion = ".NET " + Environment.Version,
        KernelVersion = engine.Host.KernelVersion,
        Arch = GoArch,
    };

    /// <summary>The architecture as Go (and so Docker) names it.</summary>
    public static string GoArch => System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "amd64",
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        System.Runtime.InteropServices.Architecture.Arm => "arm",
        System.Runtime.InteropServices.Architecture.S390x => "s390x",
        System.Runtime.InteropServices.Architecture.Ppc64le => "ppc64le",
        var other => other.ToString().ToLowerInvariant(),
    };

    public static SystemInfo Info(WharfEngine engine)
    {
        var o = engine.Options;
        var runtimes = new Dictionary<string, RuntimeInfo> { ["runc"] = new() { Path = "runc" } };
        foreach (var (k, v) in o.Runtimes) runtimes[k] = v;
        var registry = new RegistryServiceConfig
        {
            InsecureRegistryCIDRs = ["::1/128", "127.0.0.0/8"],
            Mirrors = o.RegistryMirrors,
        };
        registry.IndexConfigs[o.DefaultRegistry] = new IndexInfo
        {
            Name = o.DefaultRegistry, Mirrors = o.RegistryMirrors, Secure = true, Official = o.DefaultRegistry == "docker.io",
        };
        foreach (var r in o.InsecureRegistries)
        {
            if (r.Contains('/') && char.IsDigit(r[0])) registry.InsecureRegistryCIDRs.Add(r);
            else registry.IndexConfigs[r] = new IndexInfo { Name = r, Secure = false };
        }
        var h = engine.Host;
        return new SystemInfo
        {
            ID = engine.EngineId,
            Images = engine.Images.Count(),
            DriverStatus = [["Backing Filesystem", "extfs"], ["Supports d_type", "true"], ["Using metacopy", "false"], ["Native Overlay Diff", "true"], ["userxattr", "false"]],
            DockerRootDir = o.DataRoot,
            MemoryLimit = true, SwapLimit = h.CgroupVersion == "2", CpuCfsPeriod = true, CpuCfsQuota = true,
            CPUShares = true, CPUSet = true, PidsLimit = true, OomKillDisable = h.CgroupVersion == "1",
            IPv4Forwarding = File.Exists("/proc/sys/net/ipv4/ip_forward") && File.ReadAllText("/proc/sys/net/ipv4/ip_forward").Trim() == "1",
            BridgeNfIptables = File.Exists("/proc/sys/net/bridge/bridge-nf-call-iptables"),
            BridgeNfIp6tables = File.Exists("/proc/sys/net/bridge/bridge-nf-call-ip6tables"),
            Debug = o.Debug,
            NFd = Directory.Exists("/proc/self/fd") ? Directory.GetFileSystemEntries("/proc/self/fd").Length : 0,
            NGoroutines = System.Diagnostics.Process.GetCurrentProcess().Threads.Count,
            SystemTime = DateTimeOffset.Now.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffzzz"),
            LoggingDriver = o.LogDriver,
            CgroupDriver = "cgroupfs",
            CgroupVersion = h.CgroupVersion,
            NEventsListener = engine.Events.ListenerCount,
            KernelVersion = h.KernelVersion,
            OperatingSystem = h.OperatingSystem,
            OSVersion = h.OsVersion,
            NCPU = h.Cpus,
            Architecture = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "aarch64" : "x86_64",
            MemTotal = h.MemTotal,
            IndexServerAddress = o.DefaultRegistry == "docker.io" ? "https://index.docker.io/v1/" : "https://" + o.DefaultRegistry + "/v1/",
            RegistryConfig = registry,
            Name = h.Hostname,
            Labels = o.Labels,
            ServerVersion = WharfVersion.Version,
            Runtimes = runtimes,
            DefaultRuntime = o.DefaultRuntime,
            LiveRestoreEnabled = o.LiveRestore,
            Isolation = "",
            InitBinary = "tini",
            SecurityOptions = ["name=seccomp,profile=builtin"],
            DefaultAddressPools = o.DefaultAddressPools.Count > 0 ? o.DefaultAddressPools : null,
            Warnings = [.. engine.Networks.Warnings],
        };
    }
}
