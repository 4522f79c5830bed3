using System.Text.Json;
using Wharf.Api.Json;
using Wharf.Cli.Containers;
using Wharf.Cli.Parsing;

namespace Wharf.Cli.Tests.Containers;

/// <summary>Every run/create flag lands in the create request where the docker CLI puts it.</summary>
public class CreateRequestBuilderTests
{
    static CreateSpec Build(params string[] args)
    {
        var parsed = TestCli.Parse(["run", .. args]);
        return CreateRequestBuilder.Build(parsed.Flags, parsed.Args);
    }

    static string BuildError(params string[] args) => Assert.Throws<FormatException>(() => Build(args)).Message;

    static string FlagError(params string[] args) => Assert.Throws<FlagParseException>(() => TestCli.Parse(["run", .. args])).Message;

    [Fact]
    public void Defaults_match_a_bare_docker_run()
    {
        var s = Build("busybox");
        var r = s.Request;
        Assert.Equal("busybox", r.Image);
        Assert.Null(r.Cmd);
        Assert.Null(r.Entrypoint);
        Assert.False(r.AttachStdin);
        Assert.True(r.AttachStdout);
        Assert.True(r.AttachStderr);
        Assert.False(r.OpenStdin);
        Assert.False(r.StdinOnce);
        Assert.False(r.Tty);
        Assert.Empty(r.Env!);
        Assert.Empty(r.Labels!);
        Assert.Empty(r.ExposedPorts!);
        Assert.Null(r.Healthcheck);
        Assert.Null(r.StopTimeout);
        var hc = s.HostConfig;
        Assert.Equal("no", hc.RestartPolicy!.Name);
        Assert.Equal("default", hc.NetworkMode);
        Assert.Equal(-1, hc.MemorySwappiness);
        Assert.False(hc.OomKillDisable);
        Assert.Equal(0, hc.PidsLimit);
        Assert.Null(hc.Init);
        Assert.Empty(hc.Dns!);
        Assert.Equal([0, 0], hc.ConsoleSize);
        Assert.Equal("default", Assert.Single(r.NetworkingConfig!.EndpointsConfig!).Key);
        Assert.Equal("missing", s.Pull);
        Assert.Null(s.Name);
    }

    [Fact]
    public void Command_and_entrypoint()
    {
        var r = Build("--entrypoint", "/bin/sh", "busybox", "-c", "echo hi").Request;
        Assert.Equal(["/bin/sh"], r.Entrypoint);
        Assert.Equal(["-c", "echo hi"], r.Cmd);
        Assert.Equal([""], Build("--entrypoint", "", "busybox").Request.Entrypoint);
        // Flags after the image belong to the command.
        Assert.Equal(["-m", "1g"], Build("busybox", "-m", "1g").Request.Cmd);
    }

    [Fact]
    public void Interactive_tty_and_attach()
    {
        var r = Build("-i", "-t", "busybox").Request;
        Assert.True(r.OpenStdin);
        Assert.True(r.AttachStdin);
        Assert.True(r.StdinOnce);
        Assert.True(r.Tty);
        var a = Build("-a", "STDERR", "busybox");
        Assert.False(a.Request.AttachStdin);
        Assert.False(a.Request.AttachStdout);
        Assert.True(a.Request.AttachStderr);
        Assert.True(a.AttachGiven);
        Assert.Equal("invalid argument \"foo\" for \"-a, --attach\" flag: valid streams are STDIN, STDOUT and STDERR", FlagError("-a", "foo", "busybox"));
    }

