using System.Globalization;
using System.Numerics;

namespace Wharf.Cli.Containers;

/// <summary>opts.NanoCPUs: a rational number of CPUs ("1.5", "3/2", "2e-1") in billionths, exact or refused.</summary>
public static class NanoCpus
{
    public static bool TryParse(string value, out long nanos, out string error)
    {
        nanos = 0;
        error = "";
        if (!TryParseRational(value, out var num, out var den))
        {
            error = $"failed to parse {value} as a rational number";
            return false;
        }
        var scaled = num * 1_000_000_000;
        if (scaled % den != 0)
        {
            error = "value is too precise";
            return false;
        }
        nanos = (long)(scaled / den);
        return true;
    }

    public static string? Validate(string value) => TryParse(value, out _, out var e) ? null : e;

    public static long Parse(string value) => TryParse(value, out var n, out _) ? n : 0;

    /// <summary>big.Rat.SetString: "a/b" with integers, or a decimal with optional exponent.</summary>
    static bool TryParseRational(string s, out BigInteger num, out BigInteger den)
    {
        num = 0;
        den = 1;
        var slash = s.IndexOf('/');
        if (slash >= 0)
        {
            if (!TryInteger(s[..slash], out num) || !TryInteger(s[(slash + 1)..], out den) || den.IsZero) return false;
            if (den.Sign < 0) return false;
            return true;
        }
        var t = s;
        bool negative = false;
        if (t.StartsWith('-') || t.StartsWith('+'))
        {
            negative = t[0] == '-';
            t = t[1..];
        }
        int exp = 0;
        var e = t.IndexOfAny(['e', 'E']);
        if (e >= 0)
        {
            if (!int.TryParse(t[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exp)) return false;
            t = t[..e];
        }
        if (Math.Abs(exp) > 400) return false;
        var dot = t.IndexOf('.');
        var digits = dot >= 0 ? t[..dot] + t[(dot + 1)..] : t;
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit)) return false;
        if (dot >= 0) exp -= t.Length - dot - 1;
        num = BigInteger.Parse(digits, CultureInfo.InvariantCulture);
        if (negative) num = -num;
        if (exp >= 0) num *= BigInteger.Pow(10, exp);
        else den = BigInteger.Pow(10, -exp);
        return true;
    }

    static bool TryInteger(string s, out BigInteger v) =>
        BigInteger.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out v) && s.Length > 0 && !s.Contains(' ');
}
