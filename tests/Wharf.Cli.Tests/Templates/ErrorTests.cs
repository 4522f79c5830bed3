using System.Text.Json.Nodes;
using Wharf.Cli.Templates;
using static Wharf.Cli.Tests.Templates.TemplateAssert;

namespace Wharf.Cli.Tests.Templates;

/// <summary>Parse and execution errors carry Go's text, prefixed the way docker's formatter wraps them.</summary>
public class ErrorTests
{
    [Theory]
    [InlineData("{{.ID", "template: :1: unclosed action")]
    [InlineData("{{foo}}", "template: :1: function \"foo\" not defined")]
    [InlineData("{{.ID | foo}}", "template: :1: function \"foo\" not defined")]
    [InlineData("{{end}}", "template: :1: unexpected {{end}}")]
    [InlineData("{{else}}", "template: :1: unexpected {{else}}")]
    [InlineData("{{if .A}}x", "template: :1: unexpected EOF")]
    [InlineData("{{range .A}}{{else}}{{else}}{{end}}", "template: :1: expected end; found {{else}}")]
    [InlineData("{{}}", "template: :1: missing value for command")]
    [InlineData("{{if}}{{end}}", "template: :1: missing value for if")]
    [InlineData("{{$x}}", "template: :1: undefined variable \"$x\"")]
    [InlineData("{{break}}", "template: :1: {{break}} outside {{range}}")]
    [InlineData("{{continue}}", "template: :1: {{continue}} outside {{range}}")]
    [InlineData("{{\"a\" | \"b\"}}", "template: :1: non executable command in pipeline stage 2")]
    [InlineData("{{/* x }}", "template: :1: unclosed comment")]
    [InlineData("{{/* x */ .}}", "template: :1: comment ends before closing delimiter")]
    [InlineData("{{\"abc}}", "template: :1: unterminated quoted string")]
    [InlineData("{{`abc}}", "template: :1: unterminated raw quoted string")]
    [InlineData("{{'a}}", "template: :1: unterminated character constant")]
    [InlineData("{{.A!}}", "template: :1: bad character U+0021 '!'")]
    [InlineData("{{(.A}}", "template: :1: unclosed left paren")]
    [InlineData("{{3x}}", "template: :1: bad number syntax: \"3x\"")]
    [InlineData("{{99999999999999999999}}", "template: :1: integer overflow: \"99999999999999999999\"")]
    [InlineData("{{range $i, $e, $f := .}}{{end}}", "template: :1: too many declarations in range")]
    [InlineData("{{with $x, $y := .}}{{end}}", "template: :1: too many declarations in with")]
    [InlineData("{{\"a\".B}}", "template: :1: unexpected . after term \"\\\"a\\\"\"")]
    [InlineData("{{1:2}}", "template: :1: expected :=")]
    [InlineData("{{.A}} {{end x}}", "template: :1: unexpected \"x\" in end")]
    [InlineData("{{define \"x\"}}a{{end}}{{define \"x\"}}b{{end}}", "template: :1: template: multiple definition of template \"x\"")]
    public void ParseErrors_MatchGo(string template, string goMessage)
    {
        var ex = ParseFails(template);
        Assert.Equal(goMessage, ex.GoMessage);
        Assert.Equal("template parsing error: " + goMessage, ex.Message);
    }

    [Fact]
    public void ParseError_ReportsLineOfFailure() =>
        Assert.Equal("template: :3: function \"nope\" not defined", ParseFails("a\nb\n{{nope}}").GoMessage);

    [Fact]
    public void ParseError_UnclosedActionAcrossLines_NamesStartLine() =>
        Assert.Equal("template: :2: unclosed action started at :1", ParseFails("{{.A\n").GoMessage);

    [Fact]
    public void NamedTemplate_NameAppearsInMessages() =>
        Assert.Equal("template: inspect:1: unexpected {{end}}", Assert.Throws<TemplateException>(() => GoTemplate.Parse("{{end}}", "inspect")).GoMessage);

