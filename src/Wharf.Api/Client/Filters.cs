using System.Text.Json;
using Wharf.Api.Json;

namespace Wharf.Api.Client;

/// <summary>docker's filters.Args: key → set of values, sent as JSON <c>{"key":{"value":true}}</c>.</summary>
public sealed class Filters
{
    readonly SortedDictionary<string, SortedSet<string>> _args = new(StringComparer.Ordinal);

    /// <summary>docker's error for a filter without '='.</summary>
    public const string BadFormatMessage = "bad format of filter (expected name=value)";

    public int Count => _args.Count;

    public bool IsEmpty => _args.Count == 0;

    public IEnumerable<string> Keys => _args.Keys;

    public Filters Add(string key, string value)
    {
        if (!_args.TryGetValue(key, out var set)) _args[key] = set = new SortedSet<string>(StringComparer.Ordinal);
        set.Add(value);
        return this;
    }

    public IReadOnlyCollection<string> Get(string key) => _args.TryGetValue(key, out var s) ? s : [];

    public bool Contains(string key) => _args.ContainsKey(key);

    public Filters Clone()
    {
        var c = new Filters();
        foreach (var (k, vs) in _args) foreach (var v in vs) c.Add(k, v);
        return c;
    }

    /// <summary>Parses one <c>--filter name=value</c> argument as docker's opts.FilterOpt does.</summary>
    public static bool TryParseArg(string arg, Filters into, out string? error)
    {
        error = null;
        if (arg.Length == 0) return true;
        var eq = arg.IndexOf('=');
        if (eq < 0) { error = BadFormatMessage; return false; }
        into.Add(arg[..eq].Trim().ToLowerInvariant(), arg[(eq + 1)..].Trim());
        return true;
    }

    /// <summary>The JSON query value, or null when there are no filters.</summary>
    public string? ToJson()
    {
        if (_args.Count == 0) return null;
        var d = new Dictionary<string, Dictionary<string, bool>>(StringComparer.Ordinal);
        foreach (var (k, vs) in _args)
        {
            var inner = new Dictionary<string, bool>(StringComparer.Ordinal);
            foreach (var v in vs) inner[v] = true;
            d[k] = inner;
        }
        return JsonSerializer.Serialize(d, WharfJsonContext.Default.DictionaryStringDictionaryStringBoolean);
    }
}
