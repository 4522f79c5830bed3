using Wharf.Api.Models;
using Wharf.Cli.Output;
using Wharf.Cli.Parsing;

namespace Wharf.Cli.Containers;

/// <summary>What `run`/`create` will send: the create request plus the options that steer the client.</summary>
public sealed class CreateSpec
{
    public required ContainerCreateRequest Request { get; init; }
    public string? Name { get; init; }
    public string? Platform { get; init; }
    public string Pull { get; init; } = "missing";
    public bool Quiet { get; init; }

    /// <summary>--use-api-socket: bind the daemon's socket into the container.</summary>
    public bool UseApiSocket { get; init; }

    /// <summary>Whether -a was given (run refuses it with -d).</summary>
    public bool AttachGiven { get; init; }

    public HostConfig HostConfig => Request.HostConfig!;
}

/// <summary>
/// Maps parsed run/create flags to a ContainerCreateRequest exactly as the docker CLI's parse() fills Config, HostConfig
/// and NetworkingConfig. Errors are <see cref="FormatException"/>s with docker's text (the caller adds "wharf: " and exits 125).
/// </summary>
public static class CreateRequestBuilder
{
    public static CreateSpec Build(ParsedFlags f, IReadOnlyList<string> args)
    {
        var pull = f.GetStringOrEmpty("pull");
        if (pull is not ("always" or "missing" or "never" or ""))
            throw new FormatException($"invalid pull option: '{pull}': must be one of \"always\", \"missing\" or \"never\"");
        var image = args[0];
        var attach = f.GetList("attach").Select(FlagValues.Attach).ToList();
        var mac = f.GetStringOrEmpty("mac-address");
        if (mac.Length > 0 && !GoNet.IsMac(mac.Trim())) throw new FormatException($"{mac} is not a valid mac address");
        bool stdin = f.GetBool("interactive");
        bool attachStdin = attach.Contains("stdin") || stdin;
        bool attachStdout = attach.Contains("stdout") || attach.Count == 0;
        bool attachStderr = attach.Contains("stderr") || attach.Count == 0;

        var swappiness = f.GetLong("memory-swappiness");
        if (swappiness != -1 && swappiness is < 0 or > 100)
            throw new FormatException($"invalid value: {swappiness}. Valid memory swappiness range is 0-100");

        var (binds, volumes) = Volumes(f.GetList("volume"));
        var tmpfs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var t in f.GetList("tmpfs"))
        {
            var colon = t.IndexOf(':');
            tmpfs[colon < 0 ? t : t[..colon]] = colon < 0 ? "" : t[(colon + 1)..];
        }

        List<string>? cmd = args.Count > 1 ? [.. args.Skip(1)] : null;
        List<string>? entrypoint = f.GetStringOrEmpty("entrypoint") is { Length: > 0 } ep ? [ep] : f.Changed("entrypoint") ? [""] : null;

        var exposed = new Dictionary<string, EmptyObject>(StringComparer.Ordinal);
        var bindings = new Dictionary<string, List<PortBinding>?>(StringComparer.Ordinal);
        PortSpec.AddPublished(f.GetList("publish"), exposed, bindings);
        PortSpec.AddExposed(f.GetList("expose"), exposed);

        var devices = new List<DeviceMapping>();
        var cdiDevices = new List<string>();
        foreach (var d in f.GetList("device"))
        {
            if (IsCdiName(d)) cdiDevices.Add(d);
            else devices.Add(DeviceSpec.ParseDevice(d));
        }

        var env = KeyValues.Read(f.GetList("env-file"), f.GetList("env").Select(FlagValues.Env), fromEnvironment: true);
        var labels = KeyValues.Read(f.GetList("label-file"), f.GetList("label"), fromEnvironment: false);

        var pidMode = f.GetStringOrEmpty("pid");
        if (!(pidMode is "" or "host" || IsContainerMode(pidMode))) throw new FormatException("--pid: invalid PID mode");
        var utsMode = f.GetStringOrEmpty("uts");
        if (utsMode is not ("" or "host")) throw new FormatException("--uts: invalid UTS mode");
        var usernsMode = f.GetStringOrEmpty("userns");
        if (usernsMode is not ("" or "host")) throw new FormatException("--userns: invalid USER mode");
        var cgroupnsMode = f.GetStringOrEmpty("cgroupns");
        if (cgroupnsMode is not ("" or "host" or "private")) throw new FormatException("--cgroupns: invalid CGROUP mode");

        var restart = FlagValues.ParseRestartPolicy(f.GetStringOrEmpty("restart"));

        var logDriver = f.GetStringOrEmpty("log-driver");
        var logOpts = f.GetList("log-opt");
        if (logDriver == "none" && logOpts.Count > 0) throw new FormatException($"invalid logging opts for driver {logDriver}");

