using Wharf.Engine.Configuration;

namespace Wharf.Engine.Tests.Configuration;

public class DaemonConfigFileTests
{
    [Fact]
    public void Reads_docker_keys_and_wharf_names()
    {
        var o = new DaemonOptions();
        DaemonConfigFile.Apply("""
            {
              // comments are allowed, as dockerd allows them
              "data-root": "/srv/wharf", "debug": true, "hosts": ["unix:///tmp/x.sock"],
              "registry-mirrors": ["https://mirror.local"], "insecure-registries": ["127.0.0.1:5000"],
              "bip": "10.10.0.1/24", "default-address-pools": [{"base": "10.20.0.0/16", "size": 24}],
              "default-runtime": "crun", "runtimes": {"crun": {"path": "/usr/bin/crun", "runtimeArgs": ["--debug"]}},
              "log-driver": "local", "log-opts": {"max-size": "10m", "max-file": 3}, "live-restore": false,
              "nft-table": "wharf_a", "bridge": "wa0", "dns": ["127.0.0.53"], "default-registry": "127.0.0.1:5000",
            }
            """, o);
        Assert.Equal("/srv/wharf", o.DataRoot);
        Assert.True(o.Debug);
        Assert.Equal(["unix:///tmp/x.sock"], o.Hosts);
        Assert.Equal("/tmp/x.sock", o.SocketPath);
        Assert.Equal(["https://mirror.local"], o.RegistryMirrors);
        Assert.Equal("10.20.0.0/16", o.DefaultAddressPools.Single().Base);
        Assert.Equal("/usr/bin/crun", o.Runtimes["crun"].Path);
        Assert.Equal(["--debug"], o.Runtimes["crun"].RuntimeArgs);
        Assert.Equal("10m", o.LogOpts["max-size"]);
        Assert.Equal("3", o.LogOpts["max-file"]);
        Assert.False(o.LiveRestore);
        Assert.Equal("wharf_a", o.NftTable);
        Assert.Equal("wa0", o.BridgeName);
        Assert.Equal("127.0.0.1:5000", o.DefaultRegistry);
    }

    [Fact]
    public void Flags_win_over_the_file()
    {
        var o = new DaemonOptions { DataRoot = "/from/flag" };
        DaemonConfigFile.Apply("{\"data-root\": \"/from/file\", \"debug\": true}", o, new HashSet<string> { "data-root" });
        Assert.Equal("/from/flag", o.DataRoot);
        Assert.True(o.Debug);
    }

    [Theory]
    [InlineData("{\"unknown-key\": 1}", "don't match any configuration option: unknown-key")]
    [InlineData("{\"debug\": \"yes\"}", "debug must be true or false")]
    [InlineData("{\"hosts\": \"unix:///x\"}", "hosts must be a list of strings")]
    [InlineData("[1,2]", "must be a JSON object")]
    [InlineData("{\"debug\": ", "invalid JSON")]
    [InlineData("{\"runtimes\": {\"x\": {}}}", "runtimes.x: a runtime needs a \"path\"")]
    [InlineData("{\"default-address-pools\": [{\"base\": \"10.0.0.0/8\"}]}", "each pool needs \"base\" and \"size\"")]
    public void Bad_files_are_one_clear_error(string json, string message)
    {
        var e = Assert.Throws<FormatException>(() => DaemonConfigFile.Apply(json, new DaemonOptions()));
        Assert.Contains(message, e.Message);
    }
}
