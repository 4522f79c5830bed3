using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Wharf.Cli.Templates;

/// <summary>
/// JSON output as docker's {{json}} produces it: Go encoding/json with SetEscapeHTML(false), compact, no trailing
/// newline. Hand-written over the runtime value model so it needs no reflection and stays trimming/AOT safe.
/// </summary>
internal static class GoJson
{
    private const string Hex = "0123456789abcdef";

    /// <summary>Encodes a value; like docker, an unencodable value (NaN, infinity) gives an empty string, not an error.</summary>
    public static string Encode(object? value)
    {
        var sb = new StringBuilder();
        try
        {
            Write(sb, value);
        }
        catch (UnsupportedValueException)
        {
            return string.Empty;
        }

        return sb.ToString();
    }

    private static void Write(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null or Missing:
                sb.Append("null");
                return;
            case string s:
                WriteString(sb, s);
                return;
            case bool b:
                sb.Append(b ? "true" : "false");
                return;
            case long l:
                sb.Append(l.ToString(CultureInfo.InvariantCulture));
                return;
            case ulong ul:
                sb.Append(ul.ToString(CultureInfo.InvariantCulture));
                return;
            case double d:
                if (double.IsNaN(d) || double.IsInfinity(d))
                {
                    throw new UnsupportedValueException();
                }

                sb.Append(FloatFormat.FormatJson(d));
                return;
            case JsonObject map:
                // Insertion order stands in for Go's struct field order, which API JSON already follows.
                sb.Append('{');
                var first = true;
                foreach (var (key, node) in map)
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }

                    first = false;
                    WriteString(sb, key);
                    sb.Append(':');
                    Write(sb, Values.FromNode(node));
                }

                sb.Append('}');
                return;
        }

        if (Values.AsList(value) is { } list)
        {
            sb.Append('[');
            for (var i = 0; i < list.Count; i++)
            {
                if (i > 0)
                {
                    sb.Append(',');
                }

                Write(sb, list[i]);
            }

            sb.Append(']');
            return;
        }

        WriteString(sb, value.ToString() ?? string.Empty);
    }

    /// <summary>Go's string encoding: short escapes for \b \f \n \r \t, \u00XX for other controls, U+2028/9 escaped.</summary>
    public static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var rune in GoQuote.Runes(s))
        {
            var r = rune.Value;
            switch (r)
            {
                case '"': sb.Append("\\\""); continue;
                case '\\': sb.Append(@"\\"); continue;
                case '\b': sb.Append(@"\b"); continue;
                case '\f': sb.Append(@"\f"); continue;
                case '\n': sb.Append(@"\n"); continue;
                case '\r': sb.Append(@"\r"); continue;
                case '\t': sb.Append(@"\t"); continue;
                case 0x2028 or 0x2029:
                    // Kept escaped even without HTML escaping, so output stays valid JavaScript.
                    sb.Append(@"\u202").Append(Hex[r & 0xF]);
                    continue;
            }

            if (r < 0x20)
            {
                sb.Append(@"\u00").Append(Hex[r >> 4]).Append(Hex[r & 0xF]);
                continue;
            }

            sb.Append(rune.ToString());
        }

        sb.Append('"');
    }

    private sealed class UnsupportedValueException : Exception;
}