        var securityOpts = SecurityOpts(f.GetList("security-opt"));
        List<string>? maskedPaths = null, readonlyPaths = null;
        if (securityOpts.Remove("systempaths=unconfined"))
        {
            while (securityOpts.Remove("systempaths=unconfined")) { }
            maskedPaths = [];
            readonlyPaths = [];
        }

        Dictionary<string, string>? storageOpts = new(StringComparer.Ordinal);
        foreach (var o in f.GetList("storage-opt"))
        {
            var eq = o.IndexOf('=');
            if (eq < 0) throw new FormatException("invalid storage option");
            storageOpts[o[..eq]] = o[(eq + 1)..];
        }

        var health = Healthcheck(f);

        var deviceRequests = f.GetList("gpus").Select(DeviceSpec.ParseGpus).ToList();
        if (cdiDevices.Count > 0) deviceRequests.Add(new DeviceRequest { Driver = "cdi", DeviceIDs = cdiDevices });

        var ulimits = new SortedDictionary<string, Ulimit>(StringComparer.Ordinal);
        foreach (var u in f.GetList("ulimit"))
        {
            var parsed = FlagValues.ParseUlimit(u);
            ulimits[parsed.Name!] = parsed;
        }

        var networks = f.GetList("network").Concat(f.GetList("net")).Select(NetworkSpec.Parse).ToList();
        var networkMode = networks.Count > 0 ? networks[0].Target : "default";

