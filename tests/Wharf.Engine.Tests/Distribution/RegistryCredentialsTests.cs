using System.Text;
using Wharf.Engine.Distribution;

namespace Wharf.Engine.Tests.Distribution;

public class RegistryCredentialsTests
{
    private static string B64Url(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s)).Replace('+', '-').Replace('/', '_').TrimEnd('=');

    [Fact]
    public void Header_as_the_docker_cli_encodes_it()
    {
        var c = RegistryCredentials.FromHeader(B64Url("{\"username\":\"alice\",\"password\":\"p?>w\",\"serveraddress\":\"127.0.0.1:5000\"}"));
        Assert.Equal("alice", c.Username);
        Assert.Equal("p?>w", c.Password);
        Assert.Equal("127.0.0.1:5000", c.ServerAddress);
        Assert.False(c.IsAnonymous);
    }

    [Fact]
    public void The_auth_field_of_config_json_is_user_colon_password()
    {
        var c = RegistryCredentials.FromJson(Encoding.UTF8.GetBytes("{\"auth\":\"" + Convert.ToBase64String(Encoding.UTF8.GetBytes("bob:a:b")) + "\"}"), "test");
        Assert.Equal("bob", c.Username);
        Assert.Equal("a:b", c.Password);
    }

    [Theory]
    [InlineData("")]
    [InlineData("e30")] // {}
    [InlineData("bnVsbA")] // null
    public void Empty_headers_are_anonymous(string header) => Assert.True(RegistryCredentials.FromHeader(header).IsAnonymous);

    [Fact]
    public void Bad_headers_are_400s()
    {
        var e = Assert.Throws<BadRequestException>(() => RegistryCredentials.FromHeader("!!!"));
        Assert.Contains("not base64", e.Message);
        var j = Assert.Throws<BadRequestException>(() => RegistryCredentials.FromHeader(B64Url("[1]")));
        Assert.Contains("expected a JSON object", j.Message);
    }

    [Fact]
    public void Identity_token_counts_as_credentials()
    {
        var c = RegistryCredentials.FromJson("{\"identitytoken\":\"tok\"}"u8, "test");
        Assert.Equal("tok", c.IdentityToken);
        Assert.False(c.IsAnonymous);
    }

    [Fact]
    public void Registry_config_maps_each_registry_and_drops_empty_entries()
    {
        var map = RegistryCredentials.ConfigFromHeader(B64Url(
            "{\"127.0.0.1:5000\":{\"username\":\"bob\",\"password\":\"pw\"},\"https://index.docker.io/v1/\":{\"auth\":\"" +
            Convert.ToBase64String(Encoding.UTF8.GetBytes("hub:x")) + "\"},\"empty.example\":{}}"));
        Assert.Equal(["127.0.0.1:5000", "https://index.docker.io/v1/"], map.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("bob", map["127.0.0.1:5000"].Username);
        Assert.Equal("hub", map["https://index.docker.io/v1/"].Username);
        Assert.Empty(RegistryCredentials.ConfigFromHeader(""));
        Assert.Empty(RegistryCredentials.ConfigFromHeader(B64Url("null")));
    }

    [Theory]
    [InlineData("%%%", "not base64")]
    [InlineData("WzFd", "expected a JSON object")] // [1]
    [InlineData("e30i", "invalid X-Registry-Config")] // {}"
    public void A_bad_registry_config_header_is_a_400(string header, string message)
    {
        var e = Assert.Throws<BadRequestException>(() => RegistryCredentials.ConfigFromHeader(header));
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData("https://index.docker.io/v1/", "docker.io")]
    [InlineData("registry-1.docker.io", "docker.io")]
    [InlineData("http://127.0.0.1:5000/v2/", "127.0.0.1:5000")]
    [InlineData("Reg.Example:443", "reg.example:443")]
    public void Registry_keys_normalise_to_a_host(string key, string host) => Assert.Equal(host, RegistryCredentials.HostOf(key));
}
