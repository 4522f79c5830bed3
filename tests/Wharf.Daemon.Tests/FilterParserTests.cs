using Wharf.Daemon.Http;
using Wharf.Engine;

namespace Wharf.Daemon.Tests;

public class FilterParserTests
{
    [Fact]
    public void Docker_cli_shape() =>
        Assert.Equal(["a=b", "c"], FilterParser.Parse("{\"label\":{\"a=b\":true,\"c\":true,\"off\":false}}")["label"]);

    [Fact]
    public void Docker_py_and_compose_shape() =>
        Assert.Equal(["a=b", "c"], FilterParser.Parse("{\"label\":[\"a=b\",\"c\"]}")["label"]);

    [Fact]
    public void Empty_means_no_filters()
    {
        Assert.Empty(FilterParser.Parse(null));
        Assert.Empty(FilterParser.Parse(""));
        Assert.Empty(FilterParser.Parse("{}"));
    }

    [Theory]
    [InlineData("{\"label\":")]
    [InlineData("[\"label\"]")]
    [InlineData("{\"label\":5}")]
    public void Malformed_filters_are_400(string json)
    {
        var e = Assert.Throws<BadRequestException>(() => FilterParser.Parse(json));
        Assert.StartsWith("invalid filters", e.Message);
    }
}
