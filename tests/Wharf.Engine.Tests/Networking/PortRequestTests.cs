using Wharf.Api.Models;
using Wharf.Engine.Networking.Ports;

namespace Wharf.Engine.Tests.Networking;

public sealed class PortRequestTests
{
    private static HostConfig Bindings(string key, string? ip, string? port) =>
        new() { PortBindings = new() { [key] = [new PortBinding { HostIp = ip, HostPort = port }] } };

    [Fact]
    public void Bindings_become_requests()
    {
        var hc = new HostConfig
        {
            PortBindings = new()
            {
                ["80/tcp"] = [new PortBinding { HostIp = "127.0.0.2", HostPort = "18080" }, new PortBinding { HostIp = "", HostPort = "18081" }],
                ["53/udp"] = [new PortBinding { HostPort = "" }],
                ["90"] = [new PortBinding { HostPort = "8000-8010" }],
                ["91/tcp"] = null,
            },
        };
        var r = PortRequest.From(hc, new ContainerConfig());
        Assert.Equal(
        [
            new PortRequest("tcp", 80, "127.0.0.2", 18080, 18080),
            new PortRequest("tcp", 80, "0.0.0.0", 18081, 18081),
            new PortRequest("udp", 53, "0.0.0.0", 0, 0),
            new PortRequest("tcp", 90, "0.0.0.0", 8000, 8010),
            new PortRequest("tcp", 91, "0.0.0.0", 0, 0),
        ], r);
    }

    [Fact]
    public void Publish_all_adds_exposed_ports_not_bound_explicitly()
    {
        var hc = Bindings("80/tcp", "", "8080");
        hc.PublishAllPorts = true;
        var config = new ContainerConfig { ExposedPorts = new() { ["80/tcp"] = new(), ["443/tcp"] = new(), ["53/udp"] = new() } };
        var r = PortRequest.From(hc, config);
        Assert.Equal(3, r.Count);
        Assert.Contains(new PortRequest("tcp", 80, "0.0.0.0", 8080, 8080), r);
        Assert.Contains(new PortRequest("tcp", 443, "0.0.0.0", 0, 0), r);
        Assert.Contains(new PortRequest("udp", 53, "0.0.0.0", 0, 0), r);
        Assert.Empty(PortRequest.From(new HostConfig(), config));
    }

    [Theory]
    [InlineData("abc/tcp", "", "80", "invalid port specification: \"abc\"")]
    [InlineData("0/tcp", "", "80", "invalid port specification: \"0\"")]
    [InlineData("70000/tcp", "", "80", "invalid port specification: \"70000\"")]
    [InlineData("80/icmp", "", "80", "invalid port specification: \"80/icmp\": unknown protocol \"icmp\"")]
    [InlineData("80/tcp", "", "http", "invalid port specification: \"http\"")]
    [InlineData("80/tcp", "", "90-80", "invalid port specification: \"90-80\"")]
    [InlineData("80/tcp", "", "65536", "invalid port specification: \"65536\"")]
    [InlineData("80/tcp", "localhost", "80", "invalid IP address in port binding: \"localhost\"")]
    [InlineData("80/tcp", "127.1", "80", "invalid IP address in port binding: \"127.1\"")]
    [InlineData("80/tcp", "::1", "80", "publishing on an IPv6 host address is not supported: \"::1\"")]
    public void Malformed_bindings_are_refused_with_400(string key, string ip, string port, string message)
    {
        var e = Assert.Throws<BadRequestException>(() => PortRequest.From(Bindings(key, ip, port), new ContainerConfig()));
        Assert.Equal(message, e.Message);
        Assert.Equal(400, e.StatusCode);
    }
}