    [Fact]
    public void Identity_and_environment()
    {
        Environment.SetEnvironmentVariable("WHARF_TEST_FROM_CLIENT", "client-value");
        var envFile = Path.GetTempFileName();
        File.WriteAllText(envFile, "# comment\n\nFROM_FILE=1\n  INDENTED=2\nWHARF_TEST_FROM_CLIENT\nUNSET_IN_CLIENT_XYZ\n");
        try
        {
            var s = Build("--name", "web", "-h", "host1", "--domainname", "example.org", "-u", "nobody:nogroup", "-w", "/srv",
                "-e", "A=1", "-e", "WHARF_TEST_FROM_CLIENT", "--env-file", envFile, "busybox");
            var r = s.Request;
            Assert.Equal("web", s.Name);
            Assert.Equal("host1", r.Hostname);
            Assert.Equal("example.org", r.Domainname);
            Assert.Equal("nobody:nogroup", r.User);
            Assert.Equal("/srv", r.WorkingDir);
            // Files first, then -e values; a bare name takes the client's value, or is dropped from a file when unset.
            Assert.Equal(["FROM_FILE=1", "INDENTED=2", "WHARF_TEST_FROM_CLIENT=client-value", "A=1", "WHARF_TEST_FROM_CLIENT=client-value"], r.Env);
        }
        finally
        {
            File.Delete(envFile);
        }
        Assert.Equal("invalid argument \"=x\" for \"-e, --env\" flag: invalid environment variable: =x", FlagError("-e", "=x", "busybox"));
        Assert.Equal("open /no/such/env: no such file or directory", BuildError("--env-file", "/no/such/env", "busybox"));
    }

    [Fact]
    public void Labels_from_flags_and_files()
    {
        var labelFile = Path.GetTempFileName();
        File.WriteAllText(labelFile, "from.file=yes\nbare\n");
        try
        {
            var labels = Build("-l", "a=b", "--label", "flag.only", "--label-file", labelFile, "busybox").Request.Labels!;
            Assert.Equal("b", labels["a"]);
            Assert.Equal("", labels["flag.only"]);
            Assert.Equal("yes", labels["from.file"]);
            // A bare key in a label file has no environment to come from and is dropped.
            Assert.False(labels.ContainsKey("bare"));
        }
        finally
        {
            File.Delete(labelFile);
        }
        Assert.Equal("invalid argument \"=x\" for \"-l, --label\" flag: invalid label '=x': empty name", FlagError("-l", "=x", "busybox"));
    }

    [Theory]
    [InlineData("always", "always", 0)]
    [InlineData("on-failure:3", "on-failure", 3)]
    [InlineData("unless-stopped", "unless-stopped", 0)]
    [InlineData("sometimes", "sometimes", 0)] // the daemon judges names, as with docker
    public void Restart_policy(string flag, string name, int count)
    {
        var p = Build("--restart", flag, "busybox").HostConfig.RestartPolicy!;
        Assert.Equal(name, p.Name);
        Assert.Equal(count, p.MaximumRetryCount);
    }

    [Fact]
    public void Restart_policy_errors()
    {
        Assert.Equal("invalid restart policy format: maximum retry count must be an integer", BuildError("--restart", "always:x", "busybox"));
        Assert.Equal("invalid restart policy format: no policy provided before colon", BuildError("--restart", ":3", "busybox"));
        Assert.Equal("conflicting options: cannot specify both --restart and --rm", BuildError("--rm", "--restart", "always", "busybox"));
        Assert.True(Build("--rm", "--restart", "no", "busybox").HostConfig.AutoRemove);
    }