    [Theory]
    [InlineData("{{upper 1 2}}", "{}", "template: :1:2: executing \"\" at <upper>: wrong number of args for upper: want 1 got 2")]
    [InlineData("{{truncate \"x\"}}", "{}", "template: :1:2: executing \"\" at <truncate>: wrong number of args for truncate: want 2 got 1")]
    [InlineData("{{printf}}", "{}", "template: :1:2: executing \"\" at <printf>: wrong number of args for printf: want at least 1 got 0")]
    [InlineData("{{index .A 5}}", """{"A":[1]}""", "template: :1:2: executing \"\" at <index .A 5>: error calling index: index out of range: 5")]
    [InlineData("{{print 18446744073709551615}}", "{}", "template: :1:8: executing \"\" at <18446744073709551615>: 18446744073709551615 overflows int")]
    [InlineData("{{nil}}", "{}", "template: :1:2: executing \"\" at <nil>: nil is not a command")]
    [InlineData("{{len 3}}", "{}", "template: :1:2: executing \"\" at <len 3>: error calling len: len of type int")]
    [InlineData("{{lt 1 \"a\"}}", "{}", "template: :1:2: executing \"\" at <lt 1 \"a\">: error calling lt: incompatible types for comparison")]
    [InlineData("{{eq .A \"a\"}}", """{"A":[1]}""", "template: :1:2: executing \"\" at <eq .A \"a\">: error calling eq: incompatible types for comparison")]
    [InlineData("{{lt true false}}", "{}", "template: :1:2: executing \"\" at <lt true false>: error calling lt: invalid type for comparison")]
    [InlineData("{{upper .N}}", """{"N":5}""", "template: :1:8: executing \"\" at <.N>: wrong type for value; expected string; got int")]
    [InlineData("{{truncate \"abc\" \"x\"}}", "{}", "template: :1:17: executing \"\" at <\"x\">: expected integer; found \"x\"")]
    [InlineData("{{printf 1}}", "{}", "template: :1:9: executing \"\" at <1>: expected string; found 1")]
    [InlineData("{{upper .Missing}}", "{}", "template: :1:8: executing \"\" at <.Missing>: invalid value; expected string")]
    [InlineData("{{.Name 1}}", """{"Name":"x"}""", "template: :1:2: executing \"\" at <.Name>: Name is not a method but has arguments")]
    [InlineData("{{1 2}}", "{}", "template: :1:2: executing \"\" at <1>: can't give argument to non-function 1")]
    [InlineData("{{range .Name}}{{end}}", """{"Name":"web"}""", "template: :1:8: executing \"\" at <.Name>: range can't iterate over web")]
    [InlineData("{{call .Name}}", """{"Name":"web"}""", "template: :1:2: executing \"\" at <call .Name>: error calling call: non-function .Name of type string")]
    [InlineData("{{template \"x\"}}", "{}", "template: :1:11: executing \"\" at <{{template \"x\"}}>: template \"x\" not defined")]
    [InlineData("{{.A.B}}", """{"A":null}""", "template: :1:4: executing \"\" at <.A.B>: nil pointer evaluating interface {}.B")]
    [InlineData("{{index .M 1}}", """{"M":{}}""", "template: :1:2: executing \"\" at <index .M 1>: error calling index: value has type int; should be string")]
    [InlineData("{{index .X \"a\"}}", "{}", "template: :1:2: executing \"\" at <index .X \"a\">: error calling index: index of untyped nil")]
    [InlineData("{{slice \"abc\" 2 1}}", "{}", "template: :1:2: executing \"\" at <slice \"abc\" 2 1>: error calling slice: invalid slice index: 2 > 1")]
    [InlineData("{{pad \"x\" -1 0}}", "{}", "template: :1:2: executing \"\" at <pad \"x\" -1 0>: error calling pad: strings: negative Repeat count")]
    public void ExecErrors_MatchGo(string template, string json, string goMessage)
    {
        var ex = ExecFails(template, json);
        Assert.Equal(goMessage, ex.GoMessage);
        Assert.StartsWith("template parsing error: template: ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExecError_LongContextIsTruncatedAt20Bytes() =>
        Assert.Contains(
            "at <index .Aaaaaaaaaaaaa...>",
            ExecFails("{{index .Aaaaaaaaaaaaaaaaaaaaa 1}}", "{}").GoMessage,
            StringComparison.Ordinal);

    [Fact]
    public void ExecError_FieldOnString() =>
        Assert.Equal(
            "template: :1:4: executing \"\" at <.A.B>: can't evaluate field B in type string",
            ExecFails("{{.A.B}}", """{"A":"s"}""").GoMessage);

    [Fact]
    public void ExecError_ReportsLineAndColumn() =>
        Assert.Equal(
            "template: :2:3: executing \"\" at <upper>: wrong number of args for upper: want 1 got 0",
            ExecFails("x\n {{upper}}").GoMessage);

    [Fact]
    public void ExecError_InsideDefinedTemplate_NamesIt() =>
        Assert.Contains(
            "executing \"T\" at <upper>",
            ExecFails("{{define \"T\"}}{{upper}}{{end}}{{template \"T\"}}").GoMessage,
            StringComparison.Ordinal);

    [Fact]
    public void Execute_ToWriter_KeepsOutputBeforeTheError()
    {
        var template = GoTemplate.Parse("ok {{len 1}}");
        using var writer = new StringWriter();
        Assert.Throws<TemplateException>(() => template.Execute(writer, JsonValue.Create(1)));
        Assert.Equal("ok ", writer.ToString());
    }

    [Fact]
    public void TryParse_ReportsMessage()
    {
        Assert.False(GoTemplate.TryParse("{{foo}}", out var template, out var error));
        Assert.Null(template);
        Assert.Equal("template parsing error: template: :1: function \"foo\" not defined", error);
        Assert.True(GoTemplate.TryParse("{{.}}", out template, out error));
        Assert.NotNull(template);
        Assert.Null(error);
    }

    [Fact]
    public void RecursiveTemplate_StopsAtDepthLimit() =>
        Assert.Contains(
            "exceeded maximum template depth",
            ExecFails("{{define \"R\"}}{{template \"R\" .}}{{end}}{{template \"R\" .}}").GoMessage,
            StringComparison.Ordinal);
}
