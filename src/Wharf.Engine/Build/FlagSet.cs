namespace Wharf.Engine.Build;

/// <summary>Validates an instruction's `--flags` against the ones its keyword accepts, with Docker's messages.</summary>
internal sealed class FlagSet
{
    private enum Kind { Bool, String, Strings }

    private sealed class Definition(Kind kind, string? defaultValue)
    {
        public Kind Kind { get; } = kind;
        public string? Value { get; set; } = defaultValue;
        public List<string> Values { get; } = [];
        public bool Used { get; set; }
    }

    private readonly IReadOnlyList<string> _words;
    private readonly Dictionary<string, Definition> _defined = new(StringComparer.Ordinal);

    public FlagSet(IReadOnlyList<string> words)
    {
        _words = words;
    }

    public void AddBool(string name) => _defined[name] = new Definition(Kind.Bool, "false");

    public void AddString(string name) => _defined[name] = new Definition(Kind.String, null);

    public void AddStrings(string name) => _defined[name] = new Definition(Kind.Strings, null);

    /// <summary>Checks every flag word; throws <see cref="InstructionException"/> on the first bad one.</summary>
    public void Parse()
    {
        foreach (var word in _words)
        {
            if (word == "--")
            {
                return;
            }
            if (!word.StartsWith("--", StringComparison.Ordinal))
            {
                throw new InstructionException($"arg should start with -- : {word}");
            }
            var eq = word.IndexOf('=', StringComparison.Ordinal);
            var flagName = eq < 0 ? word : word[..eq];
            var hasValue = eq >= 0;
            var value = hasValue ? word[(eq + 1)..] : "";
            if (!_defined.TryGetValue(flagName[2..], out var flag))
            {
                throw new InstructionException($"unknown flag: {flagName}");
            }
            if (flag.Used && flag.Kind != Kind.Strings)
            {
                throw new InstructionException($"duplicate flag specified: {flagName}");
            }
            flag.Used = true;
            switch (flag.Kind)
            {
                case Kind.Bool:
                    if (hasValue && value.Length == 0)
                    {
                        throw new InstructionException($"missing a value on flag: {flagName}");
                    }
                    flag.Value = value.ToLowerInvariant() switch
                    {
                        "true" or "" => "true",
                        "false" => "false",
                        _ => throw new InstructionException($"expecting boolean value for flag {flagName}, not: {value}"),
                    };
                    break;
                case Kind.String:
                    if (!hasValue)
                    {
                        throw new InstructionException($"missing a value on flag: {flagName}");
                    }
                    flag.Value = value;
                    break;
                case Kind.Strings:
                    if (!hasValue)
                    {
                        throw new InstructionException($"missing a value on flag: {flagName}");
                    }
                    flag.Values.Add(value);
                    break;
            }
        }
    }

    /// <summary>A string flag's value, or null when not given.</summary>
    public string? String(string name) => _defined[name].Value;

    /// <summary>A bool flag's value.</summary>
    public bool Bool(string name) => _defined[name].Value == "true";

    /// <summary>A bool flag's value, or null when not given (so "unset" differs from "false").</summary>
    public bool? OptionalBool(string name) => _defined[name].Used ? Bool(name) : null;

    /// <summary>Every value of a repeatable flag.</summary>
    public IReadOnlyList<string> Strings(string name) => _defined[name].Values;
}
