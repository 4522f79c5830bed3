using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Wharf.Api.Json;
using Wharf.Api.Models;
using Wharf.Compose.Model;

namespace Wharf.Compose.Engine;

/// <summary>A service's container create request, and the hash of it that tells whether a container is out of date.</summary>
public static class ContainerSpec
{
    /// <summary>The request for one container of the service; names and number are filled per container.</summary>
    public static ContainerCreateRequest Build(ComposeProject project, ServiceConfig s, string imageRef)
    {
        var hc = new HostConfig
        {
            NetworkMode = NetworkMode(project, s),
            RestartPolicy = Restart(s.Restart),
            Privileged = s.Privileged,
            CapAdd = s.CapAdd.Count > 0 ? [.. s.CapAdd] : null,
            CapDrop = s.CapDrop.Count > 0 ? [.. s.CapDrop] : null,
            SecurityOpt = s.SecurityOpt.Count > 0 ? [.. s.SecurityOpt] : null,
            Dns = s.Dns.Count > 0 ? [.. s.Dns] : null,
            DnsSearch = s.DnsSearch.Count > 0 ? [.. s.DnsSearch] : null,
            DnsOptions = s.DnsOpt.Count > 0 ? [.. s.DnsOpt] : null,
            ExtraHosts = s.ExtraHosts.Count > 0 ? [.. s.ExtraHosts] : null,
            Memory = s.MemLimit,
            MemoryReservation = s.MemReservation,
            MemorySwap = s.MemswapLimit,
            CpuShares = s.CpuShares,
            NanoCpus = s.NanoCpus,
            CpusetCpus = s.Cpuset ?? "",
            PidsLimit = s.PidsLimit,
            ShmSize = s.ShmSize,
            Init = s.Init,
            ReadonlyRootfs = s.ReadOnly,
            Sysctls = s.Sysctls.Count > 0 ? new Dictionary<string, string>(s.Sysctls) : null,
            Ulimits = s.Ulimits.Count > 0 ? s.Ulimits.Select(u => new Ulimit { Name = u.Key, Soft = u.Value.Soft, Hard = u.Value.Hard }).ToList() : null,
            LogConfig = new LogConfig { Type = s.LogDriver ?? "", Config = new Dictionary<string, string>(s.LogOptions) },
            PidMode = s.Pid ?? "",
            IpcMode = s.Ipc ?? "",
            OomScoreAdj = s.OomScoreAdj,
            GroupAdd = s.GroupAdd.Count > 0 ? [.. s.GroupAdd] : null,
            UsernsMode = s.UsernsMode ?? "",
            Runtime = s.Runtime,
            CgroupParent = s.CgroupParent ?? "",
            VolumesFrom = s.VolumesFrom.Count > 0 ? s.VolumesFrom.Select(v => VolumesFromRef(project, v)).ToList() : null,
            Tmpfs = s.Tmpfs.Count > 0 ? s.Tmpfs.ToDictionary(t => t.Split(':')[0], t => t.Contains(':') ? t[(t.IndexOf(':') + 1)..] : "") : null,
            Mounts = s.Volumes.Count > 0 ? s.Volumes.Select(v => Mount(project, v)).ToList() : null,
            PortBindings = s.Ports.Count > 0 ? PortBindings(s) : null,
        };
        var exposed = new SortedDictionary<string, EmptyObject>(StringComparer.Ordinal);
        foreach (var p in s.Ports) exposed[$"{p.Target}/{p.Protocol}"] = EmptyObject.Instance;
        foreach (var e in s.Expose) exposed[e.Contains('/') ? e : e + "/tcp"] = EmptyObject.Instance;
        var labels = new Dictionary<string, string>(s.Labels, StringComparer.Ordinal)
        {
            [Labels.Project] = project.Name,
            [Labels.Service] = s.Name,
            [Labels.OneOff] = "False",
            [Labels.Version] = Labels.ComposeVersion,
            [Labels.WorkingDir] = project.WorkingDir,
            [Labels.ConfigFiles] = string.Join(',', project.ConfigFiles),
            [Labels.Image] = imageRef,
        };
        if (s.DependsOn.Count > 0)
            labels[Labels.DependsOn] = string.Join(',', s.DependsOn.Select(d => $"{d.Key}:{d.Value.Condition}:{(d.Value.Restart ? "true" : "false")}"));
        return new ContainerCreateRequest
        {
            Image = imageRef,
            Cmd = s.Command,
            Entrypoint = s.Entrypoint,
            Env = s.Environment.Select(kv => kv.Key + "=" + kv.Value).ToList(),
            Hostname = s.Hostname ?? "",
            Domainname = s.Domainname ?? "",
            User = s.User ?? "",
            WorkingDir = s.WorkingDir ?? "",
            Tty = s.Tty,
            OpenStdin = s.StdinOpen,
            AttachStdout = true,
            AttachStderr = true,
            Labels = labels,
            ExposedPorts = exposed.Count > 0 ? new Dictionary<string, EmptyObject>(exposed) : null,
            StopSignal = s.StopSignal,
            StopTimeout = s.StopGracePeriod,
            MacAddress = s.MacAddress,
            Healthcheck = Health(s.Healthcheck),
            HostConfig = hc,
        };
    }

