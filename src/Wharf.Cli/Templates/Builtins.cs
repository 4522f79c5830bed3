using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Wharf.Cli.Templates;

/// <summary>Go text/template's predefined functions (funcs.go), with Go's error texts.</summary>
internal static class Builtins
{
    private const string BadComparison = "incompatible types for comparison";
    private const string BadComparisonType = "invalid type for comparison";

    public static IEnumerable<TemplateFunction> All()
    {
        ParamKind[] value = [ParamKind.Value];
        ParamKind[] twoValues = [ParamKind.Value, ParamKind.Value];
        yield return new("and", value, ParamKind.Value, a => a[^1], shortCircuitOn: false);
        yield return new("or", value, ParamKind.Value, a => a[^1], shortCircuitOn: true);
        yield return new("not", value, null, a => !Values.IsTrue(a[0]));
        yield return new("len", value, null, a => Length(a[0]));
        yield return new("index", value, ParamKind.Value, a => Index(a[0], a.AsSpan(1)));
        yield return new("slice", value, ParamKind.Value, a => Slice(a[0], a.AsSpan(1)));
        yield return new("print", [], ParamKind.Any, a => GoFmt.Sprint(a));
        yield return new("printf", [ParamKind.String], ParamKind.Any, a => GoFmt.Sprintf((string)a[0]!, a[1..]));
        yield return new("println", [], ParamKind.Any, a => GoFmt.Sprintln(a));
        yield return new("html", [], ParamKind.Any, a => HtmlEscape(EvalArgs(a)));
        yield return new("js", [], ParamKind.Any, a => JsEscape(EvalArgs(a)));
        yield return new("urlquery", [], ParamKind.Any, a => QueryEscape(EvalArgs(a)));
        yield return new("eq", value, ParamKind.Value, a => Eq(a[0], a.AsSpan(1)));
        yield return new("ne", twoValues, null, a => !Eq(a[0], a.AsSpan(1)));
        yield return new("lt", twoValues, null, a => Less(a[0], a[1]));
        yield return new("le", twoValues, null, a => Less(a[0], a[1]) || Eq(a[0], a.AsSpan(1)));
        yield return new("gt", twoValues, null, a => !(Less(a[0], a[1]) || Eq(a[0], a.AsSpan(1))));
        yield return new("ge", twoValues, null, a => !Less(a[0], a[1]));
        yield return new("call", value, ParamKind.Value, a => Call((string)a[0]!, a[1]), passesCalleeName: true);
    }

    private static long Length(object? item) => item switch
    {
        null => throw new FunctionException("len of nil pointer"),
        Missing => throw new FunctionException("reflect: call of reflect.Value.Type on zero Value"),
        string s => Values.ByteLength(s),
        JsonObject o => o.Count,
        _ => Values.AsList(item)?.Count ?? throw new FunctionException("len of type " + Values.TypeName(item)),
    };

    private static object? Index(object? item, ReadOnlySpan<object?> indexes)
    {
        if (Values.IsNil(item))
        {
            throw new FunctionException("index of untyped nil");
        }

        foreach (var index in indexes)
        {
            switch (item)
            {
                case null or Missing:
                    throw new FunctionException("index of nil pointer");
                case JsonObject map:
                    if (Values.IsNil(index))
                    {
                        throw new FunctionException("value is nil; should be of type string");
                    }

                    if (index is not string key)
                    {
                        throw new FunctionException("value has type " + Values.TypeName(index) + "; should be string");
                    }

                    // A missing key yields the element type's zero value: a nil interface.
                    item = map.TryGetPropertyValue(key, out var node) ? Values.FromNode(node) : null;
                    break;
                case string s:
                    var bytes = Encoding.UTF8.GetBytes(s);
                    var at = IndexArg(index, bytes.Length);
                    item = at == bytes.Length
                        ? throw new FunctionException("reflect: string index out of range")
                        : (long)bytes[at];
                    break;
                default:
                    var list = Values.AsList(item) ?? throw new FunctionException("can't index item of type " + Values.TypeName(item));
                    var i = IndexArg(index, list.Count);
                    item = i == list.Count ? throw new FunctionException("reflect: slice index out of range") : list[i];
                    break;
            }
        }

        return item;
    }

    private static int IndexArg(object? index, int cap)
    {
        long x = index switch
        {
            long l => l,
            ulong ul => ul > long.MaxValue ? long.MaxValue : (long)ul,
            null or Missing => throw new FunctionException("cannot index slice/array with nil"),
            _ => throw new FunctionException("cannot index slice/array with type " + Values.TypeName(index)),
        };
        if (x < 0 || x > cap)
        {
            throw new FunctionException("index out of range: " + x.ToString(CultureInfo.InvariantCulture));
        }

        return (int)x;
    }

    private static object? Slice(object? item, ReadOnlySpan<object?> indexes)
    {
        if (Values.IsNil(item))
        {
            throw new FunctionException("slice of untyped nil");
        }

        if (indexes.Length > 3)
        {
            throw new FunctionException("too many slice indexes: " + indexes.Length);
        }

        byte[]? bytes = null;
        IReadOnlyList<object?>? list = null;
        int length;
        if (item is string s)
        {
            if (indexes.Length == 3)
            {
                throw new FunctionException("cannot 3-index slice a string");
            }

            bytes = Encoding.UTF8.GetBytes(s);
            length = bytes.Length;
        }
        else
        {
            list = Values.AsList(item) ?? throw new FunctionException("can't slice item of type " + Values.TypeName(item));
            length = list.Count;
        }

        int[] idx = [0, length, length];
        for (var i = 0; i < indexes.Length; i++)
        {
            idx[i] = IndexArg(indexes[i], length);
        }

