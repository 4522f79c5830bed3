using Wharf.Api.Build;

namespace Wharf.Engine.Tests.Builder;

public sealed class PathPatternTests
{
    [Theory]
    [InlineData("*.go", "main.go", true)]
    [InlineData("*.go", "cmd/main.go", false)]
    [InlineData("cmd/*.go", "cmd/main.go", true)]
    [InlineData("file?.txt", "file1.txt", true)]
    [InlineData("file?.txt", "file10.txt", false)]
    [InlineData("[a-c]*", "beta", true)]
    [InlineData("[^a-c]*", "beta", false)]
    [InlineData("[!a-c]*", "!x", true)]
    [InlineData("a\\*b", "a*b", true)]
    [InlineData("a\\*b", "axb", false)]
    [InlineData("*", "a/b", false)]
    public void Matches_like_go_filepath_match(string pattern, string name, bool expected) =>
        Assert.Equal(expected, PathPattern.Match(pattern, name));

    [Fact]
    public void Malformed_patterns_are_refused()
    {
        Assert.Throws<FormatException>(() => PathPattern.Validate("[abc"));
        Assert.Throws<FormatException>(() => PathPattern.Validate("abc\\"));
    }
}
