using Wharf.Cli.Parsing;

namespace Wharf.Cli.Containers;

/// <summary>The flags `run` and `create` share (docker's containerOptions), with docker's names, types and help.</summary>
public static class CreateFlags
{
    static FlagDef Str(string name, char? s, string usage, string? def = null, bool hidden = false) =>
        new(name, s, FlagType.String, usage, def) { Hidden = hidden };

    static FlagDef Bool(string name, char? s, string usage, string? def = null, bool hidden = false) =>
        new(name, s, FlagType.Bool, usage, def) { Hidden = hidden };

    static FlagDef Int(string name, char? s, string usage, string? def = null, bool hidden = false) =>
        new(name, s, FlagType.Int, usage, def) { Hidden = hidden };

    static FlagDef List(string name, char? s, string usage, Func<string, string>? parse = null, string? varName = null,
        bool showEmptyDefault = false, bool hidden = false) =>
        new(name, s, FlagType.List, usage, showEmptyDefault ? "[]" : null)
        {
            Validate = parse is null ? null : FlagValues.Check(parse),
            VarName = varName,
            ShowDefault = showEmptyDefault,
            Hidden = hidden,
        };

    static FlagDef Typed(string name, char? s, string varName, string usage, Func<string, string?> validate, bool hidden = false) =>
        new(name, s, FlagType.String, usage) { VarName = varName, Validate = validate, Hidden = hidden };

    static FlagDef Map(string name, string usage, Func<string, string>? parse = null) =>
        new(name, null, FlagType.List, usage, "map[]") { VarName = "map", Validate = parse is null ? null : FlagValues.Check(parse) };

    static string? Uint16(string v) => GoStrconv.TryParseUint(v, 0, 16, out _, out var e) ? null : e;

    static string? Uint64(string v) => GoStrconv.TryParseUint(v, 0, 64, out _, out var e) ? null : e;

