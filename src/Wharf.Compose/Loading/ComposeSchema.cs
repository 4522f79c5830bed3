namespace Wharf.Compose.Loading;

/// <summary>The keys of the compose specification that Wharf knows, with their shapes.</summary>
public static class ComposeSchema
{
    static readonly Shape Build = Shape.StrOrObj(Shape.Obj(
        ("context", Shape.Str), ("dockerfile", Shape.Str), ("dockerfile_inline", Shape.Str), ("args", Shape.ListOrMap),
        ("target", Shape.Str), ("labels", Shape.ListOrMap), ("cache_from", Shape.StrList), ("cache_to", Shape.StrList),
        ("network", Shape.Str), ("shm_size", Shape.Str), ("extra_hosts", Shape.ListOrMap), ("no_cache", Shape.Bool),
        ("pull", Shape.Bool), ("tags", Shape.StrList), ("platforms", Shape.StrList), ("isolation", Shape.Str)));

    static readonly Shape Port = Shape.StrOrObj(Shape.Obj(
        ("target", Shape.Int), ("published", Shape.Str), ("host_ip", Shape.Str), ("protocol", Shape.Str),
        ("mode", Shape.Str), ("name", Shape.Str), ("app_protocol", Shape.Str)));

    static readonly Shape Volume = Shape.StrOrObj(Shape.Obj(
        ("type", Shape.Str), ("source", Shape.Str), ("target", Shape.Str), ("read_only", Shape.Bool), ("consistency", Shape.Str),
        ("bind", Shape.Obj(("propagation", Shape.Str), ("create_host_path", Shape.Bool), ("selinux", Shape.Str))),
        ("volume", Shape.Obj(("nocopy", Shape.Bool), ("subpath", Shape.Str))),
        ("tmpfs", Shape.Obj(("size", Shape.Str), ("mode", Shape.Int)))));

    static readonly Shape ServiceNetwork = Shape.Obj(
        ("aliases", Shape.StrList), ("ipv4_address", Shape.Str), ("ipv6_address", Shape.Str), ("priority", Shape.Int),
        ("link_local_ips", Shape.StrList), ("mac_address", Shape.Str), ("driver_opts", Shape.MapOf(Shape.Str)));

    static readonly Shape Dependency = Shape.Obj(("condition", Shape.Str), ("restart", Shape.Bool), ("required", Shape.Bool));

    static readonly Shape Healthcheck = Shape.Obj(
        ("test", Shape.StrOrList), ("interval", Shape.Str), ("timeout", Shape.Str), ("retries", Shape.Int),
        ("start_period", Shape.Str), ("start_interval", Shape.Str), ("disable", Shape.Bool));

    static readonly Shape Resources = Shape.Obj(("cpus", Shape.Str), ("memory", Shape.Str), ("pids", Shape.Int), ("devices", Shape.Any));

    static readonly Shape Deploy = Shape.Obj(
        ("replicas", Shape.Int), ("mode", Shape.Str), ("labels", Shape.ListOrMap), ("endpoint_mode", Shape.Str),
        ("resources", Shape.Obj(("limits", Resources), ("reservations", Resources))),
        ("restart_policy", Shape.Obj(("condition", Shape.Str), ("delay", Shape.Str), ("max_attempts", Shape.Int), ("window", Shape.Str))),
        ("placement", Shape.Any), ("update_config", Shape.Any), ("rollback_config", Shape.Any));

