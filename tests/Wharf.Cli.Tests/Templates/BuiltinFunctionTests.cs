using static Wharf.Cli.Tests.Templates.TemplateAssert;

namespace Wharf.Cli.Tests.Templates;

/// <summary>Go's predefined template functions (text/template funcs.go).</summary>
public class BuiltinFunctionTests
{
    private const string Data = """{"U":18446744073709551615,"N":-1,"A":[1,2,3],"M":{"a":["x","y"],"b":null},"S":"héllo","E":""}""";

    [Theory]
    [InlineData("{{and 1 0}}", "0")] // returns the first falsy argument
    [InlineData("{{and 1 2}}", "2")] // or the last one
    [InlineData("{{or 0 \"\"}}", "")]
    [InlineData("{{or 0 3}}", "3")]
    [InlineData("{{or .E \"default\"}}", "default")]
    [InlineData("{{not 0}}", "true")]
    [InlineData("{{not .A}}", "false")]
    [InlineData("{{or 1 (index .A 99)}}", "1")] // Go 1.18+: and/or short-circuit
    [InlineData("{{and 0 (index .A 99)}}", "0")]
    [InlineData("{{\"x\" | and 1}}", "x")]
    public void AndOrNot(string template, string expected) => Renders(expected, template, Data);

    [Theory]
    [InlineData("{{len .A}}", "3")]
    [InlineData("{{len .M}}", "2")]
    [InlineData("{{len .S}}", "6")] // bytes, as Go's len on strings
    [InlineData("{{len .E}}", "0")]
    public void Len(string template, string expected) => Renders(expected, template, Data);

    [Theory]
    [InlineData("{{index .A 0}}", "1")]
    [InlineData("{{index .M \"a\" 1}}", "y")]
    [InlineData("{{index .M \"zz\"}}", "<no value>")] // missing map key is the zero value
    [InlineData("{{index .M \"b\"}}", "<no value>")]
    [InlineData("{{index \"abc\" 1}}", "98")] // indexing a string yields a byte
    [InlineData("{{index .A}}", "[1 2 3]")]
    public void Index(string template, string expected) => Renders(expected, template, Data);

    [Theory]
    [InlineData("{{slice \"hello\" 1 3}}", "el")]
    [InlineData("{{slice \"hello\" 2}}", "llo")]
    [InlineData("{{slice .A 1}}", "[2 3]")]
    [InlineData("{{slice .A 1 2}}", "[2]")]
    [InlineData("{{slice .A}}", "[1 2 3]")]
    public void Slice(string template, string expected) => Renders(expected, template, Data);

    [Theory]
    [InlineData("{{eq 1 1}}", "true")]
    [InlineData("{{eq 2 1 2 3}}", "true")] // eq a b c: a==b || a==c
    [InlineData("{{eq 5 1 2 3}}", "false")]
    [InlineData("{{eq \"a\" \"a\"}}", "true")]
    [InlineData("{{eq true false}}", "false")]
    [InlineData("{{eq .Missing nil}}", "true")] // Go 1.18+: nil compares equal to nil
    [InlineData("{{eq .Missing \"x\"}}", "false")] // and unequal to anything else, without error
    [InlineData("{{ne 1 2}}", "true")]
    [InlineData("{{ne \"a\" \"a\"}}", "false")]
    [InlineData("{{lt 1 2}}", "true")]
    [InlineData("{{lt \"b\" \"a\"}}", "false")]
    [InlineData("{{le 2 2}}", "true")]
    [InlineData("{{gt 3 2}}", "true")]
    [InlineData("{{gt 2 2}}", "false")]
    [InlineData("{{ge 2 2}}", "true")]
    [InlineData("{{lt -1 0}}", "true")]
    [InlineData("{{eq .U .U}}", "true")]
    [InlineData("{{lt .N .U}}", "true")] // int and uint compare by value, as Go allows
    public void Comparisons(string template, string expected) => Renders(expected, template, Data);

    [Theory]
    [InlineData("{{eq 1 1.0}}", "true")]
    [InlineData("{{lt 1 2.5}}", "true")]
    [InlineData("{{eq .N 3}}", "true")]
    public void Comparisons_MixIntAndFloat_BecauseJsonHasNoStaticTypes(string template, string expected) =>
        Renders(expected, template, """{"N":3.0}""");

    [Theory]
    [InlineData("{{print \"a\" \"b\"}}", "ab")] // no space between strings
    [InlineData("{{print 1 2}}", "1 2")] // space between non-strings
    [InlineData("{{print 1 2 \"c\" 3 4}}", "1 2c3 4")]
    [InlineData("{{print .Missing}}", "<nil>")]
    [InlineData("{{print .A}}", "[1 2 3]")]
    [InlineData("{{print}}", "")]
    [InlineData("{{println \"a\" 1}}", "a 1\n")]
    [InlineData("{{println}}", "\n")]
    public void PrintAndPrintln(string template, string expected) => Renders(expected, template, Data);

    [Theory]
    [InlineData("{{html \"<a href='x'>&\\\"\"}}", "&lt;a href=&#39;x&#39;&gt;&amp;&#34;")]
    [InlineData("{{urlquery \"a b&c=d/é\"}}", "a+b%26c%3Dd%2F%C3%A9")]
    [InlineData("{{js \"a'b\\\"<=>&\"}}", "a\\'b\\\"\\u003C\\u003D\\u003E\\u0026")]
    [InlineData("{{html 1 2}}", "1 2")]
    public void Escapers(string template, string expected) => Renders(expected, template, Data);
}
