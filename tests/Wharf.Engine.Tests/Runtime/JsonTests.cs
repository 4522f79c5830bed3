using System.Text.Json;
using System.Text.Json.Nodes;
using Wharf.Api.Json;
using Wharf.Api.Models;
using Wharf.Engine.Runtime;
using static Wharf.Engine.Tests.Runtime.SpecTestSupport;

namespace Wharf.Engine.Tests.Runtime;

public class JsonTests
{
    [Fact]
    public void SpecUsesTheRuntimeSpecsNames()
    {
        var json = JsonNode.Parse(OciSpecBuilder.ToJson(Spec(host: h => { h.Memory = 64 << 20; h.OomKillDisable = true; h.BlkioWeight = 100; })))!.AsObject();
        Assert.Equal("1.0.2-dev", (string?)json["ociVersion"]);
        Assert.NotNull(json["process"]!["capabilities"]!["bounding"]);
        Assert.NotNull(json["process"]!["rlimits"]);
        Assert.NotNull(json["process"]!["oomScoreAdj"]);
        Assert.NotNull(json["linux"]!["cgroupsPath"]);
        Assert.NotNull(json["linux"]!["maskedPaths"]);
        Assert.NotNull(json["linux"]!["readonlyPaths"]);
        Assert.NotNull(json["linux"]!["seccomp"]!["defaultErrnoRet"]);
        Assert.True((bool)json["linux"]!["resources"]!["memory"]!["disableOOMKiller"]!);
        Assert.NotNull(json["linux"]!["resources"]!["blockIO"]!["weight"]);
        Assert.Null(json["linux"]!["resources"]!["pids"]);   // nulls are left out
        Assert.Null(json["process"]!["terminal"]);
    }

    [Fact]
    public void CreateRequestAcceptsWhatClientsSend()
    {
        const string body = """
            {"Image":"busybox","Entrypoint":"","Cmd":"echo hi","Env":null,"Tty":null,"ExposedPorts":{"80/tcp":{}},
             "HostConfig":{"Memory":null,"MemorySwap":"-1","CpuShares":512,"Privileged":"true","PidsLimit":null,"Binds":null,
               "RestartPolicy":{"Name":"on-failure","MaximumRetryCount":3},"Ulimits":[{"Name":"nofile","Soft":1024,"Hard":2048}],
               "PortBindings":{"80/tcp":[{"HostIp":"","HostPort":"8080"}],"81/tcp":null}},
             "NetworkingConfig":{"EndpointsConfig":{"mynet":{"Aliases":["web"]},"other":null}}}
            """;
        var req = JsonSerializer.Deserialize(body, WharfJsonContext.Default.ContainerCreateRequest)!;
        Assert.Equal([""], req.Entrypoint);
        Assert.Equal(["echo hi"], req.Cmd);
        Assert.False(req.Tty);
        var hc = req.HostConfig!;
        Assert.Equal(0, hc.Memory);
        Assert.Equal(-1, hc.MemorySwap);
        Assert.Equal(512, hc.CpuShares);
        Assert.True(hc.Privileged);
        Assert.Null(hc.PidsLimit);
        Assert.Equal("on-failure", hc.RestartPolicy!.Name);
        Assert.Equal(2048, hc.Ulimits![0].Hard);
        Assert.Equal("8080", hc.PortBindings!["80/tcp"]![0].HostPort);
        Assert.Equal(["web"], req.NetworkingConfig!.EndpointsConfig!["mynet"]!.Aliases);
        var config = req.ToContainerConfig();
        Assert.Equal("busybox", config.Image);
    }

    [Fact]
    public void HostConfigShowsDockersDefaults()
    {
        var hc = new HostConfig { NetworkMode = "default" };
        ContainerDefaults.ApplyHostConfigDefaults(hc, 1);
        var json = JsonNode.Parse(JsonSerializer.Serialize(hc, WharfJsonContext.Default.HostConfig))!.AsObject();
        Assert.True(json.ContainsKey("Binds"));
        Assert.Null(json["Binds"]);
        Assert.Equal("""{"Name":"no","MaximumRetryCount":0}""", json["RestartPolicy"]!.ToJsonString());
        Assert.Equal("""{"Type":"json-file","Config":{}}""", json["LogConfig"]!.ToJsonString());
        Assert.Equal("default", (string?)json["NetworkMode"]);
        Assert.Equal(67108864, (long)json["ShmSize"]!);
        Assert.Equal("[0,0]", json["ConsoleSize"]!.ToJsonString());
        Assert.Null(json["PidsLimit"]);
        Assert.True(json.ContainsKey("NanoCpus"));
        Assert.False(json.ContainsKey("Init"));
        Assert.False(json.ContainsKey("Mounts"));
    }
}