        var request = new ContainerCreateRequest
        {
            Hostname = f.GetStringOrEmpty("hostname"),
            Domainname = f.GetStringOrEmpty("domainname"),
            User = f.GetStringOrEmpty("user"),
            AttachStdin = attachStdin,
            AttachStdout = attachStdout,
            AttachStderr = attachStderr,
            ExposedPorts = exposed,
            Tty = f.GetBool("tty"),
            OpenStdin = stdin,
            StdinOnce = stdin && attachStdin,
            Env = env,
            Cmd = cmd,
            Healthcheck = health,
            Image = image,
            Volumes = volumes,
            WorkingDir = f.GetStringOrEmpty("workdir"),
            Entrypoint = entrypoint,
            Labels = KeyValues.ToMap(labels),
            StopSignal = f.GetStringOrEmpty("stop-signal") is { Length: > 0 } sig ? sig : null,
            StopTimeout = f.Changed("stop-timeout") ? f.GetInt("stop-timeout") : null,
        };
        var hc = new HostConfig
        {
            Binds = binds,
            ContainerIDFile = f.GetStringOrEmpty("cidfile"),
            OomScoreAdj = f.GetInt("oom-score-adj"),
            AutoRemove = f.GetBool("rm"),
            Privileged = f.GetBool("privileged"),
            PortBindings = bindings,
            Links = NullIfEmpty(f.GetList("link")),
            PublishAllPorts = f.GetBool("publish-all"),
            Dns = [.. f.GetList("dns").Select(FlagValues.IpAddress)],
            DnsSearch = [.. f.GetList("dns-search").Select(FlagValues.DnsSearch)],
            DnsOptions = [.. f.GetList("dns-option").Concat(f.GetList("dns-opt"))],
            ExtraHosts = NullIfEmpty(f.GetList("add-host").Select(FlagValues.ExtraHost).ToList()),
            VolumesFrom = NullIfEmpty(f.GetList("volumes-from")),
            IpcMode = f.GetStringOrEmpty("ipc"),
            NetworkMode = networkMode,
            PidMode = pidMode,
            UTSMode = utsMode,
            UsernsMode = usernsMode,
            CgroupnsMode = cgroupnsMode,
            CapAdd = NullIfEmpty(f.GetList("cap-add")),
            CapDrop = NullIfEmpty(f.GetList("cap-drop")),
            GroupAdd = NullIfEmpty(f.GetList("group-add")),
            RestartPolicy = restart,
            SecurityOpt = NullIfEmpty(securityOpts),
            StorageOpt = storageOpts,
            ReadonlyRootfs = f.GetBool("read-only"),
            LogConfig = new LogConfig { Type = logDriver, Config = KeyValues.ToMap(logOpts) },
            VolumeDriver = f.GetStringOrEmpty("volume-driver"),
            Isolation = f.GetStringOrEmpty("isolation"),
            ShmSize = ByteSize.Parse(f.GetStringOrEmpty("shm-size")),
            Tmpfs = tmpfs,
            Sysctls = KeyValues.ToMap(f.GetList("sysctl")),
            Runtime = f.GetStringOrEmpty("runtime") is { Length: > 0 } rt ? rt : null,
            Mounts = NullIfEmpty(f.GetList("mount").Select(MountSpec.ParseMount).ToList()),
            MaskedPaths = maskedPaths,
            ReadonlyPaths = readonlyPaths,
            Annotations = KeyValues.ToMap(f.GetList("annotation")),
            ConsoleSize = [0, 0],

            CgroupParent = f.GetStringOrEmpty("cgroup-parent"),
            Memory = ByteSize.Parse(f.GetStringOrEmpty("memory")),
            MemoryReservation = ByteSize.Parse(f.GetStringOrEmpty("memory-reservation")),
            MemorySwap = ByteSize.Parse(f.GetStringOrEmpty("memory-swap")),
            MemorySwappiness = swappiness,
            KernelMemoryTCP = 0,
            OomKillDisable = f.GetBool("oom-kill-disable"),
            NanoCpus = NanoCpus.Parse(f.GetStringOrEmpty("cpus")),
            CpuCount = f.GetLong("cpu-count"),
            CpuPercent = f.GetLong("cpu-percent"),
            CpuShares = f.GetLong("cpu-shares"),
            CpuPeriod = f.GetLong("cpu-period"),
            CpusetCpus = f.GetStringOrEmpty("cpuset-cpus"),
            CpusetMems = f.GetStringOrEmpty("cpuset-mems"),
            CpuQuota = f.GetLong("cpu-quota"),
            CpuRealtimePeriod = f.GetLong("cpu-rt-period"),
            CpuRealtimeRuntime = f.GetLong("cpu-rt-runtime"),
            PidsLimit = f.GetLong("pids-limit"),
            BlkioWeight = f.Changed("blkio-weight") && GoStrconv.TryParseUint(f.GetStringOrEmpty("blkio-weight"), 0, 16, out var bw, out _) ? (int)bw : 0,
            BlkioWeightDevice = NullIfEmpty(f.GetList("blkio-weight-device").Select(DeviceSpec.ParseWeight).ToList()),
            BlkioDeviceReadBps = NullIfEmpty(f.GetList("device-read-bps").Select(DeviceSpec.ParseThrottleBps).ToList()),
            BlkioDeviceWriteBps = NullIfEmpty(f.GetList("device-write-bps").Select(DeviceSpec.ParseThrottleBps).ToList()),
            BlkioDeviceReadIOps = NullIfEmpty(f.GetList("device-read-iops").Select(DeviceSpec.ParseThrottleIops).ToList()),
            BlkioDeviceWriteIOps = NullIfEmpty(f.GetList("device-write-iops").Select(DeviceSpec.ParseThrottleIops).ToList()),
            IOMaximumIOps = f.Changed("io-maxiops") && GoStrconv.TryParseUint(f.GetStringOrEmpty("io-maxiops"), 0, 64, out var iops, out _) ? (long)iops : 0,
            IOMaximumBandwidth = ByteSize.Parse(f.GetStringOrEmpty("io-maxbandwidth")),
            Ulimits = NullIfEmpty(ulimits.Values.ToList()),
            DeviceCgroupRules = NullIfEmpty(f.GetList("device-cgroup-rule")),
            Devices = devices,
            DeviceRequests = NullIfEmpty(deviceRequests),
        };
        if (hc.AutoRemove && restart.Name is not ("" or "no"))
            throw new FormatException("conflicting options: cannot specify both --restart and --rm");
        if (f.Changed("init")) hc.Init = f.GetBool("init");
        request.HostConfig = hc;

        var copts = new NetworkSpec.ContainerOptions(
            [.. f.GetList("network-alias"), .. f.GetList("net-alias")], f.GetList("link"),
            f.GetStringOrEmpty("ip"), f.GetStringOrEmpty("ip6"), mac, f.GetList("link-local-ip"));
        var endpoints = NetworkSpec.Endpoints(networks, copts);
        request.NetworkingConfig = new NetworkingConfig { EndpointsConfig = endpoints };
        if (endpoints.TryGetValue(networkMode, out var primary) && primary is not null && !string.IsNullOrEmpty(primary.MacAddress))
            request.MacAddress = primary.MacAddress;

