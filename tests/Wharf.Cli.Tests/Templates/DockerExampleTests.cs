using static Wharf.Cli.Tests.Templates.TemplateAssert;

namespace Wharf.Cli.Tests.Templates;

/// <summary>Format strings from docker's documentation, with the output docker prints.</summary>
public class DockerExampleTests
{
    private const string Container = """
        {
          "ID": "4f66ad9a0b2e",
          "Name": "web",
          "Names": ["web", "frontend"],
          "State": "running",
          "Size": 1234567890,
          "Labels": {"com.example": "yes", "a": "1", "z": "last"},
          "Config": {
            "Env": ["PATH=/usr/bin", "A=B"],
            "Labels": {"maintainer": "me <me@example.com>", "version": "1.0"},
            "Cmd": null
          },
          "NetworkSettings": {
            "Networks": {
              "bridge": {"IPAddress": "172.17.0.2", "Gateway": "172.17.0.1"}
            }
          }
        }
        """;

    [Fact]
    public void Field_ID() => Renders("4f66ad9a0b2e", "{{.ID}}", Container);

    [Fact]
    public void Json_Dot_IsCompactInDocumentOrder() =>
        Renders("""{"a":1,"b":[true,null,"x"],"c":{"d":1.5}}""", "{{json .}}", """{"a":1,"b":[true,null,"x"],"c":{"d":1.5}}""");

    [Fact]
    public void Json_Labels_DoesNotHtmlEscape_LikeDockerSetEscapeHTMLFalse() =>
        Renders("""{"maintainer":"me <me@example.com>","version":"1.0"}""", "{{json .Config.Labels}}", Container);

    [Fact]
    public void StringSlice_PrintsGoStyle() => Renders("[PATH=/usr/bin A=B]", "{{.Config.Env}}", Container);

    [Fact]
    public void RangePrintln_OneLinePerElement() =>
        Renders("PATH=/usr/bin\nA=B\n", "{{range .Config.Env}}{{println .}}{{end}}", Container);

    [Fact]
    public void Index_LabelWithDots() => Renders("yes", """{{index .Labels "com.example"}}""", Container);

    [Fact]
    public void RangeKeyValue_VisitsMapInSortedKeyOrder() =>
        Renders("a=1 com.example=yes z=last ", "{{range $k, $v := .Labels}}{{$k}}={{$v}} {{end}}", Container);

    [Theory]
    [InlineData("running", "up")]
    [InlineData("exited", "down")]
    public void IfEq_State(string state, string expected) =>
        Renders(expected, """{{if eq .State "running"}}up{{else}}down{{end}}""", $$"""{"State":"{{state}}"}""");

    [Fact]
    public void Join_Names() => Renders("web,frontend", """{{join .Names ","}}""", Container);

    [Fact]
    public void Upper_Name() => Renders("WEB", "{{upper .Name}}", Container);

    [Fact]
    public void Printf_LeftAlignedWidth() => Renders("web       |", """{{printf "%-10s|" .Name}}""", Container);

    [Fact]
    public void Len_Names() => Renders("2", "{{len .Names}}", Container);

    [Fact]
    public void ParenthesisedIndex_ThenField() =>
        Renders("172.17.0.2", """{{(index .NetworkSettings.Networks "bridge").IPAddress}}""", Container);

    [Fact]
    public void RangeOverNetworks_WithKeyAndField() =>
        Renders("bridge:172.17.0.2;", "{{range $name, $net := .NetworkSettings.Networks}}{{$name}}:{{$net.IPAddress}};{{end}}", Container);

    [Fact]
    public void LargeInteger_StaysInteger() => Renders("1234567890", "{{.Size}}", Container);

    [Fact]
    public void MissingKey_PrintsNoValue_LikeGoMaps() => Renders("<no value>", "{{.Nope}}", Container);

    [Fact]
    public void NullField_PrintsNoValue() => Renders("<no value>", "{{.Config.Cmd}}", Container);

    [Fact]
    public void Map_PrintsGoStyleSorted() =>
        Renders("map[a:1 com.example:yes z:last]", "{{.Labels}}", Container);

    [Fact]
    public void Truncate_Id() => Renders("4f66ad", "{{truncate .ID 6}}", Container);

    [Fact]
    public void Pipeline_IntoFunction() => Renders("WEB", "{{.Name | upper}}", Container);

    [Fact]
    public void With_NetworkSettings() =>
        Renders("172.17.0.1", """{{with index .NetworkSettings.Networks "bridge"}}{{.Gateway}}{{end}}""", Container);

    [Fact]
    public void InspectStyle_MultipleFieldsOnOneLine() =>
        Renders("web running 2", "{{.Name}} {{.State}} {{len .Names}}", Container);

    [Fact]
    public void TableStyleRow_KeepsTabs() => Renders("4f66ad9a0b2e\tweb", "{{.ID}}\t{{.Name}}", Container);
}
