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
}
