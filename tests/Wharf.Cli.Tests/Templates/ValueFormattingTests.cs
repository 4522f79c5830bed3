using System.Text.Json.Nodes;
using Wharf.Cli.Templates;
using static Wharf.Cli.Tests.Templates.TemplateAssert;

namespace Wharf.Cli.Tests.Templates;

/// <summary>How values print in {{.}}: Go's fmt %v for each JSON shape, and Go's truth rules.</summary>
public class ValueFormattingTests
{
    [Theory]
    [InlineData("\"text\"", "text")]
    [InlineData("42", "42")]
    [InlineData("-5", "-5")]
    [InlineData("1234567890123", "1234567890123")]
    [InlineData("18446744073709551615", "18446744073709551615")] // uint64 max stays exact
    [InlineData("2.5", "2.5")]
    [InlineData("3.0", "3")] // float64 3 prints as 3 under %v
    [InlineData("0.0001", "0.0001")]
    [InlineData("0.00001", "1e-05")] // %v switches to exponent below 1e-4
    [InlineData("1e-7", "1e-07")] // Go pads the exponent to two digits
    [InlineData("1e21", "1e+21")]
    [InlineData("123456.5", "123456.5")]
    [InlineData("1234567.5", "1.2345675e+06")] // shortest %g uses the exponent from 1e6 on (eprec 6)
    [InlineData("true", "true")]
    [InlineData("false", "false")]
    [InlineData("null", "<no value>")]
    public void Scalars(string json, string expected) => Renders(expected, "{{.}}", json);

    [Theory]
    [InlineData("""["a","b","c"]""", "[a b c]")]
    [InlineData("[]", "[]")]
    [InlineData("""[""]""", "[]")]
    [InlineData("[1,2.5,true]", "[1 2.5 true]")]
    [InlineData("""[null,"x"]""", "[<nil> x]")] // nil elements print as <nil>, not <no value>
    [InlineData("[[1,2],[3]]", "[[1 2] [3]]")]
    [InlineData("""[{"a":1}]""", "[map[a:1]]")]
    [InlineData("""["with space","x"]""", "[with space x]")]
    public void Arrays_PrintLikeGoSlices(string json, string expected) => Renders(expected, "{{.}}", json);

    [Theory]
    [InlineData("""{"b":2,"a":1}""", "map[a:1 b:2]")]
    [InlineData("{}", "map[]")]
    [InlineData("""{"k":null}""", "map[k:<nil>]")]
    [InlineData("""{"k":{"n":[1,2]}}""", "map[k:map[n:[1 2]]]")]
    [InlineData("""{"B":1,"a":2,"_":3}""", "map[B:1 _:3 a:2]")] // bytewise key order
    public void Objects_PrintLikeGoMapsWithSortedKeys(string json, string expected) => Renders(expected, "{{.}}", json);

    [Theory]
    [InlineData("false", false)]
    [InlineData("true", true)]
    [InlineData("0", false)]
    [InlineData("0.0", false)]
    [InlineData("7", true)]
    [InlineData("\"\"", false)]
    [InlineData("\"x\"", true)]
    [InlineData("[]", false)]
    [InlineData("[0]", true)]
    [InlineData("{}", false)]
    [InlineData("""{"a":0}""", true)]
    [InlineData("null", false)]
    public void Truthiness_MatchesGoIsTrue(string json, bool expected) =>
        Renders(expected ? "T" : "F", "{{if .}}T{{else}}F{{end}}", json);

    [Fact]
    public void MissingKey_IsFalse() => Renders("F", "{{if .Nope}}T{{else}}F{{end}}", "{}");

    [Fact]
    public void ProgrammaticNodes_Work()
    {
        var data = new JsonObject
        {
            ["Name"] = "n",
            ["Count"] = 3,
            ["Ratio"] = 0.5,
            ["Ok"] = true,
            ["Id"] = Guid.Empty.ToString(),
            ["Items"] = new JsonArray("x", 1L),
        };
        Assert.Equal("n 3 0.5 true [x 1]", GoTemplate.Parse("{{.Name}} {{.Count}} {{.Ratio}} {{.Ok}} {{.Items}}").Execute(data));
    }

    [Fact]
    public void ProgrammaticClrPrimitives_KeepTheirJsonKinds()
    {
        var data = new JsonObject
        {
            ["Int"] = 3,
            ["Short"] = (short)4,
            ["Float"] = 2.5f,
            ["Decimal"] = 1.25m,
            ["Guid"] = Guid.Empty,
            ["Created"] = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero),
        };
        Assert.Equal(
            """{"Int":3,"Short":4,"Float":2.5,"Decimal":1.25,"Guid":"00000000-0000-0000-0000-000000000000","Created":"2024-01-02T03:04:05+00:00"}""",
            GoTemplate.Parse("{{json .}}").Execute(data));
        Assert.Equal("3 4 2.5 1.25 00000000-0000-0000-0000-000000000000", GoTemplate.Parse("{{.Int}} {{.Short}} {{.Float}} {{.Decimal}} {{.Guid}}").Execute(data));
        Assert.Equal("true", GoTemplate.Parse("{{eq .Int 3}}").Execute(data));
    }

    [Fact]
    public void NullData_PrintsNoValue() => Assert.Equal("<no value>", GoTemplate.Parse("{{.}}").Execute(null));

    [Fact]
    public void IntegralCount_ComparesWithConstant() => Renders("yes", "{{if eq .N 3}}yes{{end}}", """{"N":3}""");
}
