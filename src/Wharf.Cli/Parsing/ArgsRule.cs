namespace Wharf.Cli.Parsing;

/// <summary>docker's positional-argument validators (cli/required.go) and their messages.</summary>
public sealed record ArgsRule(int Min, int Max)
{
    public static readonly ArgsRule None = new(0, 0);
    public static readonly ArgsRule Any = new(0, int.MaxValue);

    public static ArgsRule Exact(int n) => new(n, n);

    public static ArgsRule AtLeast(int n) => new(n, int.MaxValue);

    public static ArgsRule AtMost(int n) => new(0, n);

    public static ArgsRule Range(int min, int max) => new(min, max);

    /// <summary>The error text (without the "wharf: " prefix and usage) or null when <paramref name="count"/> fits.</summary>
    public (string Message, string HintVerb)? Check(string commandPath, int count)
    {
        if (count >= Min && count <= Max) return null;
        var q = $"'{commandPath}'";
        if (Max == 0) return ($"{q} accepts no arguments", "Run");
        if (Min == Max) return ($"{q} requires {Min} {Plural(Min)}", "Run");
        if (Max == int.MaxValue) return ($"{q} requires at least {Min} {Plural(Min)}", "See");
        if (Min == 0) return ($"{q} requires at most {Max} {Plural(Max)}", "Run");
        return ($"{q} requires at least {Min} and at most {Max} {Plural(Max)}", "Run");
    }

    static string Plural(int n) => n == 1 ? "argument" : "arguments";
}
