namespace Wharf.Cli.Parsing;

/// <summary>pflag value kinds; the help text shows <see cref="FlagDef.TypeName"/> after the flag.</summary>
public enum FlagType
{
    Bool,
    String,
    /// <summary>docker's opts.ListOpts: repeatable, shown as "list".</summary>
    List,
    /// <summary>docker's opts.FilterOpt: repeatable name=value, shown as "filter".</summary>
    Filter,
    /// <summary>pflag StringSlice: repeatable and comma separated, shown as "strings".</summary>
    Strings,
    Int,
}

/// <summary>One flag of a command, like a pflag.Flag.</summary>
public sealed class FlagDef
{
    public FlagDef(string name, char? shorthand, FlagType type, string usage, string? defaultValue = null)
    {
        Name = name;
        Shorthand = shorthand;
        Type = type;
        Usage = usage;
        DefaultValue = defaultValue;
    }

    public string Name { get; }
    public char? Shorthand { get; }
    public FlagType Type { get; }
    public string Usage { get; }

    /// <summary>The default as text; shown in help as "(default ...)" unless it is the zero value.</summary>
    public string? DefaultValue { get; }

    public bool Hidden { get; init; }

    /// <summary>Help shows "(default ...)" even for a zero-looking default ("[]"), as pflag does for custom value types.</summary>
    public bool ShowDefault { get; init; }

    /// <summary>A deprecated shorthand is accepted but not shown in help.</summary>
    public string? ShorthandDeprecated { get; init; }

    /// <summary>Checks a value when it is set; returns an error text (pflag wraps it) or null.</summary>
    public Func<string, string?>? Validate { get; init; }

    /// <summary>Overrides the value-type word shown in help ("string", "list", ...).</summary>
    public string? VarName { get; init; }

    public bool IsBool => Type == FlagType.Bool;

    public bool IsRepeatable => Type is FlagType.List or FlagType.Filter or FlagType.Strings;

    public string TypeName => VarName ?? Type switch
    {
        FlagType.Bool => "",
        FlagType.String => "string",
        FlagType.List => "list",
        FlagType.Filter => "filter",
        FlagType.Strings => "strings",
        FlagType.Int => "int",
        _ => "",
    };

    /// <summary>"-a, --all" or "--all", as pflag names a flag in errors.</summary>
    public string DisplayName => Shorthand is { } c && ShorthandDeprecated is null ? $"-{c}, --{Name}" : $"--{Name}";

    internal bool DefaultIsZero => !ShowDefault && DefaultValue is null or "" or "false" or "0" or "[]";
}
