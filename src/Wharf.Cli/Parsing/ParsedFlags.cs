using System.Globalization;

namespace Wharf.Cli.Parsing;

/// <summary>The flag values of one parsed command line.</summary>
public sealed class ParsedFlags
{
    readonly Dictionary<string, FlagDef> _defs;
    readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    public ParsedFlags(IEnumerable<FlagDef> defs)
    {
        _defs = new Dictionary<string, FlagDef>(StringComparer.Ordinal);
        foreach (var d in defs) _defs[d.Name] = d;
    }

    internal void Set(FlagDef def, string value)
    {
        if (!_values.TryGetValue(def.Name, out var list)) _values[def.Name] = list = [];
        if (def.Type == FlagType.Strings)
        {
            if (value.Length > 0) list.AddRange(value.Split(','));
        }
        else if (def.IsRepeatable) list.Add(value);
        else
        {
            list.Clear();
            list.Add(value);
        }
    }

    /// <summary>Whether the flag was given on the command line.</summary>
    public bool Changed(string name) => _values.ContainsKey(name);

    public string? GetString(string name)
    {
        if (_values.TryGetValue(name, out var v) && v.Count > 0) return v[^1];
        return _defs.TryGetValue(name, out var d) ? d.DefaultValue : null;
    }

    public string GetStringOrEmpty(string name) => GetString(name) ?? "";

    public bool GetBool(string name)
    {
        var s = GetString(name);
        return s is not null && ParseBool(s) == true;
    }

    public int GetInt(string name) =>
        int.TryParse(GetString(name), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) ? i : 0;

    public long GetLong(string name) =>
        long.TryParse(GetString(name), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? l : 0;

    public IReadOnlyList<string> GetList(string name) =>
        _values.TryGetValue(name, out var v) ? v : [];

    /// <summary>Go's strconv.ParseBool.</summary>
    public static bool? ParseBool(string s) => s switch
    {
        "1" or "t" or "T" or "TRUE" or "true" or "True" => true,
        "0" or "f" or "F" or "FALSE" or "false" or "False" => false,
        _ => null,
    };
}
