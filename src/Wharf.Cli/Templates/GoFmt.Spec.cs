using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Wharf.Cli.Templates;

/// <summary>Per-verb formatting: flags, width, precision and the rules for each value type.</summary>
internal static partial class GoFmt
{
    /// <summary>One verb's flags, width and precision, and the per-type formatting rules.</summary>
    private sealed class Spec
    {
        public bool Sharp { get; set; }

        public bool Zero { get; set; }

        public bool Plus { get; set; }

        public bool Minus { get; set; }

        public bool Space { get; set; }

        public int? Width { get; set; }

        public int? Precision { get; set; }

        public void Print(StringBuilder sb, object? value, int verb, int depth)
        {
            switch (value)
            {
                case null or Missing:
                    if (verb == 'T' || verb == 'v')
                    {
                        Pad(sb, "<nil>");
                    }
                    else
                    {
                        BadVerb(sb, value, verb);
                    }

                    return;
                case bool b:
                    if (verb is 't' or 'v')
                    {
                        Pad(sb, b ? "true" : "false");
                    }
                    else if (verb == 'T')
                    {
                        Pad(sb, "bool");
                    }
                    else
                    {
                        BadVerb(sb, value, verb);
                    }

                    return;
                case long l:
                    IntegerFormat.Append(this, sb, l < 0, l < 0 ? (ulong)(-(l + 1)) + 1UL : (ulong)l, verb, value);
                    return;
                case ulong ul:
                    IntegerFormat.Append(this, sb, false, ul, verb, value);
                    return;
                case double d:
                    FormatFloat(sb, d, verb, value);
                    return;
                case string s:
                    FormatString(sb, s, verb, value);
                    return;
                case JsonObject map:
                    if (verb == 'T')
                    {
                        Pad(sb, Values.TypeName(map));
                        return;
                    }

                    sb.Append("map[");
                    var first = true;
                    foreach (var (key, item) in Values.SortedEntries(map))
                    {
                        if (!first)
                        {
                            sb.Append(' ');
                        }

                        first = false;
                        Print(sb, key, verb, depth + 1);
                        sb.Append(':');
                        Print(sb, item, verb, depth + 1);
                    }

                    sb.Append(']');
                    return;
            }

            if (Values.AsList(value) is { } list)
            {
                if (verb == 'T')
                {
                    Pad(sb, Values.TypeName(value));
                    return;
                }

                sb.Append('[');
                for (var k = 0; k < list.Count; k++)
                {
                    if (k > 0)
                    {
                        sb.Append(' ');
                    }

                    Print(sb, list[k], verb, depth + 1);
                }

                sb.Append(']');
                return;
            }

            Pad(sb, value.ToString() ?? string.Empty);
        }

        public void BadVerb(StringBuilder sb, object? value, int verb)
        {
            sb.Append("%!").Append(char.ConvertFromUtf32(verb)).Append('(');
            if (Values.IsNil(value))
            {
                sb.Append("<nil>");
            }
            else
            {
                sb.Append(Values.TypeName(value)).Append('=');
                Print(sb, value, 'v', 0);
            }

            sb.Append(')');
        }

        /// <summary>Pads to the width in runes: spaces (or zeros with the 0 flag) on the left, spaces on the right with '-'.</summary>
        public void Pad(StringBuilder sb, string text)
        {
            var width = Width ?? 0;
            var runes = text.EnumerateRunes().Count();
            if (runes >= width)
            {
                sb.Append(text);
                return;
            }

            var padding = new string(Zero ? '0' : ' ', width - runes);
            if (Minus)
            {
                sb.Append(text).Append(' ', width - runes);
            }
            else
            {
                sb.Append(padding).Append(text);
            }
        }

        private void FormatString(StringBuilder sb, string s, int verb, object value)
        {
            // Go ignores the 0 flag for strings and byte data (fmt docs), padding them with spaces.
            var zero = Zero;
            Zero = false;
            try
            {
                FormatStringUnpadded(sb, s, verb, value);
            }
            finally
            {
                Zero = zero;
            }
        }

        private void FormatStringUnpadded(StringBuilder sb, string s, int verb, object value)
        {
            switch (verb)
            {
                case 'v' when Sharp:
                    Pad(sb, GoQuote.Quote(s));
                    return;
                case 'v' or 's':
                    Pad(sb, Truncate(s));
                    return;
                case 'q':
                    var t = Truncate(s);
                    Pad(sb, Sharp && GoQuote.CanBackquote(t) ? "`" + t + "`" : GoQuote.Quote(t, asciiOnly: Plus));
                    return;
                case 'x' or 'X':
                    var bytes = Encoding.UTF8.GetBytes(s);
                    var n = Precision is { } p && p < bytes.Length ? p : bytes.Length;
                    var hex = new StringBuilder();
                    for (var k = 0; k < n; k++)
                    {
                        if (Space && k > 0)
                        {
                            hex.Append(' ');
                        }

                        if (Sharp && (Space || k == 0))
                        {
                            hex.Append(verb == 'x' ? "0x" : "0X");
                        }

                        hex.Append(bytes[k].ToString(verb == 'x' ? "x2" : "X2", CultureInfo.InvariantCulture));
                    }

                    Pad(sb, hex.ToString());
                    return;
                case 'T':
                    Pad(sb, "string");
                    return;
                default:
                    BadVerb(sb, value, verb);
                    return;
            }
        }

