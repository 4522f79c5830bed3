using System.Globalization;
using System.Numerics;
using Wharf.Cli.Parsing;

namespace Wharf.Cli.Containers;

/// <summary>Go's strconv number parsing with its error texts, as the docker CLI's flags report them.</summary>
public static class GoStrconv
{
    /// <summary>strconv.ParseInt(s, base, bits); base 0 takes 0x, 0o, 0b and leading-0 octal prefixes as pflag does.</summary>
    public static bool TryParseInt(string s, int numberBase, int bits, out long value, out string error, string func = "ParseInt")
    {
        value = 0;
        error = "";
        if (!TryParseMagnitude(s, numberBase, out var negative, out var magnitude))
        {
            error = $"strconv.{func}: parsing {FlagParser.GoQuote(s)}: invalid syntax";
            return false;
        }
        var max = (BigInteger.One << (bits - 1)) - 1;
        var signed = negative ? -magnitude : magnitude;
        if (signed > max || signed < -max - 1)
        {
            error = $"strconv.{func}: parsing {FlagParser.GoQuote(s)}: value out of range";
            return false;
        }
        value = (long)signed;
        return true;
    }

    /// <summary>strconv.ParseUint(s, base, bits).</summary>
    public static bool TryParseUint(string s, int numberBase, int bits, out ulong value, out string error)
    {
        value = 0;
        error = "";
        if (s.StartsWith('-') || s.StartsWith('+') || !TryParseMagnitude(s, numberBase, out _, out var magnitude))
        {
            error = $"strconv.ParseUint: parsing {FlagParser.GoQuote(s)}: invalid syntax";
            return false;
        }
        if (magnitude > (BigInteger.One << bits) - 1)
        {
            error = $"strconv.ParseUint: parsing {FlagParser.GoQuote(s)}: value out of range";
            return false;
        }
        value = (ulong)magnitude;
        return true;
    }

    /// <summary>strconv.Atoi.</summary>
    public static bool TryAtoi(string s, out int value, out string error)
    {
        var ok = TryParseInt(s, 10, 64, out var l, out error, "Atoi");
        value = ok && l is >= int.MinValue and <= int.MaxValue ? (int)l : 0;
        return ok;
    }

    /// <summary>strconv.ParseFloat(s, 64) for the decimal forms people type.</summary>
    public static bool TryParseFloat(string s, out double value, out string error)
    {
        error = "";
        value = 0;
        var ok = s.Length > 0 && !char.IsWhiteSpace(s[0]) && !char.IsWhiteSpace(s[^1]) &&
                 double.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                     CultureInfo.InvariantCulture, out value);
        if (!ok)
        {
            value = 0;
            error = $"strconv.ParseFloat: parsing {FlagParser.GoQuote(s)}: invalid syntax";
        }
        return ok;
    }

    static bool TryParseMagnitude(string s, int numberBase, out bool negative, out BigInteger magnitude)
    {
        negative = false;
        magnitude = BigInteger.Zero;
        var t = s;
        if (t.StartsWith('-') || t.StartsWith('+'))
        {
            negative = t[0] == '-';
            t = t[1..];
        }
        if (numberBase == 0)
        {
            numberBase = 10;
            if (t.Length > 1 && t[0] == '0')
            {
                switch (char.ToLowerInvariant(t[1]))
                {
                    case 'x': numberBase = 16; t = t[2..]; break;
                    case 'o': numberBase = 8; t = t[2..]; break;
                    case 'b': numberBase = 2; t = t[2..]; break;
                    default: numberBase = 8; t = t[1..]; break;
                }
            }
        }
        if (t.Length == 0) return false;
        foreach (var c in t)
        {
            int d = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'z' => c - 'a' + 10,
                >= 'A' and <= 'Z' => c - 'A' + 10,
                _ => 99,
            };
            if (d >= numberBase) return false;
            magnitude = magnitude * numberBase + d;
        }
        return true;
    }
}
