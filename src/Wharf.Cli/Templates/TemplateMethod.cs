using System.Text.Json.Nodes;

namespace Wharf.Cli.Templates;

/// <summary>
/// A method of docker's formatter contexts that takes arguments, e.g. ps's <c>{{.Label "com.example.x"}}</c>: called
/// with the row (a JSON object) and string arguments when a field of that name is given arguments.
/// </summary>
public sealed record TemplateMethod(string Name, int Arity, Func<JsonObject, IReadOnlyList<string>, object?> Invoke)
{
    public static readonly IReadOnlyDictionary<string, TemplateMethod> None = new Dictionary<string, TemplateMethod>();
}
