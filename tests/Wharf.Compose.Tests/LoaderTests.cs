using Wharf.Compose.Engine;
using Wharf.Compose.Loading;
using Wharf.Compose.Model;
using Wharf.Compose.Yaml;

namespace Wharf.Compose.Tests;

public sealed class LoaderTests : IDisposable
{
    readonly ProjectFiles _p = new();

    public void Dispose() => _p.Dispose();

    const string Classic = """
        version: "3.9"
        services:
          worker:
            build: ./worker
            links: [db, redis]
            networks: [back-tier]
            depends_on:
              db: { condition: service_healthy }
          redis:
            image: busybox
            command: sh -c 'echo "hi there" && sleep 1d'
            networks: [back-tier]
          db:
            image: busybox
            volumes: ["db-data:/var/lib/db", "./conf:/etc/db:ro", { type: tmpfs, target: /tmp }]
            environment: [A=1, "B=two"]
            ports: ["8080:80", "127.0.0.1::53/udp", "9000-9001:7000-7001"]
            healthcheck: { test: "true", interval: 1s, retries: 3 }
            networks: [back-tier]
        volumes:
          db-data:
        networks:
          back-tier:
        """;

    [Fact]
    public void Discovers_the_file_names_the_project_after_the_directory_and_reads_every_section()
    {
        _p.Write("docker-compose.yml", Classic);
        var project = _p.Load();
        Assert.Equal(ProjectLoader.NormalizeName(Path.GetFileName(_p.Dir)), project.Name);
        Assert.Equal(["worker", "redis", "db"], project.Services.Select(s => s.Name));
        var worker = project.RequireService("worker");
        Assert.Equal(Path.Combine(_p.Dir, "worker"), worker.Build!.Context);
        Assert.Equal([("db", "db"), ("redis", "redis")], worker.Links);
        Assert.Equal("service_healthy", worker.DependsOn["db"].Condition);
        Assert.Equal(["sh", "-c", "echo \"hi there\" && sleep 1d"], project.RequireService("redis").Command);
        var db = project.RequireService("db");
        Assert.Equal(new VolumeMount("volume", "db-data", "/var/lib/db", false), db.Volumes[0]);
        Assert.Equal(new VolumeMount("bind", Path.Combine(_p.Dir, "conf"), "/etc/db", true), db.Volumes[1]);
        Assert.Equal("tmpfs", db.Volumes[2].Type);
        Assert.Equal("1", db.Environment["A"]);
        Assert.Equal([new PortConfig(80, "8080", null, "tcp"), new PortConfig(53, null, "127.0.0.1", "udp"),
            new PortConfig(7000, "9000", null, "tcp"), new PortConfig(7001, "9001", null, "tcp")], db.Ports);
        Assert.Equal(["CMD-SHELL", "true"], db.Healthcheck!.Test);
        Assert.Equal(1_000_000_000, db.Healthcheck.Interval);
        Assert.Equal(project.Name + "_db-data", project.Volumes["db-data"].Name);
        Assert.Equal(project.Name + "_back-tier", project.Networks["back-tier"].Name);
        Assert.False(project.Networks.ContainsKey("default"));
    }

    [Fact]
    public void Later_files_merge_into_earlier_ones()
    {
        _p.Write("compose.yaml", """
            services:
              web:
                image: busybox
                command: ["sleep", "1"]
                environment: { A: "1", B: "2" }
                ports: ["80"]
                volumes: ["/a:/data", "/b:/other"]
                labels: [x=1]
            """).Write("other.yml", """
            services:
              web:
                command: echo hi
                environment: [B=3, C=4]
                ports: ["81"]
                volumes: ["/c:/data"]
                labels: { y: "2" }
              extra:
                image: busybox
            """);
        var project = _p.Load(files: ["compose.yaml", "other.yml"]);
        var web = project.RequireService("web");
        Assert.Equal(["echo", "hi"], web.Command);
        Assert.Equal(new Dictionary<string, string> { ["A"] = "1", ["B"] = "3", ["C"] = "4" }, web.Environment);
        Assert.Equal([80, 81], web.Ports.Select(p => p.Target));
        Assert.Equal(["/c:/data", "/b:/other"], web.Volumes.Select(v => v.Source + ":" + v.Target));
        Assert.Equal(new Dictionary<string, string> { ["x"] = "1", ["y"] = "2" }, web.Labels);
        Assert.NotNull(project.Service("extra"));
    }

    [Fact]
    public void Override_file_is_picked_up_beside_the_main_one()
    {
        _p.Write("compose.yaml", "services:\n  web:\n    image: busybox\n").Write("compose.override.yaml", "services:\n  web:\n    image: other\n");
        Assert.Equal("other", _p.Load().RequireService("web").Image);
    }

    [Fact]
    public void Env_file_dot_env_and_process_environment_in_that_order()
    {
        _p.Write(".env", "TAG=fromdotenv\nPORT=81\n").Write("custom.env", "TAG=fromcustom\n")
            .Write("compose.yaml", "services:\n  web:\n    image: busybox:${TAG}\n    ports: [\"${PORT:-80}:80\"]\n");
        Assert.Equal("busybox:fromdotenv", _p.Load().RequireService("web").Image);
        Assert.Equal("busybox:fromenv", _p.Load(env: new() { ["TAG"] = "fromenv" }).RequireService("web").Image);
        var custom = _p.Load(envFiles: ["custom.env"]).RequireService("web");
        Assert.Equal("busybox:fromcustom", custom.Image);
        Assert.Null(custom.Ports[0].Published is "81" ? "dotenv leaked" : null);
    }

