using Wharf.Api.Client;

namespace Wharf.Cli.Tests;

public class FiltersTests
{
    [Fact]
    public void EncodesAsDockerDoes()
    {
        var f = new Filters().Add("dangling", "true").Add("label", "b=2").Add("label", "a");
        Assert.Equal("{\"dangling\":{\"true\":true},\"label\":{\"a\":true,\"b=2\":true}}", f.ToJson());
    }

    [Fact]
    public void EmptyEncodesToNothing() => Assert.Null(new Filters().ToJson());

    [Fact]
    public void ParsesFlagValues()
    {
        var f = new Filters();
        Assert.True(Filters.TryParseArg(" Reference = busy*", f, out _));
        Assert.True(Filters.TryParseArg("label=a=b", f, out _));
        Assert.Equal(["busy*"], f.Get("reference"));
        Assert.Equal(["a=b"], f.Get("label"));
        Assert.False(Filters.TryParseArg("dangling", f, out var err));
        Assert.Equal("bad format of filter (expected name=value)", err);
    }

    [Fact]
    public void EscapesValues()
    {
        var f = new Filters().Add("reference", "a\"b");
        Assert.Equal("{\"reference\":{\"a\\u0022b\":true}}", f.ToJson());
    }
}