        return new CreateSpec
        {
            Request = request,
            Name = f.GetString("name") is { Length: > 0 } n ? n : null,
            Platform = f.GetString("platform") is { Length: > 0 } p ? p : null,
            Pull = pull.Length == 0 ? "missing" : pull,
            Quiet = f.GetBool("quiet"),
            UseApiSocket = f.GetBool("use-api-socket"),
            AttachGiven = attach.Count > 0,
        };
    }

    static List<T>? NullIfEmpty<T>(IReadOnlyList<T> list) => list.Count == 0 ? null : [.. list];

    static bool IsContainerMode(string mode) => mode.StartsWith("container:", StringComparison.Ordinal) && mode.Length > "container:".Length;

    /// <summary>A CDI device name "vendor.com/class=name".</summary>
    static bool IsCdiName(string device)
    {
        var eq = device.IndexOf('=');
        if (eq <= 0 || eq == device.Length - 1) return false;
        var kind = device[..eq];
        var slash = kind.IndexOf('/');
        return slash > 0 && slash < kind.Length - 1 && kind[..slash].Contains('.');
    }

    /// <summary>-v values: those with a source become Binds (relative "./x" made absolute), the rest anonymous Volumes.</summary>
    static (List<string>? Binds, Dictionary<string, EmptyObject> Volumes) Volumes(IReadOnlyList<string> specs)
    {
        var volumes = new Dictionary<string, EmptyObject>(StringComparer.Ordinal);
        foreach (var v in specs) volumes[v] = EmptyObject.Instance;
        List<string>? binds = null;
        foreach (var bind in specs.Distinct())
        {
            var parsed = MountSpec.ParseVolume(bind);
            if (parsed.Source.Length == 0) continue;
            var toBind = bind;
            if (parsed.Type == "bind")
            {
                var colon = bind.IndexOf(':');
                if (colon >= 0)
                {
                    var hostPart = bind[..colon];
                    if (!Path.IsPathRooted(hostPart) && hostPart.StartsWith('.')) hostPart = Path.GetFullPath(hostPart);
                    toBind = hostPart + ":" + bind[(colon + 1)..];
                }
            }
            (binds ??= []).Add(toBind);
            volumes.Remove(bind);
        }
        return (binds, volumes);
    }

    /// <summary>parseSecurityOpts: key=value or key:value (no-new-privileges alone); a seccomp file is inlined as compact JSON.</summary>
    static List<string> SecurityOpts(IReadOnlyList<string> opts)
    {
        var result = new List<string>();
        foreach (var opt in opts)
        {
            var sep = opt.IndexOf('=');
            if (sep < 0 && !opt.StartsWith("no-new-privileges", StringComparison.Ordinal)) sep = opt.IndexOf(':');
            var key = sep < 0 ? opt : opt[..sep];
            var value = sep < 0 ? "" : opt[(sep + 1)..];
            if ((sep < 0 || value.Length == 0) && key != "no-new-privileges")
                throw new FormatException($"Invalid --security-opt: {FlagParser.GoQuote(opt)}");
            if (key == "seccomp" && value is not ("builtin" or "unconfined"))
            {
                byte[] bytes;
                try { bytes = File.ReadAllBytes(value); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new FormatException($"opening seccomp profile ({value}) failed: open {value}: no such file or directory");
                }
                try
                {
                    using var _ = System.Text.Json.JsonDocument.Parse(bytes);
                }
                catch (System.Text.Json.JsonException e)
                {
                    throw new FormatException($"compacting json for seccomp profile ({value}) failed: {e.Message}");
                }
                result.Add("seccomp=" + JsonCompact.Compact(bytes));
                continue;
            }
            result.Add(opt);
        }
        return result;
    }

    /// <summary>The --health-* and --no-healthcheck flags (durations in nanoseconds).</summary>
    static HealthConfig? Healthcheck(ParsedFlags f)
    {
        var cmd = f.GetStringOrEmpty("health-cmd");
        long interval = GoDuration.Parse(f.GetStringOrEmpty("health-interval"));
        long timeout = GoDuration.Parse(f.GetStringOrEmpty("health-timeout"));
        long startPeriod = GoDuration.Parse(f.GetStringOrEmpty("health-start-period"));
        long startInterval = GoDuration.Parse(f.GetStringOrEmpty("health-start-interval"));
        int retries = f.GetInt("health-retries");
        var any = cmd.Length > 0 || interval != 0 || timeout != 0 || startPeriod != 0 || retries != 0 || startInterval != 0;
        if (f.GetBool("no-healthcheck"))
        {
            if (any) throw new FormatException("--no-healthcheck conflicts with --health-* options");
            return new HealthConfig { Test = ["NONE"] };
        }
        if (!any) return null;
        if (interval < 0) throw new FormatException("--health-interval cannot be negative");
        if (timeout < 0) throw new FormatException("--health-timeout cannot be negative");
        if (retries < 0) throw new FormatException("--health-retries cannot be negative");
        if (startPeriod < 0) throw new FormatException("--health-start-period cannot be negative");
        if (startInterval < 0) throw new FormatException("--health-start-interval cannot be negative");
        return new HealthConfig
        {
            Test = cmd.Length > 0 ? ["CMD-SHELL", cmd] : null,
            Interval = interval, Timeout = timeout, StartPeriod = startPeriod, StartInterval = startInterval, Retries = retries,
        };
    }
}
