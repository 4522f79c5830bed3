using System.Text.Json;
using Wharf.Api.Models;
using Wharf.Engine.Runtime.Spec;

namespace Wharf.Engine.Runtime;

/// <summary>The generated spec and the warnings Docker would return with it (clamped limits and the like).</summary>
public sealed record OciSpecResult(OciSpec Spec, IReadOnlyList<string> Warnings);

/// <summary>
/// Builds the OCI runtime config.json for a container the way Docker does (moby daemon/oci_linux.go):
/// process (command, environment, user, capabilities, rlimits), Docker's default mounts plus the
/// generated /etc files, tmpfs and user mounts, namespaces, masked and read-only paths, device rules,
/// sysctls, cgroup resources and path, and the seccomp filter. `--privileged` lifts the confinement.
/// Bad input fails with <see cref="BadRequestException"/> and Docker's message.
/// </summary>
public sealed partial class OciSpecBuilder(IHostLimits host, IHostDevices devices)
{
    /// <summary>Where `--init` puts the init binary in the container.</summary>
    public const string InitPathInContainer = "/sbin/docker-init";

    public OciSpecBuilder() : this(HostLimits.Instance, HostDevices.Instance)
    {
    }

    public OciSpecResult Build(OciSpecRequest req)
    {
        var warnings = new List<string>();
        var hc = req.HostConfig;
        var config = req.ImageConfig is null ? req.Config : ContainerDefaults.Merge(req.Config, req.ImageConfig);
        var (path, args) = ContainerDefaults.Command(config);
        var security = SecurityOptions.Parse(hc.SecurityOpt);
        ResourceTranslator.Validate(hc, host);

        var ns = ResolveNamespaces(req);
        var hostname = string.IsNullOrEmpty(config.Hostname) ? ShortId(req.ContainerId) : config.Hostname;

        var spec = new OciSpec
        {
            Root = new OciRoot { Path = req.RootfsPath, Readonly = hc.ReadonlyRootfs },
            Linux = new OciLinux(),
        };
        if (ns.PrivateUts)
        {
            spec.Hostname = hostname;
            if (!string.IsNullOrEmpty(config.Domainname)) spec.Domainname = config.Domainname;
        }

        // Process.
        var user = new UserResolver(req.RootfsPath).Resolve(config.User, hc.GroupAdd);
        var process = new OciProcess
        {
            Terminal = config.Tty,
            Args = [path, .. args],
            Env = ContainerDefaults.Environment(config, hostname, req.ExtraEnv),
            Cwd = string.IsNullOrEmpty(config.WorkingDir) ? "/" : config.WorkingDir,
            User = new OciUser { Uid = user.Uid, Gid = user.Gid, AdditionalGids = [.. user.AdditionalGids] },
            NoNewPrivileges = security.NoNewPrivileges,
            OomScoreAdj = hc.OomScoreAdj,
        };
        if (!process.Cwd.StartsWith('/'))
        {
            throw new BadRequestException($"the working directory '{config.WorkingDir}' is invalid, it needs to be an absolute path");
        }
        if (config.Tty && hc.ConsoleSize is [var h, var w, ..] && (h > 0 || w > 0))
        {
            process.ConsoleSize = new OciBox { Height = (uint)h, Width = (uint)w };
        }
        var caps = Capabilities.Compute(hc.CapAdd, hc.CapDrop, hc.Privileged, host.AvailableCapabilities);
        process.Capabilities = new OciCapabilities { Bounding = caps, Effective = [.. caps], Permitted = [.. caps] };
        process.Rlimits = Rlimits(hc.Ulimits, warnings);
        if (!hc.Privileged && security.AppArmor is { Length: > 0 } aa && aa != "unconfined")
        {
            process.ApparmorProfile = aa;
        }
        spec.Process = process;

        // Mounts.
        var useInit = (hc.Init ?? req.DefaultInit) && ns.PrivatePid;
        spec.Mounts = BuildMounts(req, hc, ns, security, useInit);
        if (useInit)
        {
            process.Args = [InitPathInContainer, "--", .. process.Args];
        }
        if (req.Mounts.Any(m => HasOption(m, "shared") || HasOption(m, "rshared")))
        {
            spec.Linux.RootfsPropagation = "shared";
        }
        else if (req.Mounts.Any(m => HasOption(m, "slave") || HasOption(m, "rslave")))
        {
            spec.Linux.RootfsPropagation = "rslave";
        }

        // Linux.
        var linux = spec.Linux;
        linux.Namespaces = ns.Namespaces;
        linux.Sysctl = Sysctls(hc, ns);
        linux.Resources = ResourceTranslator.Translate(hc, devices);
        ApplyDevices(hc, linux);
        linux.CgroupsPath = CgroupsPath(req);
        if (hc.Privileged)
        {
            linux.MaskedPaths = null;
            linux.ReadonlyPaths = null;
        }
        else
        {
            linux.MaskedPaths = hc.MaskedPaths is not null ? [.. hc.MaskedPaths] : [.. DefaultMounts.MaskedPaths];
            linux.ReadonlyPaths = hc.ReadonlyPaths is not null ? [.. hc.ReadonlyPaths] : [.. DefaultMounts.ReadonlyPaths];
        }
        linux.Seccomp = Seccomp(hc, security, caps);
        return new OciSpecResult(spec, warnings);
    }