    /// <summary>Every container option, in docker's order of definition.</summary>
    public static IEnumerable<FlagDef> All() =>
    [
        List("attach", 'a', "Attach to STDIN, STDOUT or STDERR", FlagValues.Attach),
        List("device-cgroup-rule", null, "Add a rule to the cgroup allowed devices list", FlagValues.DeviceCgroupRule),
        List("device", null, "Add a host device to the container"),
        new FlagDef("gpus", null, FlagType.List, "GPU devices to add to the container ('all' to pass all GPUs)")
        {
            VarName = "gpu-request",
            Validate = FlagValues.Check(v => { DeviceSpec.ParseGpus(v); return v; }),
        },
        List("env", 'e', "Set environment variables", FlagValues.Env),
        List("env-file", null, "Read in a file of environment variables"),
        Str("entrypoint", null, "Overwrite the default ENTRYPOINT of the image"),
        List("group-add", null, "Add additional groups to join"),
        Str("hostname", 'h', "Container host name"),
        Str("domainname", null, "Container NIS domain name"),
        Bool("interactive", 'i', "Keep STDIN open even if not attached"),
        List("label", 'l', "Set meta data on a container", FlagValues.Label),
        List("label-file", null, "Read in a line delimited file of labels"),
        Bool("read-only", null, "Mount the container's root filesystem as read only"),
        Str("restart", null, "Restart policy to apply when a container exits", "no"),
        Str("stop-signal", null, "Signal to stop the container"),
        Int("stop-timeout", null, "Timeout (in seconds) to stop a container"),
        Map("sysctl", "Sysctl options", FlagValues.Sysctl),
        Bool("tty", 't', "Allocate a pseudo-TTY"),
        new FlagDef("ulimit", null, FlagType.List, "Ulimit options", "[]")
        {
            VarName = "ulimit", ShowDefault = true, Validate = FlagValues.Check(FlagValues.Ulimit),
        },
        Str("user", 'u', "Username or UID (format: <name|uid>[:<group|gid>])"),
        Str("workdir", 'w', "Working directory inside the container"),
        Bool("rm", null, "Automatically remove the container and its associated anonymous volumes when it exits"),

        List("cap-add", null, "Add Linux capabilities"),
        List("cap-drop", null, "Drop Linux capabilities"),
        Bool("privileged", null, "Give extended privileges to this container"),
        List("security-opt", null, "Security Options"),
        Str("userns", null, "User namespace to use"),
        Str("cgroupns", null, "Cgroup namespace to use (host|private)\n" +
                                "'host':    Run the container in the Wharf host's cgroup namespace\n" +
                                "'private': Run the container in its own private cgroup namespace\n" +
                                "'':        Use the cgroup namespace as configured by the\n" +
                                "           default-cgroupns-mode option on the daemon (default)"),

        List("add-host", null, "Add a custom host-to-IP mapping (host:ip)", FlagValues.ExtraHost),
        List("dns", null, "Set custom DNS servers", FlagValues.IpAddress),
        List("dns-opt", null, "Set DNS options", hidden: true),
        List("dns-option", null, "Set DNS options"),
        List("dns-search", null, "Set custom DNS search domains", FlagValues.DnsSearch),
        List("expose", null, "Expose a port or a range of ports"),
        Str("ip", null, "IPv4 address (e.g., 172.30.100.104)"),
        Str("ip6", null, "IPv6 address (e.g., 2001:db8::33)"),
        List("link", null, "Add link to another container", FlagValues.Link),
        List("link-local-ip", null, "Container IPv4/IPv6 link-local addresses"),
        Str("mac-address", null, "Container MAC address (e.g., 92:d0:c6:0a:29:33)"),
        List("publish", 'p', "Publish a container's port(s) to the host"),
        Bool("publish-all", 'P', "Publish all exposed ports to random ports"),
        new FlagDef("net", null, FlagType.List, "Connect a container to a network")
            { VarName = "network", Hidden = true, Validate = FlagValues.Check(NetworkSpec.Validate) },
        new FlagDef("network", null, FlagType.List, "Connect a container to a network")
            { VarName = "network", Validate = FlagValues.Check(NetworkSpec.Validate) },
        List("net-alias", null, "Add network-scoped alias for the container", hidden: true),
        List("network-alias", null, "Add network-scoped alias for the container"),

        Str("log-driver", null, "Logging driver for the container"),
        Str("volume-driver", null, "Optional volume driver for the container"),
        List("log-opt", null, "Log driver options"),
        List("storage-opt", null, "Storage driver options for the container"),
        List("tmpfs", null, "Mount a tmpfs directory"),
        List("volumes-from", null, "Mount volumes from the specified container(s)"),
        List("volume", 'v', "Bind mount a volume"),
        new FlagDef("mount", null, FlagType.List, "Attach a filesystem mount to the container") { VarName = "mount", Validate = MountSpec.Validate },

        Str("health-cmd", null, "Command to run to check health"),
        Typed("health-interval", null, "duration", "Time between running the check (ms|s|m|h) (default 0s)", GoDuration.Validate),
        Int("health-retries", null, "Consecutive failures needed to report unhealthy"),
        Typed("health-timeout", null, "duration", "Maximum time to allow one check to run (ms|s|m|h) (default 0s)", GoDuration.Validate),
        Typed("health-start-period", null, "duration",
            "Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)", GoDuration.Validate),
        Typed("health-start-interval", null, "duration", "Time between running the check during the start period (ms|s|m|h) (default 0s)",
            GoDuration.Validate),
        Bool("no-healthcheck", null, "Disable any container-specified HEALTHCHECK"),

        Typed("blkio-weight", null, "uint16", "Block IO (relative weight), between 10 and 1000, or 0 to disable (default 0)", Uint16),
        List("blkio-weight-device", null, "Block IO weight (relative device weight)",
            v => { DeviceSpec.ParseWeight(v); return v; }, showEmptyDefault: true),
        Str("cidfile", null, "Write the container ID to the file"),
        Str("cpuset-cpus", null, "CPUs in which to allow execution (0-3, 0,1)"),
        Str("cpuset-mems", null, "MEMs in which to allow execution (0-3, 0,1)"),
        Int("cpu-count", null, "CPU count (Windows only)", hidden: true),
        Int("cpu-percent", null, "CPU percent (Windows only)", hidden: true),
        Int("cpu-period", null, "Limit CPU CFS (Completely Fair Scheduler) period"),
        Int("cpu-quota", null, "Limit CPU CFS (Completely Fair Scheduler) quota"),
        Int("cpu-rt-period", null, "Limit CPU real-time period in microseconds"),
        Int("cpu-rt-runtime", null, "Limit CPU real-time runtime in microseconds"),
        Int("cpu-shares", 'c', "CPU shares (relative weight)"),
        Typed("cpus", null, "decimal", "Number of CPUs", NanoCpus.Validate),
        List("device-read-bps", null, "Limit read rate (bytes per second) from a device",
            v => { DeviceSpec.ParseThrottleBps(v); return v; }, showEmptyDefault: true),
        List("device-read-iops", null, "Limit read rate (IO per second) from a device",
            v => { DeviceSpec.ParseThrottleIops(v); return v; }, showEmptyDefault: true),
        List("device-write-bps", null, "Limit write rate (bytes per second) to a device",
            v => { DeviceSpec.ParseThrottleBps(v); return v; }, showEmptyDefault: true),
        List("device-write-iops", null, "Limit write rate (IO per second) to a device",
            v => { DeviceSpec.ParseThrottleIops(v); return v; }, showEmptyDefault: true),
        Typed("io-maxbandwidth", null, "bytes", "Maximum IO bandwidth limit for the system drive (Windows only)", ByteSize.Validate, hidden: true),
        Typed("io-maxiops", null, "uint", "Maximum IOps limit for the system drive (Windows only)", Uint64, hidden: true),
        Typed("kernel-memory", null, "bytes", "Kernel memory limit", ByteSize.Validate),
        Typed("memory", 'm', "bytes", "Memory limit", ByteSize.Validate),
        Typed("memory-reservation", null, "bytes", "Memory soft limit", ByteSize.Validate),
        Typed("memory-swap", null, "bytes", "Swap limit equal to memory plus swap: '-1' to enable unlimited swap", ByteSize.ValidateSwap),
        Int("memory-swappiness", null, "Tune container memory swappiness (0 to 100)", "-1"),
        Bool("oom-kill-disable", null, "Disable OOM Killer"),
        Int("oom-score-adj", null, "Tune host's OOM preferences (-1000 to 1000)"),
        Int("pids-limit", null, "Tune container pids limit (set -1 for unlimited)"),

        Str("cgroup-parent", null, "Optional parent cgroup for the container"),
        Str("ipc", null, "IPC mode to use"),
        Str("isolation", null, "Container isolation technology"),
        Str("pid", null, "PID namespace to use"),
        Typed("shm-size", null, "bytes", "Size of /dev/shm", ByteSize.Validate),
        Str("uts", null, "UTS namespace to use"),
        Str("runtime", null, "Runtime to use for this container"),
        Bool("init", null, "Run an init inside the container that forwards signals and reaps processes"),
        Map("annotation", "Add an annotation to the container (passed through to the OCI runtime)"),
    ];

    /// <summary>The flags of create and run that are not container options; <paramref name="verb"/> is "creating" or "running".</summary>
    public static IEnumerable<FlagDef> CreateOnly(string verb) =>
    [
        Str("name", null, "Assign a name to the container"),
        Str("pull", null, $"Pull image before {verb} (\"always\", \"missing\", \"never\")", "missing"),
        Bool("quiet", 'q', "Suppress the pull output"),
        Bool("help", null, "Print usage"),
        Bool("use-api-socket", null, "Bind mount Wharf API socket and required auth"),
        Str("platform", null, "Set platform if server is multi-platform capable",
            Environment.GetEnvironmentVariable("DOCKER_DEFAULT_PLATFORM")),
        Bool("disable-content-trust", null, "Skip image verification", "true"),
    ];
}
