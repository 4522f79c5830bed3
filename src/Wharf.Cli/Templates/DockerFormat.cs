using System.Text.Json.Nodes;

namespace Wharf.Cli.Templates;

/// <summary>docker/cli's formatter conventions around a --format string: "table" and "json" keys and table rendering.</summary>
public static class DockerFormat
{
    /// <summary>The format prefix that switches to aligned table output with a header row.</summary>
    public const string TableKey = "table";

    /// <summary>The --format value docker expands to {{json .}}.</summary>
    public const string JsonKey = "json";

    /// <summary>
    /// Detects docker's table format: like docker's Format.IsTable, any format starting with "table" qualifies.
    /// rest is what follows the keyword (untrimmed), or the whole format when there is no prefix.
    /// </summary>
    public static bool TryStripTablePrefix(string format, out string rest)
    {
        ArgumentNullException.ThrowIfNull(format);
        if (format.StartsWith(TableKey, StringComparison.Ordinal))
        {
            rest = format[TableKey.Length..];
            return true;
        }

        rest = format;
        return false;
    }

    /// <summary>
    /// docker's preFormat: drops the table keyword, maps "json" to {{json .}}, trims spaces and turns the
    /// two-character sequences \t and \n (as typed in a shell) into a tab and a newline.
    /// </summary>
    public static string Normalize(string format, out bool isTable)
    {
        ArgumentNullException.ThrowIfNull(format);
        isTable = TryStripTablePrefix(format, out var text);
        if (!isTable && format == JsonKey)
        {
            text = "{{json .}}";
        }

        text = text.Trim(' ');
        return text.Replace(@"\t", "\t", StringComparison.Ordinal).Replace(@"\n", "\n", StringComparison.Ordinal);
    }

    /// <summary>
    /// Renders rows the way docker's formatter.Context.Write does: each row's output followed by a newline; for a
    /// table format the header (template run over columns) comes first and everything is aligned by a
    /// <see cref="TabWriter"/> with docker's settings. Header rendering errors are ignored, as docker ignores them.
    /// </summary>
    /// <exception cref="TemplateException">The format does not parse, or a row fails to execute.</exception>
    public static void Render(TextWriter output, string format, JsonObject? columns, IEnumerable<JsonNode?> rows,
        IReadOnlyDictionary<string, TemplateMethod>? methods = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(rows);
        var template = GoTemplate.Parse(Normalize(format, out var isTable));

        // Rows render fully before anything is written so a failing row leaves no half table behind.
        using var body = new StringWriter();
        foreach (var row in rows)
        {
            template.Execute(body, row, methods);
            body.Write('\n');
        }

        if (!isTable)
        {
            output.Write(body.ToString());
            return;
        }

        var table = new TabWriter(output);
        if (columns != null)
        {
            using var header = new StringWriter();
            try
            {
                template.ExecuteHeader(header, columns);
            }
            catch (TemplateException)
            {
                // docker ignores the header's execution error and prints whatever was rendered before it.
            }

            table.Write(header.ToString());
        }

        table.Write('\n');
        table.Write(body.ToString());
        table.Flush();
    }
}