    /// <summary>Every service key.</summary>
    public static readonly Shape Service = Shape.Obj(
        ("image", Shape.Str), ("build", Build), ("command", Shape.StrOrList), ("entrypoint", Shape.StrOrList),
        ("environment", Shape.ListOrMap), ("env_file", Shape.StrOrList), ("ports", Shape.ListOf(Port)),
        ("expose", Shape.StrList), ("volumes", Shape.ListOf(Volume)), ("volumes_from", Shape.StrList),
        ("networks", new Shape { Kind = ShapeKind.ListOrMapOf, Item = ServiceNetwork }),
        ("network_mode", Shape.Str), ("links", Shape.StrList), ("external_links", Shape.StrList),
        ("depends_on", new Shape { Kind = ShapeKind.ListOrMapOf, Item = Dependency }),
        ("healthcheck", Healthcheck), ("restart", Shape.Str), ("deploy", Deploy), ("scale", Shape.Int),
        ("container_name", Shape.Str), ("hostname", Shape.Str), ("domainname", Shape.Str), ("working_dir", Shape.Str),
        ("user", Shape.Str), ("labels", Shape.ListOrMap), ("annotations", Shape.ListOrMap),
        ("mem_limit", Shape.Str), ("memswap_limit", Shape.Str), ("mem_reservation", Shape.Str), ("mem_swappiness", Shape.Int),
        ("cpu_shares", Shape.Int), ("cpus", Shape.Num), ("cpuset", Shape.Str), ("cpu_quota", Shape.Int), ("cpu_period", Shape.Int),
        ("pids_limit", Shape.Int), ("shm_size", Shape.Str), ("extra_hosts", Shape.ListOrMap),
        ("dns", Shape.StrOrList), ("dns_search", Shape.StrOrList), ("dns_opt", Shape.StrList),
        ("privileged", Shape.Bool), ("cap_add", Shape.StrList), ("cap_drop", Shape.StrList), ("security_opt", Shape.StrList),
        ("stop_signal", Shape.Str), ("stop_grace_period", Shape.Str), ("tty", Shape.Bool), ("stdin_open", Shape.Bool),
        ("init", Shape.Bool), ("read_only", Shape.Bool), ("tmpfs", Shape.StrOrList),
        ("logging", Shape.Obj(("driver", Shape.Str), ("options", Shape.MapOf(Shape.Str)))),
        ("ulimits", Shape.MapOf(new Shape { Kind = ShapeKind.IntOrObject, Props = Shape.Obj(("soft", Shape.Int), ("hard", Shape.Int)).Props })),
        ("sysctls", Shape.ListOrMap), ("profiles", Shape.StrList),
        ("extends", Shape.StrOrObj(Shape.Obj(("service", Shape.Str), ("file", Shape.Str)))),
        ("pid", Shape.Str), ("ipc", Shape.Str), ("devices", Shape.StrList), ("platform", Shape.Str), ("pull_policy", Shape.Str),
        ("oom_score_adj", Shape.Int), ("group_add", Shape.StrList), ("mac_address", Shape.Str), ("userns_mode", Shape.Str),
        ("runtime", Shape.Str), ("cgroup_parent", Shape.Str), ("stop_timeout", Shape.Str));

    static readonly Shape External = new() { Kind = ShapeKind.BoolOrObject, Props = Shape.Obj(("name", Shape.Str)).Props };

    static readonly Shape Network = Shape.Obj(
        ("driver", Shape.Str), ("driver_opts", Shape.MapOf(Shape.Str)), ("external", External), ("name", Shape.Str),
        ("internal", Shape.Bool), ("attachable", Shape.Bool), ("labels", Shape.ListOrMap), ("enable_ipv6", Shape.Bool),
        ("ipam", Shape.Obj(("driver", Shape.Str), ("options", Shape.MapOf(Shape.Str)),
            ("config", Shape.ListOf(Shape.Obj(("subnet", Shape.Str), ("ip_range", Shape.Str), ("gateway", Shape.Str),
                ("aux_addresses", Shape.MapOf(Shape.Str))))))));

    static readonly Shape VolumeTop = Shape.Obj(
        ("driver", Shape.Str), ("driver_opts", Shape.MapOf(Shape.Str)), ("external", External), ("name", Shape.Str),
        ("labels", Shape.ListOrMap));

    /// <summary>The whole file.</summary>
    public static readonly Shape File = Shape.Obj(
        ("version", Shape.Str), ("name", Shape.Str), ("services", Shape.MapOf(Service)),
        ("networks", Shape.MapOf(Network)), ("volumes", Shape.MapOf(VolumeTop)),
        ("secrets", Shape.MapOf(Shape.Any)), ("configs", Shape.MapOf(Shape.Any)));
}
