using System.Text.Json.Nodes;
using Wharf.Cli.Templates;

namespace Wharf.Cli.Output;

/// <summary>
/// docker's formatter.Context over the template engine: "table", "table TEMPLATE", "json" or a raw Go template,
/// applied to rows that are JSON objects carrying docker's formatter field names.
/// </summary>
public static class Formatter
{
    public const string TableKey = DockerFormat.TableKey;
    public const string JsonKey = DockerFormat.JsonKey;

    public static bool IsTable(string format) => DockerFormat.TryStripTablePrefix(format, out _);

    public static bool IsJson(string format) => format == JsonKey;

    /// <summary>docker's preFormat: strip "table", map "json", trim spaces, turn literal \t and \n into real ones.</summary>
    public static string PreFormat(string format) => DockerFormat.Normalize(format, out _);

    /// <summary>Renders rows; for table formats the header object (field → column title) goes first.</summary>
    /// <remarks>
    /// docker's row contexts marshal themselves with json.Marshal, so a whole-row <c>{{json .}}</c> (and <c>--format json</c>)
    /// escapes &lt; &gt; &amp; as \u003c \u003e \u0026, unlike the template's json of a single field.
    /// </remarks>
    public static string Render(string format, JsonObject? header, IEnumerable<JsonNode?> rows,
        IReadOnlyDictionary<string, TemplateMethod>? methods = null)
    {
        var sw = new StringWriter { NewLine = "\n" };
        DockerFormat.Render(sw, format, header, rows, methods);
        var text = sw.ToString();
        if (PreFormat(format) == JsonTemplate && !IsTable(format))
            text = text.Replace("<", "\\u003c").Replace(">", "\\u003e").Replace("&", "\\u0026");
        return text;
    }

    public const string JsonTemplate = "{{json .}}";

    /// <summary>docker's tabwriter settings for tables: minwidth 10, tabwidth 1, padding 3, pad ' '.</summary>
    public static string AlignColumns(string text)
    {
        var sw = new StringWriter { NewLine = "\n" };
        var tw = new TabWriter(sw, 10, 1, 3, ' ');
        tw.Write(text);
        tw.Flush();
        return sw.ToString();
    }

    /// <summary>Executes a single template (inspect, version, info --format) on one value; no newline added.</summary>
    public static string Execute(string template, JsonNode? data) => GoTemplate.Parse(template).Execute(data);
}
