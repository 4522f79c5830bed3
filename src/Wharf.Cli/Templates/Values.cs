using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Wharf.Cli.Templates;

/// <summary>Go's invalid reflect.Value: what a missing map key yields, distinct from a JSON null (a nil interface).</summary>
internal sealed class Missing
{
    public static readonly Missing Value = new();

    private Missing()
    {
    }
}

/// <summary>
/// The runtime value model. Values are null (Go nil), <see cref="Missing"/>, string, long (Go int),
/// ulong, double (float64), bool, lists (JsonArray or IReadOnlyList&lt;object?&gt;) and maps (JsonObject).
/// </summary>
internal static class Values
{
    /// <summary>Converts a JSON node to the runtime model; containers stay as nodes so lookups stay cheap.</summary>
    public static object? FromNode(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject or JsonArray:
                return node;
            case JsonValue value:
                return FromJsonValue(value);
            default:
                return null;
        }
    }

    private static object? FromJsonValue(JsonValue value)
    {
        if (value.TryGetValue<JsonElement>(out var element))
        {
            return FromElement(element);
        }

        if (value.TryGetValue<string>(out var s))
        {
            return s;
        }

        if (value.TryGetValue<bool>(out var b))
        {
            return b;
        }

        if (value.TryGetValue<long>(out var l))
        {
            return l;
        }

        if (value.TryGetValue<ulong>(out var ul))
        {
            return ul;
        }

        if (value.TryGetValue<double>(out var d))
        {
            return Normalize(d);
        }

        // Other CLR primitives (int, float, decimal, Guid, DateTime, ...) are read back through their JSON text,
        // which their System.Text.Json converters produce without reflection.
        using var document = JsonDocument.Parse(value.ToJsonString());
        return FromElement(document.RootElement.Clone());
    }

    private static object? FromElement(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return element.GetString();
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Number:
                // Integral literals stay integers so IDs, sizes and timestamps never print as 1.2e+09.
                if (element.TryGetInt64(out var l))
                {
                    return l;
                }

                if (element.TryGetUInt64(out var ul))
                {
                    return ul;
                }

                return element.GetDouble();
            case JsonValueKind.Object:
                return JsonObject.Create(element);
            case JsonValueKind.Array:
                return JsonArray.Create(element);
            default:
                return null;
        }
    }

    private static object Normalize(double d) =>
        d == Math.Floor(d) && Math.Abs(d) < 9e15 ? (long)d : d;

    public static bool IsNil(object? value) => value is null or Missing;

    /// <summary>The list view of a value, or null when it is not a Go slice.</summary>
    public static IReadOnlyList<object?>? AsList(object? value) => value switch
    {
        JsonArray array => new JsonArrayView(array),
        IReadOnlyList<object?> list => list,
        _ => null,
    };

    /// <summary>Map entries in Go's iteration order: keys sorted bytewise.</summary>
    public static IEnumerable<KeyValuePair<string, object?>> SortedEntries(JsonObject map) =>
        map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new KeyValuePair<string, object?>(p.Key, FromNode(p.Value)));

    /// <summary>Go's text/template truth: zero values, nil and empty containers are false.</summary>
    public static bool IsTrue(object? value) => value switch
    {
        null or Missing => false,
        bool b => b,
        string s => s.Length > 0,
        long l => l != 0,
        ulong ul => ul != 0,
        double d => d != 0,
        JsonObject o => o.Count > 0,
        _ => AsList(value) is not { } list || list.Count > 0,
    };

    /// <summary>The Go type name used in error messages and %T.</summary>
    public static string TypeName(object? value) => value switch
    {
        null or Missing => "<nil>",
        string => "string",
        long => "int",
        ulong => "uint64",
        double => "float64",
        bool => "bool",
        JsonObject => "map[string]interface {}",
        string[] or IReadOnlyList<string> => "[]string",
        _ when AsList(value) != null => "[]interface {}",
        _ => value.GetType().Name,
    };

    /// <summary>How {{.}} prints a value: nil becomes "&lt;no value&gt;", the rest as fmt's %v.</summary>
    public static string Print(object? value) => IsNil(value) ? "<no value>" : GoFmt.FormatV(value);

    /// <summary>Go's strings.Title: upper-cases the first letter of each word, leaving the rest.</summary>
    public static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        var prev = new Rune(' ');
        foreach (var rune in GoQuote.Runes(s))
        {
            sb.Append((IsSeparator(prev) ? Rune.ToUpperInvariant(rune) : rune).ToString());
            prev = rune;
        }

        return sb.ToString();
    }

    private static bool IsSeparator(Rune r)
    {
        if (r.Value <= 0x7F)
        {
            var c = (char)r.Value;
            return !(char.IsAsciiLetterOrDigit(c) || c == '_');
        }

        return !Rune.IsLetter(r) && !Rune.IsDigit(r) && Rune.IsWhiteSpace(r);
    }

    /// <summary>Number of UTF-8 bytes, which is what Go's len and slice count for strings.</summary>
    public static int ByteLength(string s) => Encoding.UTF8.GetByteCount(s);

    public static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Presents a JsonArray as a list of runtime values.</summary>
    private sealed class JsonArrayView(JsonArray array) : IReadOnlyList<object?>
    {
        public int Count => array.Count;

        public object? this[int index] => FromNode(array[index]);

        public IEnumerator<object?> GetEnumerator()
        {
            foreach (var item in array)
            {
                yield return FromNode(item);
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