    [Fact]
    public void Project_name_from_flag_then_environment_then_file()
    {
        _p.Write("compose.yaml", "name: FromFile\nservices:\n  web:\n    image: busybox\n");
        Assert.Equal("fromfile", _p.Load().Name);
        Assert.Equal("envname", _p.Load(env: new() { ["COMPOSE_PROJECT_NAME"] = "envname" }).Name);
        Assert.Equal("flag", _p.Load(name: "flag").Name);
        Assert.Contains("invalid project name", Assert.Throws<ComposeException>(() => _p.Load(name: "Bad Name")).Message);
    }

    [Fact]
    public void Profiles_leave_services_out_unless_enabled()
    {
        _p.Write("compose.yaml", "services:\n  web:\n    image: busybox\n  debug:\n    image: busybox\n    profiles: [dev]\n");
        Assert.Equal(["web"], _p.Load().Services.Select(s => s.Name));
        Assert.Equal(["web", "debug"], _p.Load(profiles: ["dev"]).Services.Select(s => s.Name));
        Assert.Equal(["web", "debug"], _p.Load(env: new() { ["COMPOSE_PROFILES"] = "dev" }).Services.Select(s => s.Name));
        Assert.Contains("not enabled", Assert.Throws<ComposeException>(() => _p.Load().RequireService("debug")).Message);
    }

    [Fact]
    public void Extends_in_the_same_file_and_from_another_file()
    {
        _p.Write("common/base.yml", """
            services:
              base:
                image: busybox
                build: ./ctx
                environment: { A: "1" }
            """).Write("compose.yaml", """
            services:
              local:
                image: busybox
                environment: { L: "1" }
                command: ["true"]
              child:
                extends: local
                environment: { C: "2" }
              remote:
                extends: { file: common/base.yml, service: base }
                environment: { A: "9" }
            """);
        var project = _p.Load();
        var child = project.RequireService("child");
        Assert.Equal(["true"], child.Command);
        Assert.Equal(new Dictionary<string, string> { ["C"] = "2", ["L"] = "1" }, child.Environment);
        var remote = project.RequireService("remote");
        Assert.Equal("9", remote.Environment["A"]);
        Assert.Equal(Path.Combine(_p.Dir, "common", "ctx"), remote.Build!.Context);
    }

    [Fact]
    public void Anchors_aliases_and_merge_keys_work()
    {
        _p.Write("compose.yaml", """
            x-common: &common
              image: busybox
              environment: { A: "1" }
            services:
              one:
                <<: *common
              two:
                <<: *common
                image: other
            """);
        var p = _p.Load();
        Assert.Equal("busybox", p.RequireService("one").Image);
        Assert.Equal("other", p.RequireService("two").Image);
        Assert.Equal("1", p.RequireService("two").Environment["A"]);
    }

    [Fact]
    public void Start_order_puts_dependencies_first()
    {
        _p.Write("compose.yaml", "services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    links: [\"c:cee\"]\n  c:\n    image: x\n");
        var p = _p.Load();
        Assert.Equal(["c", "b", "a"], DependencyGraph.StartOrder(p, p.Services).Select(s => s.Name));
    }

    [Fact]
    public void Config_hash_changes_with_the_config_only()
    {
        _p.Write("compose.yaml", "services:\n  a:\n    image: x\n    environment: [A=1]\n");
        var p = _p.Load();
        var s = p.RequireService("a");
        var h1 = ContainerSpec.Hash(ContainerSpec.Build(p, s, "x"), ContainerSpec.Networking(p, s, ""), "sha256:1");
        Assert.Equal(h1, ContainerSpec.Hash(ContainerSpec.Build(p, s, "x"), ContainerSpec.Networking(p, s, ""), "sha256:1"));
        Assert.NotEqual(h1, ContainerSpec.Hash(ContainerSpec.Build(p, s, "x"), ContainerSpec.Networking(p, s, ""), "sha256:2"));
        s.Environment["A"] = "2";
        Assert.NotEqual(h1, ContainerSpec.Hash(ContainerSpec.Build(p, s, "x"), ContainerSpec.Networking(p, s, ""), "sha256:1"));
    }

    [Fact]
    public void Service_gets_compose_labels_aliases_and_the_default_network()
    {
        _p.Write("compose.yaml", "services:\n  web:\n    image: busybox\n    deploy: { replicas: 2 }\n");
        var p = _p.Load(name: "proj");
        var s = p.RequireService("web");
        Assert.Equal(2, s.Replicas);
        var req = ContainerSpec.Build(p, s, "busybox");
        Assert.Equal("proj", req.Labels![Labels.Project]);
        Assert.Equal("web", req.Labels[Labels.Service]);
        Assert.Equal("False", req.Labels[Labels.OneOff]);
        Assert.Equal("proj_default", req.HostConfig!.NetworkMode);
        Assert.Equal(["web"], ContainerSpec.Networking(p, s, "proj-web-1")!.EndpointsConfig!["proj_default"]!.Aliases);
        Assert.Equal("proj-web-2", Labels.ContainerName("proj", "web", 2));
    }
}
