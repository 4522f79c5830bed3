using System.Text.Json.Nodes;

namespace Wharf.Cli.Templates;

/// <summary>A parsed Go text/template with docker's function set, executed over JSON data.</summary>
/// <remarks>
/// Data is a <see cref="JsonNode"/>: objects behave like Go maps (a missing key prints "&lt;no value&gt;", range
/// visits keys in sorted order), arrays like slices, and integral numbers like Go ints.
/// </remarks>
public sealed class GoTemplate
{
    private readonly ListNode _root;
    private readonly Dictionary<string, ListNode> _definitions;

    private GoTemplate(string name, string text, ListNode root, Dictionary<string, ListNode> definitions)
    {
        Name = name;
        Text = text;
        _root = root;
        _definitions = definitions;
    }

    /// <summary>The template name used in error messages; docker uses the empty name.</summary>
    public string Name { get; }

    /// <summary>The source text as parsed.</summary>
    public string Text { get; }

    /// <summary>Parses a template the way docker's templates.Parse does (anonymous name, docker functions).</summary>
    /// <exception cref="TemplateException">The text is not a valid template.</exception>
    public static GoTemplate Parse(string text) => Parse(text, string.Empty);

    /// <summary>Parses a template under the given name, which appears in error messages.</summary>
    /// <exception cref="TemplateException">The text is not a valid template.</exception>
    public static GoTemplate Parse(string text, string name)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(name);
        var definitions = new Dictionary<string, ListNode>(StringComparer.Ordinal);
        var root = Parser.Parse(name, text, FunctionTable.Default.ContainsKey, definitions);
        return new GoTemplate(name, text, root, definitions);
    }

    /// <summary>Whether the text parses; on failure, error holds the docker-style message.</summary>
    public static bool TryParse(string text, out GoTemplate? template, out string? error)
    {
        try
        {
            template = Parse(text);
            error = null;
            return true;
        }
        catch (TemplateException ex)
        {
            template = null;
            error = ex.Message;
            return false;
        }
    }

    /// <summary>Executes the template over data and returns the output.</summary>
    /// <exception cref="TemplateException">Execution failed (bad field access, function error, ...).</exception>
    public string Execute(JsonNode? data)
    {
        using var writer = new StringWriter();
        Execute(writer, data);
        return writer.ToString();
    }

    /// <summary>Executes the template, writing to output; as in Go, output produced before an error stays written.</summary>
    /// <exception cref="TemplateException">Execution failed.</exception>
    public void Execute(TextWriter output, JsonNode? data) => Execute(output, data, null);

    /// <summary>Executes with row methods (ps's {{.Label "x"}}) available on JSON objects.</summary>
    /// <exception cref="TemplateException">Execution failed.</exception>
    public void Execute(TextWriter output, JsonNode? data, IReadOnlyDictionary<string, TemplateMethod>? methods)
    {
        ArgumentNullException.ThrowIfNull(output);
        Run(output, Values.FromNode(data), FunctionTable.Default, missingKeyIsEmpty: false, methods);
    }

    /// <summary>
    /// Renders the table header row as docker does: the template runs over a map of column names with the
    /// header function set (json, upper, truncate, ... return their argument), and unknown columns print empty.
    /// </summary>
    /// <exception cref="TemplateException">Execution failed.</exception>
    public string ExecuteHeader(JsonObject columns)
    {
        using var writer = new StringWriter();
        ExecuteHeader(writer, columns);
        return writer.ToString();
    }

    /// <summary>Writes the header row; output produced before an error stays written, which docker relies on.</summary>
    /// <exception cref="TemplateException">Execution failed.</exception>
    public void ExecuteHeader(TextWriter output, JsonObject columns)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(columns);
        Run(output, columns, FunctionTable.Header, missingKeyIsEmpty: true);
    }

    private void Run(TextWriter output, object? data, IReadOnlyDictionary<string, TemplateFunction> functions, bool missingKeyIsEmpty,
        IReadOnlyDictionary<string, TemplateMethod>? methods = null)
    {
        var evaluator = new Evaluator(output, Text, Name, _definitions, functions, missingKeyIsEmpty, methods);
        evaluator.Execute(_definitions.TryGetValue(Name, out var root) ? root : _root, data);
    }
}
