using System.Globalization;
using Wharf.Compose.Model;
using Wharf.Compose.Yaml;

namespace Wharf.Compose.Loading;

/// <summary>Turns the validated, merged tree into the typed project.</summary>
internal static class ModelBuilder
{
    public static void Build(ComposeProject project, MapNode root, HashSet<string> profiles, Func<string, string?> lookup)
    {
        if (root["networks"] is MapNode nets)
            foreach (var (key, node) in nets.Entries)
                project.Networks[key] = Network(project.Name, key, (MapNode)node);
        if (root["volumes"] is MapNode vols)
            foreach (var (key, node) in vols.Entries)
                project.Volumes[key] = Volume(project.Name, key, (MapNode)node);
        if (root["services"] is not MapNode services) return;
        foreach (var (name, node) in services.Entries)
        {
            if (name.StartsWith("x-", StringComparison.Ordinal)) continue;
            var s = Service(project, name, (MapNode)node, lookup);
            if (s.Profiles.Count == 0 || s.Profiles.Any(profiles.Contains) || profiles.Contains("*")) project.Services.Add(s);
            else project.DisabledServices.Add(s);
        }
        // A service named on the command line is enabled with its profile; callers do that through EnableService.
        bool usesDefault = project.Services.Any(s => s.NetworkMode is null && s.Networks.ContainsKey("default"));
        if (usesDefault && !project.Networks.ContainsKey("default"))
            project.Networks["default"] = new NetworkConfig { Key = "default", Name = project.Name + "_default" };
    }

    static string? Str(MapNode m, string key) => m[key] is ScalarNode s ? s.Value : null;

    static bool Bool(MapNode m, string key) => m[key] is ScalarNode s && Validator.ParseBool(s.Value) == true;