    [Fact]
    public void Resources()
    {
        var hc = Build("-m", "512m", "--memory-swap", "1g", "--memory-reservation", "256MiB", "-c", "512", "--cpus", "1.5",
            "--cpuset-cpus", "0-1", "--cpuset-mems", "0", "--pids-limit", "100", "--shm-size", "64m", "--cpu-period", "100000",
            "--cpu-quota", "50000", "--blkio-weight", "300", "--oom-kill-disable", "--oom-score-adj", "-500",
            "--memory-swappiness", "10", "--cgroup-parent", "/custom", "busybox").HostConfig;
        Assert.Equal(512L << 20, hc.Memory);
        Assert.Equal(1L << 30, hc.MemorySwap);
        Assert.Equal(256L << 20, hc.MemoryReservation);
        Assert.Equal(512, hc.CpuShares);
        Assert.Equal(1_500_000_000, hc.NanoCpus);
        Assert.Equal("0-1", hc.CpusetCpus);
        Assert.Equal("0", hc.CpusetMems);
        Assert.Equal(100, hc.PidsLimit);
        Assert.Equal(64L << 20, hc.ShmSize);
        Assert.Equal(100000, hc.CpuPeriod);
        Assert.Equal(50000, hc.CpuQuota);
        Assert.Equal(300, hc.BlkioWeight);
        Assert.True(hc.OomKillDisable);
        Assert.Equal(-500, hc.OomScoreAdj);
        Assert.Equal(10, hc.MemorySwappiness);
        Assert.Equal("/custom", hc.CgroupParent);
        Assert.Equal(-1, Build("--memory-swap", "-1", "busybox").HostConfig.MemorySwap);
        Assert.Equal(-1, Build("--pids-limit", "-1", "busybox").HostConfig.PidsLimit);
    }

    [Theory]
    [InlineData("-m", "12x", "-m, --memory", "invalid suffix: 'x'")]
    [InlineData("-m", "abc", "-m, --memory", "invalid size: 'abc'")]
    [InlineData("--memory-swap", "-2", "--memory-swap", "invalid size: '-2'")]
    [InlineData("--shm-size", "1z", "--shm-size", "invalid suffix: 'z'")]
    [InlineData("--cpus", "abc", "--cpus", "failed to parse abc as a rational number")]
    [InlineData("--cpus", "0.0000000001", "--cpus", "value is too precise")]
    [InlineData("-c", "x", "-c, --cpu-shares", "strconv.ParseInt: parsing \"x\": invalid syntax")]
    [InlineData("--pids-limit", "x", "--pids-limit", "strconv.ParseInt: parsing \"x\": invalid syntax")]
    [InlineData("--blkio-weight", "70000", "--blkio-weight", "strconv.ParseUint: parsing \"70000\": value out of range")]
    [InlineData("--stop-timeout", "x", "--stop-timeout", "strconv.ParseInt: parsing \"x\": invalid syntax")]
    [InlineData("--health-interval", "5", "--health-interval", "time: missing unit in duration \"5\"")]
    [InlineData("--health-timeout", "5x", "--health-timeout", "time: unknown unit \"x\" in duration \"5x\"")]
    [InlineData("--ulimit", "nofile", "--ulimit", "invalid ulimit argument: nofile")]
    [InlineData("--ulimit", "nofile=2:1", "--ulimit", "ulimit soft limit must be less than or equal to hard limit: 2 > 1")]
    [InlineData("--ulimit", "foo=1", "--ulimit", "invalid ulimit type: foo")]
    [InlineData("--sysctl", "kernel.foo=1", "--sysctl", "sysctl 'kernel.foo=1' is not allowed")]
    [InlineData("--add-host", "foo", "--add-host", "bad format for add-host: \"foo\"")]
    [InlineData("--add-host", "foo:1.2.3", "--add-host", "invalid IP address in add-host: \"1.2.3\"")]
    [InlineData("--dns", "nope", "--dns", "IP address is not correctly formatted: nope")]
    [InlineData("--mount", "foo", "--mount", "invalid field 'foo' must be a key=value pair")]
    [InlineData("--mount", "type=bind", "--mount", "target is required")]
    [InlineData("--device-read-bps", "/dev/sda", "--device-read-bps", "bad format: /dev/sda")]
    [InlineData("--network", "name=n,foo=bar", "--network", "invalid field key foo")]
    [InlineData("--network", "alias=a", "--network", "network name/id is not specified")]
    public void Bad_flag_values_use_pflags_wording(string flag, string value, string display, string why) =>
        Assert.Equal($"invalid argument {FlagParser.GoQuote(value)} for {FlagParser.GoQuote(display)} flag: {why}", FlagError(flag, value, "busybox"));

