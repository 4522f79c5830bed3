using System.Text.Json.Nodes;
using Wharf.Cli.Templates;

namespace Wharf.Cli.Tests.Templates;

/// <summary>Table output: Go text/tabwriter alignment with docker's settings, header rendering and format handling.</summary>
public class TableTests
{
    private static string Tab(string input, int minWidth = 10, int padding = 3)
    {
        using var output = new StringWriter();
        var writer = new TabWriter(output, minWidth, 1, padding, ' ');
        writer.Write(input);
        writer.Flush();
        return output.ToString();
    }

    [Fact]
    public void TabWriter_WidthIsWidestCellPlusPadding() =>
        Assert.Equal("CONTAINER ID   NAME\n4f66ad9a0b2e   web\n", Tab("CONTAINER ID\tNAME\n4f66ad9a0b2e\tweb\n"));

    [Fact]
    public void TabWriter_MinWidthTen() => Assert.Equal("A         B\nC         D\n", Tab("A\tB\nC\tD\n"));

    [Fact]
    public void TabWriter_LastCellIsNotPadded() => Assert.Equal("a         b         c\n", Tab("a\tb\tc\n"));

    [Fact]
    public void TabWriter_EmptyCellsArePadded() => Assert.Equal("          b\n", Tab("\tb\n"));

    [Fact]
    public void TabWriter_LineWithoutTabsEndsTheColumnBlock() =>
        Assert.Equal(
            "a         b\nxxxxxxxxxxxxxxxxxxxx\nc         d\n",
            Tab("a\tb\nxxxxxxxxxxxxxxxxxxxx\nc\td\n"));

    [Fact]
    public void TabWriter_RaggedLines_ColumnsOnlySpanLinesThatHaveThem() =>
        Assert.Equal(
            "a                 b         c\nlonger-than-ten   d\n",
            Tab("a\tb\tc\nlonger-than-ten\td\n"));

    [Fact]
    public void TabWriter_PartialLastLineIsWrittenWithoutNewline() => Assert.Equal("a         b", Tab("a\tb"));

    [Fact]
    public void TabWriter_CountsRunesNotBytes() => Assert.Equal("é         x\n", Tab("é\tx\n"));

    [Fact]
    public void TabWriter_CustomSettings() => Assert.Equal("a   b\nccc d\n", Tab("a\tb\nccc\td\n", minWidth: 0, padding: 1));

    [Theory]
    [InlineData("table {{.ID}}", true, " {{.ID}}")]
    [InlineData("table", true, "")]
    [InlineData("tablefoo", true, "foo")] // docker only checks the prefix
    [InlineData("{{.ID}}", false, "{{.ID}}")]
    [InlineData(" table {{.ID}}", false, " table {{.ID}}")]
    public void TryStripTablePrefix(string format, bool isTable, string rest)
    {
        Assert.Equal(isTable, DockerFormat.TryStripTablePrefix(format, out var actual));
        Assert.Equal(rest, actual);
    }

    [Theory]
    [InlineData("table {{.ID}}\\t{{.Name}}", true, "{{.ID}}\t{{.Name}}")]
    [InlineData("{{.ID}}\\n", false, "{{.ID}}\n")]
    [InlineData("json", false, "{{json .}}")]
    [InlineData("  {{.ID}}  ", false, "{{.ID}}")]
    public void Normalize_LikeDockerPreFormat(string format, bool isTable, string expected)
    {
        Assert.Equal(expected, DockerFormat.Normalize(format, out var actualTable));
        Assert.Equal(isTable, actualTable);
    }

    [Fact]
    public void Header_FormattingFunctionsPassColumnNamesThrough()
    {
        var template = GoTemplate.Parse("{{.ID}}\t{{upper .Name}}\t{{json .Labels}}\t{{truncate .ID 3}}\t{{join .Names \",\"}}\t{{pad .State 1 1}}|{{.Unknown}}|");
        var header = new JsonObject
        {
            ["ID"] = "CONTAINER ID",
            ["Name"] = "name",
            ["Labels"] = "LABELS",
            ["Names"] = "NAMES",
            ["State"] = "STATE",
        };
        Assert.Equal("CONTAINER ID\tname\tLABELS\tCONTAINER ID\tNAMES\t STATE ||", template.ExecuteHeader(header));
    }

    [Fact]
    public void Render_Table_HeaderThenAlignedRows()
    {
        using var output = new StringWriter();
        DockerFormat.Render(
            output,
            "table {{.ID}}\\t{{.Names}}",
            new JsonObject { ["ID"] = "CONTAINER ID", ["Names"] = "NAMES" },
            [
                JsonNode.Parse("""{"ID":"4f66ad9a0b2e","Names":"web"}"""),
                JsonNode.Parse("""{"ID":"abc","Names":"db"}"""),
            ]);
        Assert.Equal("CONTAINER ID   NAMES\n4f66ad9a0b2e   web\nabc            db\n", output.ToString());
    }

    [Fact]
    public void Render_Table_HeaderErrorKeepsPartialHeader_LikeDocker()
    {
        using var output = new StringWriter();
        DockerFormat.Render(
            output,
            "table {{.Name}}\\t{{.State.Status}}",
            new JsonObject { ["Name"] = "NAME" },
            [JsonNode.Parse("""{"Name":"web","State":{"Status":"up"}}""")]);
        Assert.Equal("NAME      \nweb       up\n", output.ToString());
    }

    [Fact]
    public void Render_Plain_OneLinePerRow()
    {
        using var output = new StringWriter();
        DockerFormat.Render(output, "{{.ID}}", null, [JsonNode.Parse("""{"ID":"a"}"""), JsonNode.Parse("""{"ID":"b"}""")]);
        Assert.Equal("a\nb\n", output.ToString());
    }

    [Fact]
    public void Render_JsonKey_PrintsEachRowAsJson()
    {
        using var output = new StringWriter();
        DockerFormat.Render(output, "json", null, [JsonNode.Parse("""{"ID":"a"}""")]);
        Assert.Equal("{\"ID\":\"a\"}\n", output.ToString());
    }

    [Fact]
    public void Render_BadFormat_ThrowsDockerMessage()
    {
        using var output = new StringWriter();
        var ex = Assert.Throws<TemplateException>(() => DockerFormat.Render(output, "table {{.ID", null, []));
        Assert.Equal("template parsing error: template: :1: unclosed action", ex.Message);
        Assert.Equal(string.Empty, output.ToString());
    }
}