        if (idx[0] > idx[1])
        {
            throw new FunctionException("invalid slice index: " + idx[0] + " > " + idx[1]);
        }

        if (indexes.Length == 3 && idx[1] > idx[2])
        {
            throw new FunctionException("invalid slice index: " + idx[1] + " > " + idx[2]);
        }

        if (bytes != null)
        {
            return Encoding.UTF8.GetString(bytes, idx[0], idx[1] - idx[0]);
        }

        return list!.Skip(idx[0]).Take(idx[1] - idx[0]).ToArray();
    }

    private enum Kind
    {
        Invalid,
        Bool,
        Int,
        Uint,
        Float,
        String,
        Other,
    }

    private static Kind BasicKind(object? v) => v switch
    {
        null or Missing => Kind.Invalid,
        bool => Kind.Bool,
        long => Kind.Int,
        ulong => Kind.Uint,
        double => Kind.Float,
        string => Kind.String,
        _ => Kind.Other,
    };

    private static bool IsNumber(Kind k) => k is Kind.Int or Kind.Uint or Kind.Float;

    private static double AsDouble(object v) => v switch
    {
        long l => l,
        ulong ul => ul,
        _ => (double)v,
    };

    /// <summary>
    /// Go's eq. Unlike Go, int and float operands compare numerically: JSON carries no static type, so 1
    /// versus 1.0 says nothing about the field's declared type.
    /// </summary>
    private static bool Eq(object? arg1, ReadOnlySpan<object?> others)
    {
        if (others.Length == 0)
        {
            throw new FunctionException("missing argument for comparison");
        }

        var k1 = BasicKind(arg1);
        foreach (var arg in others)
        {
            var k2 = BasicKind(arg);
            bool truth;
            if (IsNumber(k1) && IsNumber(k2))
            {
                truth = NumberCompare(arg1!, arg!) == 0;
            }
            else if (k1 != k2)
            {
                if (k1 != Kind.Invalid && k2 != Kind.Invalid)
                {
                    throw new FunctionException(BadComparison);
                }

                truth = false;
            }
            else
            {
                truth = k1 switch
                {
                    Kind.Bool => (bool)arg1! == (bool)arg!,
                    Kind.String => string.Equals((string)arg1!, (string)arg!, StringComparison.Ordinal),
                    Kind.Invalid => true,
                    _ => throw new FunctionException(
                        "non-comparable types " + GoFmt.FormatV(arg1) + ": " + Values.TypeName(arg1) + ", " + Values.TypeName(arg) + ": " + GoFmt.FormatV(arg)),
                };
            }

            if (truth)
            {
                return true;
            }
        }

        return false;
    }

    private static bool Less(object? arg1, object? arg2)
    {
        var k1 = BasicKind(arg1);
        var k2 = BasicKind(arg2);
        if (k1 is Kind.Invalid or Kind.Other || k2 is Kind.Invalid or Kind.Other)
        {
            throw new FunctionException(BadComparisonType);
        }

        if (IsNumber(k1) && IsNumber(k2))
        {
            return NumberCompare(arg1!, arg2!) < 0;
        }

        if (k1 != k2)
        {
            throw new FunctionException(BadComparison);
        }

        return k1 switch
        {
            Kind.String => string.CompareOrdinal((string)arg1!, (string)arg2!) < 0,
            _ => throw new FunctionException(BadComparisonType),
        };
    }

    private static int NumberCompare(object a, object b) => (a, b) switch
    {
        (long x, long y) => x.CompareTo(y),
        (ulong x, ulong y) => x.CompareTo(y),
        (long x, ulong y) => x < 0 ? -1 : ((ulong)x).CompareTo(y),
        (ulong x, long y) => y < 0 ? 1 : x.CompareTo((ulong)y),
        _ => AsDouble(a).CompareTo(AsDouble(b)),
    };

    private static object? Call(string callee, object? fn)
    {
        if (Values.IsNil(fn))
        {
            throw new FunctionException("call of nil");
        }

        // JSON data holds no functions, so every call target is a non-function.
        throw new FunctionException("non-function " + callee + " of type " + Values.TypeName(fn));
    }

    /// <summary>Go's evalArgs for html/js/urlquery: one string passes through, otherwise fmt.Sprint.</summary>
    private static string EvalArgs(object?[] args)
    {
        if (args.Length == 1 && args[0] is string s)
        {
            return s;
        }

        return GoFmt.Sprint(args.Select(a => Values.IsNil(a) ? "<no value>" : a).ToArray());
    }

    private static string HtmlEscape(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            sb.Append(c switch
            {
                '"' => "&#34;",
                '\'' => "&#39;",
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '\0' => "\uFFFD",
                _ => c.ToString(),
            });
        }

        return sb.ToString();
    }

    private static string JsEscape(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var rune in GoQuote.Runes(s))
        {
            var r = rune.Value;
            switch (r)
            {
                case '\\': sb.Append(@"\\"); break;
                case '\'': sb.Append(@"\'"); break;
                case '"': sb.Append("\\\""); break;
                case '<': sb.Append(@"\u003C"); break;
                case '>': sb.Append(@"\u003E"); break;
                case '&': sb.Append(@"\u0026"); break;
                case '=': sb.Append(@"\u003D"); break;
                default:
                    if (GoQuote.IsPrint(rune))
                    {
                        sb.Append(rune.ToString());
                    }
                    else
                    {
                        sb.Append(@"\u").Append(r.ToString("X4", CultureInfo.InvariantCulture));
                    }

                    break;
            }
        }

        return sb.ToString();
    }

    private static string QueryEscape(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
            {
                sb.Append(c);
            }
            else if (c == ' ')
            {
                sb.Append('+');
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }
}