    [Fact]
    public void Security_and_isolation()
    {
        var hc = Build("--privileged", "--cap-add", "NET_ADMIN", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
            "--security-opt", "apparmor=unconfined", "--read-only", "--init", "--runtime", "crun", "--userns", "host",
            "--pid", "host", "--ipc", "shareable", "--uts", "host", "--cgroupns", "private", "--group-add", "audio", "busybox").HostConfig;
        Assert.True(hc.Privileged);
        Assert.Equal(["NET_ADMIN"], hc.CapAdd);
        Assert.Equal(["ALL"], hc.CapDrop);
        Assert.Equal(["no-new-privileges", "apparmor=unconfined"], hc.SecurityOpt);
        Assert.True(hc.ReadonlyRootfs);
        Assert.True(hc.Init);
        Assert.Equal("crun", hc.Runtime);
        Assert.Equal("host", hc.UsernsMode);
        Assert.Equal("host", hc.PidMode);
        Assert.Equal("shareable", hc.IpcMode);
        Assert.Equal("host", hc.UTSMode);
        Assert.Equal("private", hc.CgroupnsMode);
        Assert.Equal(["audio"], hc.GroupAdd);
        Assert.False(Build("--init=false", "busybox").HostConfig.Init);
        var unconfined = Build("--security-opt", "systempaths=unconfined", "busybox").HostConfig;
        Assert.Null(unconfined.SecurityOpt);
        Assert.Empty(unconfined.MaskedPaths!);
        Assert.Empty(unconfined.ReadonlyPaths!);
        Assert.Equal("Invalid --security-opt: \"foo\"", BuildError("--security-opt", "foo", "busybox"));
        Assert.Equal("--pid: invalid PID mode", BuildError("--pid", "other", "busybox"));
        Assert.Equal("--uts: invalid UTS mode", BuildError("--uts", "other", "busybox"));
        Assert.Equal("--userns: invalid USER mode", BuildError("--userns", "other", "busybox"));
        Assert.Equal("--cgroupns: invalid CGROUP mode", BuildError("--cgroupns", "other", "busybox"));
    }

    [Fact]
    public void Limits_sysctls_and_stop_settings()
    {
        var s = Build("--ulimit", "nofile=1024:2048", "--ulimit", "core=-1", "--sysctl", "net.ipv4.ip_forward=1",
            "--stop-signal", "SIGUSR1", "--stop-timeout", "5", "busybox");
        var hc = s.HostConfig;
        Assert.Collection(hc.Ulimits!,
            u => Assert.Equal(("core", -1L, -1L), (u.Name, u.Soft, u.Hard)),
            u => Assert.Equal(("nofile", 1024L, 2048L), (u.Name, u.Soft, u.Hard)));
        Assert.Equal("1", hc.Sysctls!["net.ipv4.ip_forward"]);
        Assert.Equal("SIGUSR1", s.Request.StopSignal);
        Assert.Equal(5, s.Request.StopTimeout);
        Assert.Equal(0, Build("--stop-timeout", "0", "busybox").Request.StopTimeout);
    }

    [Fact]
    public void Healthcheck()
    {
        var h = Build("--health-cmd", "wget -q localhost", "--health-interval", "1m30s", "--health-timeout", "500ms",
            "--health-retries", "3", "--health-start-period", "2s", "--health-start-interval", "1.5s", "busybox").Request.Healthcheck!;
        Assert.Equal(["CMD-SHELL", "wget -q localhost"], h.Test);
        Assert.Equal(90_000_000_000, h.Interval);
        Assert.Equal(500_000_000, h.Timeout);
        Assert.Equal(3, h.Retries);
        Assert.Equal(2_000_000_000, h.StartPeriod);
        Assert.Equal(1_500_000_000, h.StartInterval);
        Assert.Equal(["NONE"], Build("--no-healthcheck", "busybox").Request.Healthcheck!.Test);
        Assert.Equal("--no-healthcheck conflicts with --health-* options", BuildError("--no-healthcheck", "--health-retries", "1", "busybox"));
        Assert.Equal("--health-interval cannot be negative", BuildError("--health-interval", "-1s", "busybox"));
        Assert.Equal("--health-retries cannot be negative", BuildError("--health-retries", "-1", "busybox"));
    }

