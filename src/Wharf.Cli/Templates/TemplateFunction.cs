namespace Wharf.Cli.Templates;

/// <summary>The Go parameter type a template function declares; drives argument conversion and type errors.</summary>
internal enum ParamKind
{
    /// <summary>interface{}: anything, nil allowed.</summary>
    Any,

    /// <summary>reflect.Value: the raw value, including a missing one (builtins such as eq and index).</summary>
    Value,

    /// <summary>string.</summary>
    String,

    /// <summary>int.</summary>
    Int,

    /// <summary>[]string.</summary>
    StringList,
}

/// <summary>A function callable from templates: its Go-style signature and implementation.</summary>
internal sealed class TemplateFunction(
    string name, ParamKind[] fixedParams, ParamKind? variadic, Func<object?[], object?> invoke, bool? shortCircuitOn = null, bool passesCalleeName = false)
{
    public string Name { get; } = name;

    public ParamKind[] FixedParams { get; } = fixedParams;

    /// <summary>Element kind of a trailing ...T parameter, or null when the function is not variadic.</summary>
    public ParamKind? Variadic { get; } = variadic;

    public Func<object?[], object?> Invoke { get; } = invoke;

    /// <summary>For and/or: the truth value that stops argument evaluation and is returned as is.</summary>
    public bool? ShortCircuitOn { get; } = shortCircuitOn;

    /// <summary>For call: the evaluator prepends the callee's source text so errors can name it.</summary>
    public bool PassesCalleeName { get; } = passesCalleeName;

    public static string GoTypeName(ParamKind kind) => kind switch
    {
        ParamKind.Any => "interface {}",
        ParamKind.Value => "reflect.Value",
        ParamKind.String => "string",
        ParamKind.Int => "int",
        _ => "[]string",
    };
}

/// <summary>Raised by a function implementation; reported as "error calling NAME: message".</summary>
internal sealed class FunctionException(string message) : Exception(message);

/// <summary>The function sets templates are parsed and executed with.</summary>
internal static class FunctionTable
{
    private static readonly Dictionary<string, TemplateFunction> BuiltinsAndDocker = Build(Builtins.All().Concat(DockerFunctions.All()));

    private static readonly Dictionary<string, TemplateFunction> HeaderSet = Build(
        Builtins.All().Concat(DockerFunctions.All()).Concat(DockerFunctions.HeaderOverrides()));

    /// <summary>Go's builtins plus docker/cli's basicFunctions: what `docker --format` accepts.</summary>
    public static IReadOnlyDictionary<string, TemplateFunction> Default => BuiltinsAndDocker;

    /// <summary>The set docker uses to render a table header, where formatting functions pass column names through.</summary>
    public static IReadOnlyDictionary<string, TemplateFunction> Header => HeaderSet;

    private static Dictionary<string, TemplateFunction> Build(IEnumerable<TemplateFunction> functions)
    {
        var map = new Dictionary<string, TemplateFunction>(StringComparer.Ordinal);
        foreach (var function in functions)
        {
            // Later entries win, which is how docker's Funcs(HeaderFunctions) replaces the basic set.
            map[function.Name] = function;
        }

        return map;
    }
}
