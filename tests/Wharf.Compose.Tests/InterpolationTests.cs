using Wharf.Compose.Loading;
using Wharf.Compose.Yaml;

namespace Wharf.Compose.Tests;

public sealed class InterpolationTests
{
    static readonly Dictionary<string, string> Env = new() { ["SET"] = "value", ["EMPTY"] = "" };

    static string I(string text) => Interpolator.Interpolate(text, k => Env.TryGetValue(k, out var v) ? v : null, new SourceMark("f.yml", 3, 7), "services.web.image");

    [Theory]
    [InlineData("$SET", "value")]
    [InlineData("${SET}", "value")]
    [InlineData("a-${SET}-b", "a-value-b")]
    [InlineData("${UNSET}", "")]
    [InlineData("${UNSET:-def}", "def")]
    [InlineData("${EMPTY:-def}", "def")]
    [InlineData("${EMPTY-def}", "")]
    [InlineData("${UNSET-def}", "def")]
    [InlineData("${SET:+alt}", "alt")]
    [InlineData("${UNSET:+alt}", "")]
    [InlineData("$$SET", "$SET")]
    [InlineData("$${SET}", "${SET}")]
    [InlineData("${UNSET:-${SET}}", "value")]
    [InlineData("cost: 5$", "cost: 5$")]
    public void Substitutes_as_compose_does(string text, string expected) => Assert.Equal(expected, I(text));

    [Fact]
    public void Required_variable_names_the_place_and_the_message()
    {
        var e = Assert.Throws<ComposeFileException>(() => I("${TAG:?missing tag}"));
        Assert.Equal("f.yml:3:7: services.web.image: required variable TAG is missing a value: missing tag", e.Message);
        Assert.Throws<ComposeFileException>(() => I("${EMPTY:?}"));
        Assert.Equal("", I("${EMPTY?}"));
    }

    [Fact]
    public void Unclosed_brace_is_an_error() =>
        Assert.Contains("missing closing brace", Assert.Throws<ComposeFileException>(() => I("${SET")).Message);

    [Fact]
    public void Env_files_handle_quotes_comments_export_and_references()
    {
        var vars = EnvFile.Parse("# c\nA=1\nexport B='two words'\nC=\"line\\nnext\"\nD=${A}x # note\nE\n", ".env", k => k == "E" ? "fromenv" : null);
        Assert.Equal([("A", "1"), ("B", "two words"), ("C", "line\nnext"), ("D", "1x"), ("E", "fromenv")],
            vars.Select(kv => (kv.Key, kv.Value!)).ToList());
    }
}