    static Dictionary<string, string> StrMap(MapNode m, string key)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        if (m[key] is MapNode mm) foreach (var (k, v) in mm.Entries) d[k] = ((ScalarNode)v).Value;
        return d;
    }

    static List<string> StrList(MapNode m, string key) => m[key] switch
    {
        SeqNode seq => seq.Items.Select(i => ((ScalarNode)i).Value).ToList(),
        ScalarNode s => [s.Value],
        _ => [],
    };

    static (bool External, string? Name) External(MapNode m)
    {
        return m["external"] switch
        {
            ScalarNode s => (Validator.ParseBool(s.Value) == true, null),
            MapNode em => (true, Str(em, "name")),
            _ => (false, null),
        };
    }

    static NetworkConfig Network(string project, string key, MapNode m)
    {
        var (external, extName) = External(m);
        var name = Str(m, "name") ?? extName ?? (external ? key : project + "_" + key);
        var pools = new List<IpamPool>();
        string? ipamDriver = null;
        if (m["ipam"] is MapNode ipam)
        {
            ipamDriver = Str(ipam, "driver");
            if (ipam["config"] is SeqNode cfgs)
                foreach (var c in cfgs.Items.OfType<MapNode>())
                    pools.Add(new IpamPool(Str(c, "subnet"), Str(c, "ip_range"), Str(c, "gateway"), c["aux_addresses"] is MapNode ? StrMap(c, "aux_addresses") : null));
        }
        return new NetworkConfig
        {
            Key = key, Name = name, Driver = Str(m, "driver"), DriverOpts = StrMap(m, "driver_opts"), External = external,
            Internal = Bool(m, "internal"), Attachable = Bool(m, "attachable"), EnableIpv6 = Bool(m, "enable_ipv6"),
            Labels = StrMap(m, "labels"), IpamDriver = ipamDriver, IpamConfig = pools,
        };
    }

    static VolumeConfig Volume(string project, string key, MapNode m)
    {
        var (external, extName) = External(m);
        return new VolumeConfig
        {
            Key = key, Name = Str(m, "name") ?? extName ?? (external ? key : project + "_" + key), Driver = Str(m, "driver"),
            DriverOpts = StrMap(m, "driver_opts"), External = external, Labels = StrMap(m, "labels"),
        };
    }

    static ServiceConfig Service(ComposeProject project, string name, MapNode m, Func<string, string?> lookup)
    {
        var p = "services." + name;
        var s = new ServiceConfig { Name = name };
        s.Image = Str(m, "image");
        if (m["build"] is { } b) s.Build = Build(project, b);
        if (s.Image is null && s.Build is null)
            throw ComposeFileException.At(m.Mark, $"{p}: service has neither an image nor a build context specified");
        s.Command = Command(m, "command", p);
        s.Entrypoint = Command(m, "entrypoint", p);

        foreach (var f in StrList(m, "env_file"))
        {
            var path = Path.GetFullPath(f, project.WorkingDir);
            if (!File.Exists(path)) throw ComposeFileException.At(m["env_file"]!.Mark, $"{p}.env_file: env file {path} not found");
            foreach (var (k, v) in EnvFile.Read(path, lookup)) if (v is not null) s.Environment[k] = v;
        }
        if (m["environment"] is MapNode env)
            foreach (var (k, v) in env.Entries)
            {
                var sv = (ScalarNode)v;
                if (!sv.IsNull) s.Environment[k] = sv.Value;
                else if (lookup(k) is { } fromEnv) s.Environment[k] = fromEnv;
            }

        if (m["ports"] is SeqNode ports)
            foreach (var port in ports.Items) s.Ports.AddRange(Ports(port, p + ".ports"));
        s.Expose.AddRange(StrList(m, "expose"));
        if (m["volumes"] is SeqNode vols)
            foreach (var v in vols.Items) s.Volumes.Add(VolumeMountOf(project, v, p + ".volumes"));
        s.VolumesFrom.AddRange(StrList(m, "volumes_from"));
        s.NetworkMode = Str(m, "network_mode");
        if (m["networks"] is MapNode sn)
        {
            if (s.NetworkMode is not null) throw ComposeFileException.At(sn.Mark, $"{p}: network_mode and networks cannot be combined");
            foreach (var (k, v) in sn.Entries)
            {
                var nm = (MapNode)v;
                var net = new ServiceNetwork
                {
                    Ipv4Address = Str(nm, "ipv4_address"), Ipv6Address = Str(nm, "ipv6_address"), MacAddress = Str(nm, "mac_address"),
                    Priority = Str(nm, "priority") is { } pr ? int.Parse(pr, CultureInfo.InvariantCulture) : 0,
                };
                net.Aliases.AddRange(StrList(nm, "aliases"));
                s.Networks[k] = net;
            }
        }
        else if (s.NetworkMode is null) s.Networks["default"] = new ServiceNetwork();
        foreach (var l in StrList(m, "links"))
        {
            var parts = l.Split(':', 2);
            s.Links.Add((parts[0], parts.Length > 1 ? parts[1] : parts[0]));
        }
        s.ExternalLinks.AddRange(StrList(m, "external_links"));
        if (m["depends_on"] is MapNode deps)
            foreach (var (k, v) in deps.Entries)
            {
                var dm = (MapNode)v;
                var cond = Str(dm, "condition") ?? "service_started";
                if (cond is not ("service_started" or "service_healthy" or "service_completed_successfully"))
                    throw ComposeFileException.At(dm["condition"]!.Mark, $"{p}.depends_on.{k}.condition must be one of service_started, service_healthy, service_completed_successfully");
                s.DependsOn[k] = new Dependency(cond, Bool(dm, "restart"), dm["required"] is not ScalarNode r || Validator.ParseBool(r.Value) != false);
            }
        if (m["healthcheck"] is MapNode hc) s.Healthcheck = Healthcheck(hc, p + ".healthcheck");
        s.Restart = Str(m, "restart");
        if (s.Restart is not null && s.Restart is not ("no" or "always" or "unless-stopped" or "on-failure") && !s.Restart.StartsWith("on-failure:", StringComparison.Ordinal))
            throw ComposeFileException.At(m["restart"]!.Mark, $"{p}.restart: invalid restart policy \"{s.Restart}\"");
        var deploy = m["deploy"] as MapNode;
        if (Str(m, "scale") is { } scale) s.Replicas = int.Parse(scale, CultureInfo.InvariantCulture);
        if (deploy is not null && Str(deploy, "replicas") is { } rep) s.Replicas = int.Parse(rep, CultureInfo.InvariantCulture);
        s.ContainerName = Str(m, "container_name");
        if (s.ContainerName is not null && s.Replicas > 1)
            throw ComposeFileException.At(m["container_name"]!.Mark, $"{p}: container_name \"{s.ContainerName}\" cannot be used with more than one replica");
        s.Hostname = Str(m, "hostname");
        s.Domainname = Str(m, "domainname");
        s.WorkingDir = Str(m, "working_dir");
        s.User = Str(m, "user");
        foreach (var (k, v) in StrMap(m, "labels")) s.Labels[k] = v;
        if (deploy?["labels"] is MapNode) foreach (var (k, v) in StrMap(deploy, "labels")) s.Labels[k] = v;
        var limits = (deploy?["resources"] as MapNode)?["limits"] as MapNode;
        var reservations = (deploy?["resources"] as MapNode)?["reservations"] as MapNode;
        long Size(MapNode? node, string key, string path) => node?[key] is ScalarNode v ? Units.Bytes(v.Value, v.Mark, path) : 0;
        s.MemLimit = Size(m, "mem_limit", p + ".mem_limit") is var ml and > 0 ? ml : Size(limits, "memory", p + ".deploy.resources.limits.memory");
        s.MemReservation = Size(m, "mem_reservation", p + ".mem_reservation") is var mr and > 0 ? mr : Size(reservations, "memory", p + ".deploy.resources.reservations.memory");
        s.MemswapLimit = m["memswap_limit"] is ScalarNode { Value: "-1" } ? -1 : Size(m, "memswap_limit", p + ".memswap_limit");
        if (Str(m, "cpu_shares") is { } cs) s.CpuShares = long.Parse(cs, CultureInfo.InvariantCulture);
        var cpus = Str(m, "cpus") ?? (limits is null ? null : Str(limits, "cpus"));
        if (cpus is not null)
        {
            if (!double.TryParse(cpus, NumberStyles.Float, CultureInfo.InvariantCulture, out var c) || c < 0)
                throw ComposeFileException.At((m["cpus"] ?? limits!["cpus"])!.Mark, $"{p}.cpus must be a positive number");
            s.NanoCpus = (long)(c * 1e9);
        }
        s.Cpuset = Str(m, "cpuset");
        if (Str(m, "pids_limit") is { } pl) s.PidsLimit = long.Parse(pl, CultureInfo.InvariantCulture);
        else if (limits is not null && Str(limits, "pids") is { } pl2) s.PidsLimit = long.Parse(pl2, CultureInfo.InvariantCulture);
        s.ShmSize = Size(m, "shm_size", p + ".shm_size");
        foreach (var (k, v) in StrMap(m, "extra_hosts"))
            s.ExtraHosts.Add(v.Length == 0 ? k : k + ":" + v);
        s.Dns.AddRange(StrList(m, "dns"));
        s.DnsSearch.AddRange(StrList(m, "dns_search"));
        s.DnsOpt.AddRange(StrList(m, "dns_opt"));
        s.Privileged = Bool(m, "privileged");
        s.CapAdd.AddRange(StrList(m, "cap_add"));
        s.CapDrop.AddRange(StrList(m, "cap_drop"));
        s.SecurityOpt.AddRange(StrList(m, "security_opt"));
        s.StopSignal = Str(m, "stop_signal");
        if (m["stop_grace_period"] is ScalarNode sg) s.StopGracePeriod = (int)(Units.Duration(sg.Value, sg.Mark, p + ".stop_grace_period") / 1_000_000_000);
        s.Tty = Bool(m, "tty");
        s.StdinOpen = Bool(m, "stdin_open");
        if (m["init"] is ScalarNode init) s.Init = Validator.ParseBool(init.Value);
        s.ReadOnly = Bool(m, "read_only");
        s.Tmpfs.AddRange(StrList(m, "tmpfs"));
        if (m["logging"] is MapNode lg)
        {
            s.LogDriver = Str(lg, "driver");
            foreach (var (k, v) in StrMap(lg, "options")) s.LogOptions[k] = v;
        }
        if (m["ulimits"] is MapNode ul)
            foreach (var (k, v) in ul.Entries)
                s.Ulimits[k] = v switch
                {
                    ScalarNode one => (long.Parse(one.Value, CultureInfo.InvariantCulture), long.Parse(one.Value, CultureInfo.InvariantCulture)),
                    MapNode sh => (long.Parse(Str(sh, "soft") ?? "0", CultureInfo.InvariantCulture), long.Parse(Str(sh, "hard") ?? "0", CultureInfo.InvariantCulture)),
                    _ => (0, 0),
                };
        foreach (var (k, v) in StrMap(m, "sysctls")) s.Sysctls[k] = v;
        s.Profiles.AddRange(StrList(m, "profiles"));
        s.Pid = Str(m, "pid");
        s.Ipc = Str(m, "ipc");
        s.Devices.AddRange(StrList(m, "devices"));
        s.Platform = Str(m, "platform");
        s.PullPolicy = Str(m, "pull_policy");
        if (s.PullPolicy is not null && !PullPolicies.IsValid(s.PullPolicy))
            throw ComposeFileException.At(m["pull_policy"]!.Mark, $"{p}.pull_policy: invalid pull policy \"{s.PullPolicy}\" (always, never, missing, build, daily, weekly or every_<duration>)");
        if (s.PullPolicy == "build" && m["build"] is null)
            throw ComposeFileException.At(m["pull_policy"]!.Mark, $"{p}.pull_policy: build needs a build section");
        if (Str(m, "oom_score_adj") is { } oom) s.OomScoreAdj = int.Parse(oom, CultureInfo.InvariantCulture);
        s.GroupAdd.AddRange(StrList(m, "group_add"));
        s.MacAddress = Str(m, "mac_address");
        s.UsernsMode = Str(m, "userns_mode");
        s.Runtime = Str(m, "runtime");
        s.CgroupParent = Str(m, "cgroup_parent");
        return s;
    }

    static BuildConfig Build(ComposeProject project, Node node)
    {
        if (node is ScalarNode s) return new BuildConfig { Context = Path.GetFullPath(s.Value, project.WorkingDir) };
        var m = (MapNode)node;
        var b = new BuildConfig
        {
            Context = Path.GetFullPath(Str(m, "context") ?? ".", project.WorkingDir),
            Dockerfile = Str(m, "dockerfile") ?? "Dockerfile", DockerfileInline = Str(m, "dockerfile_inline"),
            Target = Str(m, "target"), NoCache = Bool(m, "no_cache"), Pull = Bool(m, "pull"), Network = Str(m, "network"),
        };
        if (m["args"] is MapNode args)
            foreach (var (k, v) in args.Entries) b.Args[k] = ((ScalarNode)v).IsNull ? project.Environment.GetValueOrDefault(k) : ((ScalarNode)v).Value;
        foreach (var (k, v) in StrMap(m, "labels")) b.Labels[k] = v;
        b.Tags.AddRange(StrList(m, "tags"));
        return b;
    }

    static List<string>? Command(MapNode m, string key, string path) => m[key] switch
    {
        SeqNode seq => seq.Items.Select(i => ((ScalarNode)i).Value).ToList(),
        ScalarNode s => Units.ShellSplit(s.Value, s.Mark, path + "." + key),
        _ => null,
    };

    static HealthcheckConfig Healthcheck(MapNode m, string path)
    {
        long D(string key) => m[key] is ScalarNode s ? Units.Duration(s.Value, s.Mark, path + "." + key) : 0;
        List<string>? test = m["test"] switch
        {
            SeqNode seq => seq.Items.Select(i => ((ScalarNode)i).Value).ToList(),
            ScalarNode s => ["CMD-SHELL", s.Value],
            _ => null,
        };
        if (test is { Count: > 0 } && test[0] is not ("NONE" or "CMD" or "CMD-SHELL"))
            throw ComposeFileException.At(m["test"]!.Mark, $"{path}.test must start with NONE, CMD or CMD-SHELL");
        return new HealthcheckConfig
        {
            Test = test, Interval = D("interval"), Timeout = D("timeout"), StartPeriod = D("start_period"),
            StartInterval = D("start_interval"), Disable = Bool(m, "disable"),
            Retries = Str(m, "retries") is { } r ? int.Parse(r, CultureInfo.InvariantCulture) : 0,
        };
    }

    /// <summary>Short ("[ip:][published:]target[/proto]", ranges expanded) and long port syntax.</summary>
    internal static IEnumerable<PortConfig> Ports(Node node, string path)
    {
        if (node is MapNode m)
        {
            yield return new PortConfig(int.Parse(Str(m, "target") ?? throw ComposeFileException.At(m.Mark, $"{path}: target is required"), CultureInfo.InvariantCulture),
                Str(m, "published"), Str(m, "host_ip"), Str(m, "protocol") ?? "tcp");
            yield break;
        }
        var text = ((ScalarNode)node).Value;
        var proto = "tcp";
        var slash = text.LastIndexOf('/');
        if (slash >= 0)
        {
            proto = text[(slash + 1)..];
            text = text[..slash];
        }
        string? ip = null;
        string? published = null;
        string target;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']');
            ip = text[1..close];
            text = text[(close + 2)..];
        }
        var parts = text.Split(':');
        switch (parts.Length)
        {
            case 1: target = parts[0]; break;
            case 2: published = parts[0]; target = parts[1]; break;
            case 3: ip ??= parts[0]; published = parts[1]; target = parts[2]; break;
            default: throw ComposeFileException.At(node.Mark, $"{path}: invalid port \"{((ScalarNode)node).Value}\"");
        }
        if (published?.Length == 0) published = null;
        var (t0, t1) = Range(target, node, path);
        if (published is not null && published.Contains('-') && t0 != t1)
        {
            var (p0, p1) = Range(published, node, path);
            if (p1 - p0 != t1 - t0) throw ComposeFileException.At(node.Mark, $"{path}: port ranges don't match in \"{((ScalarNode)node).Value}\"");
            for (int i = 0; i <= t1 - t0; i++) yield return new PortConfig(t0 + i, (p0 + i).ToString(CultureInfo.InvariantCulture), ip, proto);
            yield break;
        }
        for (int t = t0; t <= t1; t++) yield return new PortConfig(t, published, ip, proto);
    }

    static (int, int) Range(string text, Node node, string path)
    {
        var dash = text.IndexOf('-');
        if (dash < 0)
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var one) || one is < 1 or > 65535)
                throw ComposeFileException.At(node.Mark, $"{path}: invalid port \"{((ScalarNode)node).Value}\"");
            return (one, one);
        }
        var (a, _) = Range(text[..dash], node, path);
        var (b, _) = Range(text[(dash + 1)..], node, path);
        if (b < a) throw ComposeFileException.At(node.Mark, $"{path}: invalid port range \"{text}\"");
        return (a, b);
    }

    internal static VolumeMount VolumeMountOf(ComposeProject project, Node node, string path)
    {
        if (node is MapNode m)
        {
            var type = Str(m, "type") ?? "volume";
            var target = Str(m, "target") ?? throw ComposeFileException.At(m.Mark, $"{path}: target is required");
            var source = Str(m, "source");
            if (type == "bind")
            {
                if (source is null) throw ComposeFileException.At(m.Mark, $"{path}: a bind mount needs a source");
                source = HostPath(source, project);
            }
            var tmpfs = m["tmpfs"] as MapNode;
            return new VolumeMount(type, source, target, Bool(m, "read_only"),
                NoCopy: m["volume"] is MapNode vm && Bool(vm, "nocopy"),
                CreateHostPath: m["bind"] is not MapNode bm || bm["create_host_path"] is not ScalarNode chp || Validator.ParseBool(chp.Value) != false,
                TmpfsSize: tmpfs?["size"] is ScalarNode ts ? Units.Bytes(ts.Value, ts.Mark, path + ".tmpfs.size") : 0,
                TmpfsMode: tmpfs?["mode"] is ScalarNode tm ? int.Parse(tm.Value, CultureInfo.InvariantCulture) : 0,
                Propagation: m["bind"] is MapNode bp ? Str(bp, "propagation") : null);
        }
        var text = ((ScalarNode)node).Value;
        var parts = text.Split(':');
        string? src = null;
        string dst;
        string mode = "";
        switch (parts.Length)
        {
            case 1: dst = parts[0]; break;
            case 2: src = parts[0]; dst = parts[1]; break;
            case 3: src = parts[0]; dst = parts[1]; mode = parts[2]; break;
            default: throw ComposeFileException.At(node.Mark, $"{path}: invalid volume specification \"{text}\"");
        }
        if (!dst.StartsWith('/')) throw ComposeFileException.At(node.Mark, $"{path}: invalid volume specification \"{text}\": the target must be an absolute path");
        var ro = mode.Split(',').Contains("ro");
        if (src is null) return new VolumeMount("volume", null, dst, ro);
        if (src.StartsWith('.') || src.StartsWith('/') || src.StartsWith('~'))
            return new VolumeMount("bind", HostPath(src, project), dst, ro);
        return new VolumeMount("volume", src, dst, ro, NoCopy: mode.Split(',').Contains("nocopy"));
    }

    static string HostPath(string source, ComposeProject project)
    {
        if (source.StartsWith('~')) source = (project.Environment.GetValueOrDefault("HOME") ?? "/") + source[1..];
        return Path.GetFullPath(source, project.WorkingDir);
    }
}
