using Wharf.Engine.Configuration;
using Wharf.Engine.Distribution;

namespace Wharf.Engine.Tests.Distribution;

public class RegistryHostsTests
{
    [Theory]
    [InlineData("127.0.0.1:5000", true)]
    [InlineData("127.8.9.10", true)]
    [InlineData("localhost:5000", true)]
    [InlineData("[::1]:5000", true)]
    [InlineData("10.1.2.3:5000", false)]
    [InlineData("192.168.2.230:5000", true)] // listed by name
    [InlineData("10.9.0.7", true)] // in a listed CIDR
    public void Loopback_is_insecure_by_default_and_the_list_adds_names_and_cidrs(string host, bool insecure)
    {
        var hosts = new RegistryHosts(new DaemonOptions { InsecureRegistries = ["192.168.2.230:5000", "10.9.0.0/16"] });
        Assert.Equal(insecure, hosts.IsInsecure(host));
    }

    [Fact]
    public void Docker_hub_names_go_to_the_default_registry_and_mirrors_come_first()
    {
        var o = new DaemonOptions
        {
            DefaultRegistry = "127.0.0.1:5000",
            RegistryMirrors = ["http://127.0.0.1:6000"],
            RegistryHostMirrors = new() { ["quay.io"] = ["https://127.0.0.1:7000/"] },
        };
        var hosts = new RegistryHosts(o);
        var hub = hosts.PullEndpoints("docker.io");
        Assert.Equal(["http://127.0.0.1:6000/", "https://127.0.0.1:5000/"], hub.Select(e => e.BaseUri.ToString()));
        Assert.True(hub[0].IsMirror);
        Assert.True(hub[1].HttpFallback);
        var quay = hosts.PullEndpoints("quay.io");
        Assert.Equal(["https://127.0.0.1:7000/", "https://quay.io/"], quay.Select(e => e.BaseUri.ToString()));
        Assert.False(quay[1].SkipTlsVerify);
        Assert.False(quay[1].HttpFallback);
        Assert.Equal("https://127.0.0.1:5000/", hosts.PushEndpoint("docker.io").BaseUri.ToString());
    }

    [Fact]
    public void Without_a_default_registry_docker_io_is_registry_1()
    {
        var hosts = new RegistryHosts(new DaemonOptions());
        Assert.Equal("registry-1.docker.io", hosts.ApiHost("docker.io"));
        Assert.Equal("ghcr.io", hosts.ApiHost("ghcr.io"));
    }

    [Fact]
    public void Mirror_that_is_not_a_url_is_refused() =>
        Assert.Contains("invalid registry mirror", Assert.Throws<WharfException>(() =>
            new RegistryHosts(new DaemonOptions { RegistryMirrors = ["ftp://x"] }).PullEndpoints("docker.io")).Message);

    [Theory]
    [InlineData("https://index.docker.io/v1/", "docker.io")]
    [InlineData("http://127.0.0.1:5000", "127.0.0.1:5000")]
    [InlineData("Registry.Example.com:443/v2/", "registry.example.com:443")]
    [InlineData(null, "docker.io")]
    public void Login_server_addresses(string? address, string host) => Assert.Equal(host, RegistryLogin.ServerHost(address));
}
