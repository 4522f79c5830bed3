using System.Text.Json.Nodes;
using Wharf.Cli.Templates;
using static Wharf.Cli.Tests.Templates.TemplateAssert;

namespace Wharf.Cli.Tests.Templates;

/// <summary>docker/cli templates.go functions: json, split, join, title, lower, upper, pad, truncate.</summary>
public class DockerFunctionTests
{
    [Theory]
    [InlineData("{{json .S}}", "\"web\"")]
    [InlineData("{{json .N}}", "42")]
    [InlineData("{{json .F}}", "1.5")]
    [InlineData("{{json .B}}", "true")]
    [InlineData("{{json .Null}}", "null")]
    [InlineData("{{json .Missing}}", "null")]
    [InlineData("{{json .L}}", "[\"a\",\"b\"]")]
    [InlineData("{{json .E}}", "[]")]
    [InlineData("{{json .O}}", "{}")]
    [InlineData("{{json .Html}}", "\"<a>&'\"")] // docker sets SetEscapeHTML(false)
    [InlineData("{{json .Ctl}}", "\"tab\\tnl\\n\\u0001\\b\\f\"")]
    [InlineData("{{json .Ls}}", "\"\\u2028\\u2029\"")] // still escaped by encoding/json
    [InlineData("{{json .Uni}}", "\"é€😀\"")]
    [InlineData("{{json .Tiny}}", "1e-7")] // encoding/json uses exponent form below 1e-6, trimming e-07
    [InlineData("{{json .Huge}}", "1e+21")]
    [InlineData("{{json .Big}}", "100000000000000000000")]
    [InlineData("{{json (split \"a,b\" \",\")}}", "[\"a\",\"b\"]")]
    [InlineData("{{json 1.0}}", "1")]
    public void Json(string template, string expected) => Renders(expected, template, """
        {"S":"web","N":42,"F":1.5,"B":true,"Null":null,"L":["a","b"],"E":[],"O":{},
         "Html":"<a>&'","Ctl":"tab\tnl\n\u0001\b\f","Ls":"\u2028\u2029","Uni":"é€😀",
         "Tiny":1e-7,"Huge":1e21,"Big":1e20}
        """);

    [Fact]
    public void Json_ProgrammaticDouble() =>
        Assert.Equal("0.1", GoTemplate.Parse("{{json .}}").Execute(JsonValue.Create(0.1)));

    [Theory]
    [InlineData("{{split \"a,b,c\" \",\"}}", "[a b c]")]
    [InlineData("{{len (split \"a,b\" \",\")}}", "2")]
    [InlineData("{{index (split \"k=v\" \"=\") 1}}", "v")]
    [InlineData("{{split \"abc\" \"\"}}", "[a b c]")]
    [InlineData("{{len (split \"\" \",\")}}", "1")] // strings.Split("", ",") is [""]
    [InlineData("{{range split \"x y\" \" \"}}<{{.}}>{{end}}", "<x><y>")]
    public void Split(string template, string expected) => Renders(expected, template);

    [Theory]
    [InlineData("{{join .L \", \"}}", "a, b")]
    [InlineData("{{join .E \",\"}}", "")]
    [InlineData("{{join (split \"a b\" \" \") \"-\"}}", "a-b")]
    [InlineData("{{join .Missing \",\"}}", "")] // a nil []string joins to nothing
    public void Join(string template, string expected) => Renders(expected, template, """{"L":["a","b"],"E":[]}""");

    [Fact]
    public void Join_NonStringElements_IsGoTypeError() =>
        Assert.Contains("wrong type for value; expected []string", ExecFails("{{join .L \",\"}}", """{"L":[1,2]}""").GoMessage, StringComparison.Ordinal);

    [Theory]
    [InlineData("{{title \"hello world\"}}", "Hello World")]
    [InlineData("{{title \"hello-world foo_bar\"}}", "Hello-World Foo_bar")] // '-' separates words, '_' does not
    [InlineData("{{title \"aBC\"}}", "ABC")] // only first letters change
    [InlineData("{{lower \"MiXeD\"}}", "mixed")]
    [InlineData("{{upper \"mixed é\"}}", "MIXED É")]
    public void Case(string template, string expected) => Renders(expected, template);

    [Theory]
    [InlineData("{{pad \"x\" 2 3}}|", "  x   |")]
    [InlineData("{{pad \"\" 2 3}}|", "|")] // empty input stays empty
    [InlineData("{{pad \"x\" 0 0}}", "x")]
    public void Pad(string template, string expected) => Renders(expected, template);

    [Theory]
    [InlineData("{{truncate \"abcdef\" 3}}", "abc")]
    [InlineData("{{truncate \"ab\" 5}}", "ab")]
    [InlineData("{{truncate \"abc\" 3}}", "abc")]
    [InlineData("{{truncate \"abc\" 0}}", "")]
    [InlineData("{{truncate \"éa\" 1}}", "")] // byte-based like Go; a split rune is dropped
    public void Truncate(string template, string expected) => Renders(expected, template);
}