    [Fact]
    public void Logging_hosts_cidfile_and_detach_independent_options()
    {
        var hc = Build("--log-driver", "json-file", "--log-opt", "max-size=10m", "--log-opt", "max-file=3",
            "--add-host", "db=10.0.0.2", "--add-host", "gw:host-gateway", "--add-host", "v6=[::1]", "--cidfile", "/tmp/x.cid",
            "--dns", "1.1.1.1", "--dns-search", "example.org", "--dns-option", "ndots:2", "busybox").HostConfig;
        Assert.Equal("json-file", hc.LogConfig!.Type);
        Assert.Equal("10m", hc.LogConfig.Config!["max-size"]);
        Assert.Equal("3", hc.LogConfig.Config["max-file"]);
        Assert.Equal(["db:10.0.0.2", "gw:host-gateway", "v6:::1"], hc.ExtraHosts);
        Assert.Equal("/tmp/x.cid", hc.ContainerIDFile);
        Assert.Equal(["1.1.1.1"], hc.Dns);
        Assert.Equal(["example.org"], hc.DnsSearch);
        Assert.Equal(["ndots:2"], hc.DnsOptions);
        Assert.Equal("invalid logging opts for driver none", BuildError("--log-driver", "none", "--log-opt", "a=b", "busybox"));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("host")]
    [InlineData("bridge")]
    [InlineData("container:web")]
    public void Network_modes_pass_through_without_endpoint_settings(string mode)
    {
        var s = Build("--network", mode, "busybox");
        Assert.Equal(mode, s.HostConfig.NetworkMode);
        Assert.Empty(s.Request.NetworkingConfig!.EndpointsConfig!);
        Assert.Equal(mode, Build("--net", mode, "busybox").HostConfig.NetworkMode);
    }

    [Fact]
    public void User_networks_carry_aliases_addresses_and_links()
    {
        var s = Build("--network", "mynet", "--network-alias", "api", "--ip", "10.1.0.5", "--link", "db:database",
            "--mac-address", "92:d0:c6:0a:29:33", "busybox");
        Assert.Equal("mynet", s.HostConfig.NetworkMode);
        var ep = s.Request.NetworkingConfig!.EndpointsConfig!["mynet"]!;
        Assert.Equal(["api"], ep.Aliases);
        Assert.Equal("10.1.0.5", ep.IPAMConfig!.IPv4Address);
        Assert.Equal(["db:database"], ep.Links);
        Assert.Equal("92:d0:c6:0a:29:33", ep.MacAddress);
        Assert.Equal("92:d0:c6:0a:29:33", s.Request.MacAddress);
        var longForm = Build("--network", "name=mynet,alias=a1,alias=a2,driver-opt=com.x=1", "busybox");
        var lep = longForm.Request.NetworkingConfig!.EndpointsConfig!["mynet"]!;
        Assert.Equal(["a1", "a2"], lep.Aliases);
        Assert.Equal("1", lep.DriverOpts!["com.x"]);
        Assert.Equal("network-scoped aliases are only supported for user-defined networks", BuildError("--network-alias", "x", "busybox"));
        Assert.Equal("conflicting options: cannot attach both user-defined and non-user-defined network-modes",
            BuildError("--network", "mynet", "--network", "host", "busybox"));
        Assert.Equal("92:zz is not a valid mac address", BuildError("--mac-address", "92:zz", "busybox"));
    }