    /// <summary>The endpoint settings for the service's networks, with the service name as an alias on each.</summary>
    public static NetworkingConfig? Networking(ComposeProject project, ServiceConfig s, string containerName)
    {
        if (s.Networks.Count == 0) return null;
        var eps = new Dictionary<string, EndpointSettings?>(StringComparer.Ordinal);
        foreach (var (key, net) in s.Networks)
        {
            var aliases = new List<string> { s.Name };
            aliases.AddRange(net.Aliases.Where(a => a != s.Name));
            eps[project.Networks[key].Name] = new EndpointSettings
            {
                Aliases = aliases,
                IPAMConfig = net.Ipv4Address is null && net.Ipv6Address is null ? null : new EndpointIpamConfig { IPv4Address = net.Ipv4Address, IPv6Address = net.Ipv6Address },
                MacAddress = net.MacAddress ?? "",
                Links = Links(project, s),
            };
        }
        return new NetworkingConfig { EndpointsConfig = eps };
    }

    /// <summary>links: as endpoint links "container:alias" to the first container of each linked service.</summary>
    static List<string>? Links(ComposeProject project, ServiceConfig s)
    {
        var links = new List<string>();
        foreach (var (svc, alias) in s.Links)
        {
            var target = project.Service(svc);
            if (target is null) continue;
            var name = target.ContainerName ?? Labels.ContainerName(project.Name, svc, 1);
            if (alias != svc) links.Add(name + ":" + alias);
        }
        links.AddRange(s.ExternalLinks.Select(l => l.Contains(':') ? l : l + ":" + l));
        return links.Count > 0 ? links : null;
    }

    /// <summary>The primary network: the service's network_mode, or its first (highest priority) network.</summary>
    static string NetworkMode(ComposeProject project, ServiceConfig s)
    {
        if (s.NetworkMode is { } mode)
        {
            if (mode.StartsWith("service:", StringComparison.Ordinal))
            {
                var target = project.Service(mode[8..]);
                return "container:" + (target?.ContainerName ?? Labels.ContainerName(project.Name, mode[8..], 1));
            }
            return mode;
        }
        var first = s.Networks.OrderByDescending(n => n.Value.Priority).ThenBy(n => n.Key, StringComparer.Ordinal).First();
        return project.Networks[first.Key].Name;
    }

    static string VolumesFromRef(ComposeProject project, string spec)
    {
        var parts = spec.Split(':');
        var mode = parts.Length > 1 && parts[^1] is "ro" or "rw" ? ":" + parts[^1] : "";
        if (parts[0] == "container") return parts[1] + mode;
        var svc = project.Service(parts[0]);
        return (svc?.ContainerName ?? Labels.ContainerName(project.Name, parts[0], 1)) + mode;
    }

    static RestartPolicy Restart(string? r)
    {
        if (r is null) return new RestartPolicy { Name = "no" };
        if (r.StartsWith("on-failure:", StringComparison.Ordinal))
            return new RestartPolicy { Name = "on-failure", MaximumRetryCount = int.Parse(r[11..], CultureInfo.InvariantCulture) };
        return new RestartPolicy { Name = r };
    }

    internal static Mount Mount(ComposeProject project, VolumeMount v) => v.Type switch
    {
        "bind" => new Mount
        {
            Type = "bind", Source = v.Source, Target = v.Target, ReadOnly = v.ReadOnly,
            BindOptions = new MountBindOptions { CreateMountpoint = v.CreateHostPath, Propagation = v.Propagation },
        },
        "tmpfs" => new Mount
        {
            Type = "tmpfs", Target = v.Target, ReadOnly = v.ReadOnly,
            TmpfsOptions = v.TmpfsSize > 0 || v.TmpfsMode > 0 ? new MountTmpfsOptions { SizeBytes = v.TmpfsSize, Mode = v.TmpfsMode } : null,
        },
        _ => new Mount
        {
            Type = "volume", Target = v.Target, ReadOnly = v.ReadOnly,
            Source = v.Source is null ? null : project.Volumes.TryGetValue(v.Source, out var vol) ? vol.Name : v.Source,
            VolumeOptions = v.NoCopy ? new MountVolumeOptions { NoCopy = true } : null,
        },
    };

    static Dictionary<string, List<PortBinding>?> PortBindings(ServiceConfig s)
    {
        var d = new Dictionary<string, List<PortBinding>?>(StringComparer.Ordinal);
        foreach (var p in s.Ports)
        {
            var key = $"{p.Target}/{p.Protocol}";
            if (!d.TryGetValue(key, out var list) || list is null) d[key] = list = [];
            list.Add(new PortBinding { HostIp = p.HostIp ?? "", HostPort = p.Published ?? "" });
        }
        return d;
    }

    static HealthConfig? Health(HealthcheckConfig? h)
    {
        if (h is null) return null;
        if (h.Disable) return new HealthConfig { Test = ["NONE"] };
        return new HealthConfig
        {
            Test = h.Test, Interval = h.Interval, Timeout = h.Timeout, StartPeriod = h.StartPeriod,
            StartInterval = h.StartInterval, Retries = h.Retries,
        };
    }

    /// <summary>
    /// The config hash label: sha256 of the request (with the image's id, so a rebuilt or re-pulled image
    /// counts as a change) and the networks joined. Containers whose label differs are recreated.
    /// </summary>
    public static string Hash(ContainerCreateRequest request, NetworkingConfig? networking, string imageId)
    {
        var sb = new StringBuilder();
        sb.Append(JsonSerializer.Serialize(request, WharfJsonContext.Default.ContainerCreateRequest));
        if (networking is not null) sb.Append(JsonSerializer.Serialize(networking, WharfJsonContext.Default.NetworkingConfig));
        sb.Append(imageId);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }
}
