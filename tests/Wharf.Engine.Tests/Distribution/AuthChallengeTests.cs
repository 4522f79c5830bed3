using Wharf.Engine.Distribution;

namespace Wharf.Engine.Tests.Distribution;

public class AuthChallengeTests
{
    [Fact]
    public void Bearer_challenge_with_quoted_parameters()
    {
        var c = Assert.Single(AuthChallenge.Parse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/busybox:pull\""));
        Assert.True(c.IsBearer);
        Assert.Equal("https://auth.docker.io/token", c["realm"]);
        Assert.Equal("registry.docker.io", c["service"]);
        Assert.Equal("repository:library/busybox:pull", c["scope"]);
    }

    [Fact]
    public void Basic_challenge_as_distribution_sends_it()
    {
        var c = Assert.Single(AuthChallenge.Parse("Basic realm=\"wharf-test\""));
        Assert.True(c.IsBasic);
        Assert.Equal("wharf-test", c["realm"]);
    }

    [Fact]
    public void Scopes_with_commas_escapes_spaces_and_unquoted_values()
    {
        var c = Assert.Single(AuthChallenge.Parse("bearer realm = \"http://h/t\" , scope=\"repository:a/b:pull,push repository:c:pull\", error=insufficient_scope, note=\"say \\\"hi\\\"\""));
        Assert.True(c.IsBearer);
        Assert.Equal("http://h/t", c["realm"]);
        Assert.Equal("repository:a/b:pull,push repository:c:pull", c["scope"]);
        Assert.Equal("insufficient_scope", c["error"]);
        Assert.Equal("say \"hi\"", c["note"]);
    }

    [Fact]
    public void Several_challenges_in_one_header()
    {
        var all = AuthChallenge.Parse("Basic realm=\"r1\", Bearer realm=\"https://t\",service=\"s\"");
        Assert.Equal(2, all.Count);
        Assert.True(all[0].IsBasic);
        Assert.Equal("r1", all[0]["realm"]);
        Assert.True(all[1].IsBearer);
        Assert.Equal("s", all[1]["service"]);
    }

    [Fact]
    public void Empty_or_garbage_gives_no_parameters()
    {
        Assert.Empty(AuthChallenge.Parse(""));
        var c = Assert.Single(AuthChallenge.Parse("Negotiate"));
        Assert.Equal("Negotiate", c.Scheme);
        Assert.Empty(c.Parameters);
        Assert.Null(c["realm"]);
    }
}