    [Fact]
    public void Ports_are_passed_to_the_api()
    {
        var s = Build("-p", "8080:80", "-p", "127.0.0.1:9000-9001:9000-9001/udp", "-p", "[::1]:53:53/udp", "-p", "443",
            "--expose", "7000-7001", "--expose", "6000/udp", "-P", "busybox");
        var exposed = s.Request.ExposedPorts!.Keys.Order().ToList();
        Assert.Equal(["443/tcp", "53/udp", "6000/udp", "7000/tcp", "7001/tcp", "80/tcp", "9000/udp", "9001/udp"], exposed);
        var b = s.HostConfig.PortBindings!;
        Assert.Equal(("", "8080"), (b["80/tcp"]![0].HostIp, b["80/tcp"]![0].HostPort));
        Assert.Equal(("127.0.0.1", "9001"), (b["9001/udp"]![0].HostIp, b["9001/udp"]![0].HostPort));
        Assert.Equal(("::1", "53"), (b["53/udp"]![0].HostIp, b["53/udp"]![0].HostPort));
        Assert.Equal(("", ""), (b["443/tcp"]![0].HostIp, b["443/tcp"]![0].HostPort));
        Assert.True(s.HostConfig.PublishAllPorts);
        var longForm = Build("-p", "published=8080,target=80,protocol=udp", "busybox").HostConfig.PortBindings!;
        Assert.Equal("8080", longForm["80/udp"]![0].HostPort);
        Assert.Equal("8000-8010", Build("-p", "8000-8010:80", "busybox").HostConfig.PortBindings!["80/tcp"]![0].HostPort);
        Assert.Equal("invalid hostPort: 99999", BuildError("-p", "99999:80", "busybox"));
        Assert.Equal("invalid containerPort: x", BuildError("-p", "x", "busybox"));
        Assert.Equal("invalid proto: xyz", BuildError("-p", "80/xyz", "busybox"));
        Assert.Equal("invalid IP address: 1.2.3", BuildError("-p", "1.2.3:80:80", "busybox"));
        Assert.Equal("invalid ranges specified for container and host Ports: 80-81 and 90-92", BuildError("-p", "90-92:80-81", "busybox"));
        Assert.Equal("invalid range format for --expose: x, error: strconv.ParseUint: parsing \"x\": invalid syntax", BuildError("--expose", "x", "busybox"));
    }

    [Fact]
    public void Volumes_mounts_and_tmpfs_are_passed_through()
    {
        var s = Build("-v", "/data", "-v", "/host:/ctr:ro", "-v", "named:/var/lib", "-v", "./rel:/rel",
            "--mount", "type=bind,src=/src,dst=/dst,readonly,bind-propagation=rslave",
            "--mount", "type=volume,source=vol,target=/v,volume-nocopy,volume-opt=size=1g",
            "--mount", "type=tmpfs,dst=/t,tmpfs-size=64m,tmpfs-mode=1770",
            "--tmpfs", "/run:size=64m,mode=1777", "--tmpfs", "/cache", "--volumes-from", "other:ro", "--volume-driver", "local", "busybox");
        Assert.Equal(["/data"], s.Request.Volumes!.Keys);
        // Sources make binds (a relative ./ source made absolute); a bare path stays an anonymous volume.
        Assert.Equal(["/host:/ctr:ro", "named:/var/lib", Path.GetFullPath("rel") + ":/rel"], s.HostConfig.Binds);
        var mounts = s.HostConfig.Mounts!;
        Assert.Equal(("bind", "/src", "/dst", true, "rslave"), (mounts[0].Type, mounts[0].Source, mounts[0].Target, mounts[0].ReadOnly, mounts[0].BindOptions!.Propagation));
        Assert.True(mounts[1].VolumeOptions!.NoCopy);
        Assert.Equal("1g", mounts[1].VolumeOptions!.DriverConfig!.Options!["size"]);
        Assert.Equal((64L << 20, 0x3F8), (mounts[2].TmpfsOptions!.SizeBytes, mounts[2].TmpfsOptions!.Mode));
        Assert.Equal("size=64m,mode=1777", s.HostConfig.Tmpfs!["/run"]);
        Assert.Equal("", s.HostConfig.Tmpfs["/cache"]);
        Assert.Equal(["other:ro"], s.HostConfig.VolumesFrom);
        Assert.Equal("local", s.HostConfig.VolumeDriver);
        Assert.Equal("invalid spec: /a:/b:ro:x: too many colons", BuildError("-v", "/a:/b:ro:x", "busybox"));
        Assert.Equal("invalid spec: /a::/b: empty section between colons", BuildError("-v", "/a::/b", "busybox"));
    }