    /// <summary>Writes config.json into <paramref name="bundleDir"/> (temp file, then rename).</summary>
    public static async Task WriteAsync(OciSpec spec, string bundleDir, CancellationToken ct = default)
    {
        Directory.CreateDirectory(bundleDir);
        var target = Path.Combine(bundleDir, "config.json");
        var tmp = target + ".tmp";
        await using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            await JsonSerializer.SerializeAsync(fs, spec, OciSpecJsonContext.Default.OciSpec, ct);
        }
        File.Move(tmp, target, overwrite: true);
    }

    /// <summary>The JSON text of a spec.</summary>
    public static string ToJson(OciSpec spec) => JsonSerializer.Serialize(spec, OciSpecJsonContext.Default.OciSpec);

    private static string ShortId(string id) => id.Length > 12 ? id[..12] : id;

    private static bool HasOption(UserMount m, string o) => m.Options?.Contains(o) == true;

    private string CgroupsPath(OciSpecRequest req)
    {
        var parent = string.IsNullOrEmpty(req.HostConfig.CgroupParent) ? req.CgroupParent : req.HostConfig.CgroupParent;
        if (req.CgroupDriver == CgroupDriver.Systemd)
        {
            if (string.IsNullOrEmpty(parent) || parent.StartsWith('/')) parent = "system.slice";
            if (!parent.EndsWith(".slice", StringComparison.Ordinal))
            {
                throw new BadRequestException("cgroup-parent for systemd cgroup should be a valid slice named as \"xxx.slice\"");
            }
            return $"{parent}:wharf:{req.ContainerId}";
        }
        var trimmed = parent.TrimEnd('/');
        return trimmed.Length == 0 ? "/" + req.ContainerId : $"{trimmed}/{req.ContainerId}";
    }

    private Dictionary<string, string>? Sysctls(HostConfig hc, ResolvedNamespaces ns)
    {
        SysctlValidator.Validate(hc.Sysctls, ns.IpcNamespace, ns.NetNamespaceNotHost, ns.PrivateUts);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (ns.NetworkIsPrivate)
        {
            // As Docker: ping without CAP_NET_RAW, and ports below 1024 without CAP_NET_BIND_SERVICE.
            if (host.SysctlExists("net.ipv4.ping_group_range")) result["net.ipv4.ping_group_range"] = "0 2147483647";
            if (host.SysctlExists("net.ipv4.ip_unprivileged_port_start")) result["net.ipv4.ip_unprivileged_port_start"] = "0";
        }
        foreach (var (k, v) in hc.Sysctls ?? []) result[k] = v;
        return result.Count > 0 ? result : null;
    }

    private List<OciRlimit> Rlimits(List<Ulimit>? ulimits, List<string> warnings)
    {
        var result = new List<OciRlimit>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var u in ulimits ?? [])
        {
            var name = (u.Name ?? "").ToLowerInvariant();
            if (!HostLimits.Resources.ContainsKey(name))
            {
                throw new BadRequestException($"invalid ulimit type: {u.Name}");
            }
            var soft = u.Soft < 0 ? ulong.MaxValue : (ulong)u.Soft;
            var hard = u.Hard < 0 ? ulong.MaxValue : (ulong)u.Hard;
            if (soft > hard)
            {
                throw new BadRequestException($"ulimit soft limit must be less than or equal to hard limit: {u.Soft} > {u.Hard}");
            }
            if (!host.CanRaiseHardLimits)
            {
                // Without CAP_SYS_RESOURCE no process (runc included) can raise a hard limit above
                // the one wharfd has: asking for it fails the start with EPERM. Clamp and say so.
                var (_, hostHard) = host.GetRlimit(name);
                if (hard > hostHard)
                {
                    warnings.Add($"Ulimit {name}={Show(soft)}:{Show(hard)} exceeds the daemon's hard limit {Show(hostHard)}; " +
                        $"the container gets {Show(Math.Min(soft, hostHard))}:{Show(hostHard)}");
                    hard = hostHard;
                    soft = Math.Min(soft, hostHard);
                }
            }
            if (seen.Add(name))
            {
                result.Add(new OciRlimit { Type = "RLIMIT_" + name.ToUpperInvariant(), Soft = soft, Hard = hard });
            }
        }
        if (!seen.Contains("nofile"))
        {
            // Docker passes its own limits on; so does wharfd, explicitly, so the shim's limits never leak in.
            var (s, h) = host.GetRlimit("nofile");
            result.Add(new OciRlimit { Type = "RLIMIT_NOFILE", Soft = s, Hard = h });
        }
        return result;
    }

    private static string Show(ulong v) => v == ulong.MaxValue ? "unlimited" : v.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
