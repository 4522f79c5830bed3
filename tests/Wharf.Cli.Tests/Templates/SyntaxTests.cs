using static Wharf.Cli.Tests.Templates.TemplateAssert;

namespace Wharf.Cli.Tests.Templates;

/// <summary>Go text/template syntax: text, trim markers, comments, literals, variables and control structures.</summary>
public class SyntaxTests
{
    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("", "")]
    [InlineData("a } b { c }} d", "a } b { c }} d")]
    public void TextOutsideActions_IsCopied(string template, string expected) => Renders(expected, template);

    [Theory]
    [InlineData("{{23 -}} < {{- 45}}", "23<45")] // the example from Go's package documentation
    [InlineData("a  \n {{- 3}}", "a3")]
    [InlineData("{{3 -}} \n\t b", "3b")]
    [InlineData("{{-3}}", "-3")] // no space after '-': a negative number, not a trim marker
    [InlineData("x {{- /* note */ -}} y", "xy")]
    public void TrimMarkers_RemoveAdjacentWhitespace(string template, string expected) => Renders(expected, template);

    [Theory]
    [InlineData("a{{/* comment */}}b", "ab")]
    [InlineData("a{{/* multi\nline */}}b", "ab")]
    public void Comments_ProduceNothing(string template, string expected) => Renders(expected, template);

    [Theory]
    [InlineData("{{\"a\\tb\"}}", "a\tb")]
    [InlineData("{{\"\\u00e9\\x41\\101\"}}", "éAA")]
    [InlineData("{{`raw\\n`}}", "raw\\n")]
    [InlineData("{{'a'}}", "97")] // character constants are runes, printed as numbers
    [InlineData("{{'\\n'}}", "10")]
    [InlineData("{{42}}", "42")]
    [InlineData("{{-7}}", "-7")]
    [InlineData("{{1.5}}", "1.5")]
    [InlineData("{{.5}}", "0.5")]
    [InlineData("{{1e3}}", "1000")] // a float constant; Go's %v prints it without exponent
    [InlineData("{{1.0}}", "1")]
    [InlineData("{{0x1F}}", "31")]
    [InlineData("{{0o17}}", "15")]
    [InlineData("{{0b101}}", "5")]
    [InlineData("{{1_000}}", "1000")]
    [InlineData("{{true}} {{false}}", "true false")]
    public void Constants_PrintLikeGo(string template, string expected) => Renders(expected, template);

    [Theory]
    [InlineData("[{{ .ID }}]", "[x]")]
    [InlineData("[ {{- .ID -}} ]", "[x]")]
    [InlineData("[{{\t.ID\n}}]", "[x]")]
    public void SpacesInsideActions_AreIgnored(string template, string expected) => Renders(expected, template, """{"ID":"x"}""");

    [Fact]
    public void Range_Object_SingleVariableIsTheValue() =>
        Renders("12", "{{range $v := .}}{{$v}}{{end}}", """{"b":2,"a":1}""");

    [Fact]
    public void Dot_IsTheData() => Renders("hi", "{{.}}", "\"hi\"");

    [Fact]
    public void NestedFields() => Renders("deep", "{{.A.B.C}}", """{"A":{"B":{"C":"deep"}}}""");

    [Fact]
    public void FieldOfMissingKey_IsNoValueNotError() => Renders("<no value>", "{{.A.B.C}}", "{}");

    [Fact]
    public void Variables_DeclareAndAssign() => Renders("12", "{{$x := 1}}{{$x}}{{$x = 2}}{{$x}}");

    [Fact]
    public void Variables_DeclarationProducesNoOutput() => Renders("", "{{$x := \"shown?\"}}");

    [Fact]
    public void Variables_InnerDeclarationShadowsUntilEnd() =>
        Renders("21", "{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}");

    [Fact]
    public void Variables_AssignmentReachesOuterScope() =>
        Renders("2", "{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}");

    [Fact]
    public void DollarIsTheRootInsideRange() =>
        Renders("r:1 r:2 ", "{{range .A}}{{$.Name}}:{{.}} {{end}}", """{"Name":"r","A":[1,2]}""");

    [Fact]
    public void VariableFieldChain() => Renders("x", "{{$n := .Net}}{{$n.IP}}", """{"Net":{"IP":"x"}}""");

    [Fact]
    public void Pipeline_PassesValueAsLastArgument() => Renders("a-x", "{{\"x\" | printf \"%s-%s\" \"a\"}}");

    [Fact]
    public void Pipeline_MultipleStages() => Renders("\"AB\"", "{{\"ab\" | upper | printf \"%q\"}}");

    [Fact]
    public void ParenthesisedArgument() => Renders("n=3", "{{printf \"n=%d\" (len .A)}}", """{"A":[1,2,3]}""");

    [Fact]
    public void NewlinesInsideAction_AreAllowed() => Renders("3", "{{len\n .A\n}}", """{"A":[1,2,3]}""");

    [Theory]
    [InlineData("1", "one")]
    [InlineData("2", "two")]
    [InlineData("5", "many")]
    public void IfElseIfChain(string value, string expected) =>
        Renders(expected, "{{if eq . 1}}one{{else if eq . 2}}two{{else}}many{{end}}", value);

    [Fact]
    public void If_DeclaredVariableVisibleInBody() => Renders("3", "{{if $n := len .}}{{$n}}{{end}}", "[1,2,3]");

    [Fact]
    public void With_SetsDot() => Renders("b", "{{with .A}}{{.}}{{end}}", """{"A":"b"}""");

    [Fact]
    public void With_EmptyRunsElse() => Renders("none", "{{with .A}}{{.}}{{else}}none{{end}}", """{"A":""}""");

    [Fact]
    public void ElseWith_Go123() =>
        Renders("B", "{{with .A}}a{{else with .B}}{{.}}{{else}}none{{end}}", """{"B":"B"}""");

    [Fact]
    public void Range_Array_SingleVariableIsElement() => Renders("abc", "{{range $e := .}}{{$e}}{{end}}", """["a","b","c"]""");

    [Fact]
    public void Range_Array_IndexAndElement() => Renders("0a1b", "{{range $i, $e := .}}{{$i}}{{$e}}{{end}}", """["a","b"]""");

    [Fact]
    public void Range_Object_SortedKeysAndValuesAsDot() =>
        Renders("1 2 3 ", "{{range .}}{{.}} {{end}}", """{"c":3,"a":1,"b":2}""");

    [Theory]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("null")]
    public void Range_EmptyOrNil_RunsElse(string json) => Renders("none", "{{range .}}x{{else}}none{{end}}", json);

    [Fact]
    public void Range_Integer_Go122() => Renders("012", "{{range 3}}{{.}}{{end}}");

    [Fact]
    public void Range_Break() => Renders("12", "{{range .}}{{if eq . 3}}{{break}}{{end}}{{.}}{{end}}", "[1,2,3,4]");

    [Fact]
    public void Range_Continue() => Renders("124", "{{range .}}{{if eq . 3}}{{continue}}{{end}}{{.}}{{end}}", "[1,2,3,4]");

    [Fact]
    public void Range_NestedBreakOnlyLeavesInnerLoop() =>
        Renders("a1a2b1b2", "{{range $o := .O}}{{range $.I}}{{if eq . 3}}{{break}}{{end}}{{$o}}{{.}}{{end}}{{end}}", """{"O":["a","b"],"I":[1,2,3]}""");

    [Fact]
    public void Range_AssignsExistingVariables() =>
        Renders("1:b", "{{$i := 0}}{{$e := \"\"}}{{range $i, $e = .}}{{end}}{{$i}}:{{$e}}", """["a","b"]""");

    [Fact]
    public void DefineAndTemplate() => Renders("[x]", "{{define \"T\"}}[{{.}}]{{end}}{{template \"T\" \"x\"}}");

    [Fact]
    public void Template_WithoutPipeline_HasNoDot() => Renders("<no value>", "{{define \"T\"}}{{.}}{{end}}{{template \"T\"}}");

    [Fact]
    public void Template_DoesNotSeeCallerVariables_ButHasOwnDollar() =>
        Renders("in", "{{define \"T\"}}{{$}}{{end}}{{$x := 1}}{{template \"T\" \"in\"}}");

    [Fact]
    public void Block_DefinesAndRuns() => Renders("b1", "{{block \"B\" .}}b{{.}}{{end}}", "1");
}