    [Fact]
    public void Devices_and_block_io_limits()
    {
        var hc = Build("--device", "/dev/fuse", "--device", "/dev/sda:/dev/xvda:r", "--device-read-bps", "/dev/sda:1mb",
            "--device-write-iops", "/dev/sda:100", "--blkio-weight-device", "/dev/sda:200", "--device-cgroup-rule", "c 1:3 mr",
            "--gpus", "all", "busybox").HostConfig;
        Assert.Equal(("/dev/fuse", "/dev/fuse", "rwm"), (hc.Devices![0].PathOnHost, hc.Devices[0].PathInContainer, hc.Devices[0].CgroupPermissions));
        Assert.Equal(("/dev/sda", "/dev/xvda", "r"), (hc.Devices[1].PathOnHost, hc.Devices[1].PathInContainer, hc.Devices[1].CgroupPermissions));
        Assert.Equal(("/dev/sda", 1L << 20), (hc.BlkioDeviceReadBps![0].Path, hc.BlkioDeviceReadBps[0].Rate));
        Assert.Equal(100, hc.BlkioDeviceWriteIOps![0].Rate);
        Assert.Equal(200, hc.BlkioWeightDevice![0].Weight);
        Assert.Equal(["c 1:3 mr"], hc.DeviceCgroupRules);
        Assert.Equal(-1, hc.DeviceRequests![0].Count);
        Assert.Equal([["gpu"]], hc.DeviceRequests[0].Capabilities);
        Assert.Equal("bad mode specified: x", BuildError("--device", "/dev/a:/dev/b:x", "busybox"));
        Assert.Equal("dev/b is not an absolute path", BuildError("--device", "/dev/a:dev/b", "busybox"));
    }

    [Fact]
    public void Pull_platform_and_quiet()
    {
        var s = Build("--pull", "never", "--platform", "linux/amd64", "-q", "busybox");
        Assert.Equal("never", s.Pull);
        Assert.Equal("linux/amd64", s.Platform);
        Assert.True(s.Quiet);
        Assert.Equal("invalid pull option: 'x': must be one of \"always\", \"missing\" or \"never\"", BuildError("--pull", "x", "busybox"));
        Assert.Equal("invalid value: 200. Valid memory swappiness range is 0-100", BuildError("--memory-swappiness", "200", "busybox"));
    }

    [Fact]
    public void The_request_serialises_with_docker_field_names()
    {
        var s = Build("-m", "64m", "--restart", "on-failure:2", "-p", "80", "busybox", "true");
        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(s.Request, WharfJsonContext.Default.ContainerCreateRequest));
        var root = doc.RootElement;
        Assert.Equal("busybox", root.GetProperty("Image").GetString());
        Assert.Equal(67108864, root.GetProperty("HostConfig").GetProperty("Memory").GetInt64());
        Assert.Equal("on-failure", root.GetProperty("HostConfig").GetProperty("RestartPolicy").GetProperty("Name").GetString());
        Assert.True(root.GetProperty("ExposedPorts").TryGetProperty("80/tcp", out _));
        Assert.Equal(JsonValueKind.Array, root.GetProperty("HostConfig").GetProperty("PortBindings").GetProperty("80/tcp").ValueKind);
    }
}
