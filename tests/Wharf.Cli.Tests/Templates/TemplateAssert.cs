using System.Text.Json.Nodes;
using Wharf.Cli.Templates;

namespace Wharf.Cli.Tests.Templates;

/// <summary>Shorthands for rendering a template over JSON text and checking Go's output or error.</summary>
internal static class TemplateAssert
{
    public static string Render(string template, string json = "null") =>
        GoTemplate.Parse(template).Execute(JsonNode.Parse(json));

    public static void Renders(string expected, string template, string json = "null") =>
        Assert.Equal(expected, Render(template, json));

    public static TemplateException ParseFails(string template) =>
        Assert.Throws<TemplateException>(() => GoTemplate.Parse(template));

    public static TemplateException ExecFails(string template, string json = "null")
    {
        var parsed = GoTemplate.Parse(template);
        return Assert.Throws<TemplateException>(() => parsed.Execute(JsonNode.Parse(json)));
    }
}