        private string Truncate(string s)
        {
            if (Precision is not { } p)
            {
                return s;
            }

            var runes = GoQuote.Runes(s).Take(p + 1).ToList();
            return runes.Count <= p ? s : string.Concat(runes.Take(p).Select(r => r.ToString()));
        }

        private void FormatFloat(StringBuilder sb, double d, int verb, object value)
        {
            string text;
            switch (verb)
            {
                case 'v' or 'g' or 'G':
                    text = FloatFormat.Format(d, verb == 'G' ? 'G' : 'g', Precision ?? -1);
                    break;
                case 'e' or 'E' or 'f' or 'F':
                    text = FloatFormat.Format(d, verb == 'F' ? 'f' : (char)verb, Precision ?? 6);
                    break;
                case 'T':
                    Pad(sb, "float64");
                    return;
                default:
                    BadVerb(sb, value, verb);
                    return;
            }

            if (double.IsInfinity(d) || double.IsNaN(d))
            {
                // Go never zero-pads infinities or NaN.
                if (!Plus && d > 0)
                {
                    text = Space ? " " + text[1..] : text[1..];
                }

                var zero = Zero;
                Zero = false;
                Pad(sb, text);
                Zero = zero;
                return;
            }

            var sign = text[0] == '-' ? "-" : Plus ? "+" : Space ? " " : string.Empty;
            var body = text[0] == '-' ? text[1..] : text;
            if (Zero && !Minus && Width is { } w && w > sign.Length + body.Length)
            {
                sb.Append(sign).Append('0', w - sign.Length - body.Length).Append(body);
                return;
            }

            var zeroFlag = Zero;
            Zero = false;
            Pad(sb, sign + body);
            Zero = zeroFlag;
        }
    }

    /// <summary>fmt's integer verbs: d b o O x X c q U, with sign, precision and zero padding.</summary>
    private static class IntegerFormat
    {
        public static void Append(Spec spec, StringBuilder sb, bool negative, ulong magnitude, int verb, object value)
        {
            string digits;
            var prefix = string.Empty;
            switch (verb)
            {
                case 'v' or 'd':
                    digits = magnitude.ToString(CultureInfo.InvariantCulture);
                    break;
                case 'b':
                    digits = Convert.ToString(unchecked((long)magnitude), 2);
                    prefix = spec.Sharp ? "0b" : string.Empty;
                    break;
                case 'o' or 'O':
                    digits = ToOctal(magnitude);
                    prefix = verb == 'O' ? "0o" : spec.Sharp ? "0" : string.Empty;
                    break;
                case 'x' or 'X':
                    digits = magnitude.ToString(verb == 'x' ? "x" : "X", CultureInfo.InvariantCulture);
                    prefix = spec.Sharp ? (verb == 'x' ? "0x" : "0X") : string.Empty;
                    break;
                case 'c':
                    spec.Pad(sb, RuneText(negative, magnitude));
                    return;
                case 'q':
                    spec.Pad(sb, GoQuote.QuoteRune(negative ? -1 : (long)Math.Min(magnitude, int.MaxValue), spec.Plus));
                    return;
                case 'U':
                    var u = "U+" + magnitude.ToString("X4", CultureInfo.InvariantCulture);
                    if (spec.Sharp && !negative && magnitude <= 0x10FFFF && GoQuote.IsPrint(new Rune((int)magnitude)))
                    {
                        u += " '" + RuneText(false, magnitude) + "'";
                    }

                    spec.Pad(sb, u);
                    return;
                case 'T':
                    spec.Pad(sb, Values.TypeName(value));
                    return;
                default:
                    spec.BadVerb(sb, value, verb);
                    return;
            }

            if (spec.Precision is { } precision)
            {
                if (precision == 0 && magnitude == 0)
                {
                    digits = string.Empty;
                }
                else if (digits.Length < precision)
                {
                    digits = new string('0', precision - digits.Length) + digits;
                }
            }

            var sign = negative ? "-" : spec.Plus ? "+" : spec.Space ? " " : string.Empty;
            if (spec.Zero && spec.Precision == null && !spec.Minus && spec.Width is { } w)
            {
                var room = w - sign.Length - prefix.Length;
                if (digits.Length < room)
                {
                    digits = new string('0', room - digits.Length) + digits;
                }
            }

            var zero = spec.Zero;
            spec.Zero = false;
            spec.Pad(sb, sign + prefix + digits);
            spec.Zero = zero;
        }

        private static string ToOctal(ulong value)
        {
            if (value == 0)
            {
                return "0";
            }

            var sb = new StringBuilder();
            while (value > 0)
            {
                sb.Insert(0, (char)('0' + (int)(value & 7)));
                value >>= 3;
            }

            return sb.ToString();
        }

        private static string RuneText(bool negative, ulong magnitude) =>
            negative || magnitude > 0x10FFFF || (magnitude >= 0xD800 && magnitude <= 0xDFFF)
                ? "\uFFFD"
                : char.ConvertFromUtf32((int)magnitude);
    }
}
