using System.Globalization;
using System.Numerics;
using Wharf.Cli.Parsing;

namespace Wharf.Cli.Containers;

/// <summary>Go's time.ParseDuration ("1h30m", "1.5s", "300ms", "-2us"), in nanoseconds, with its error texts.</summary>
public static class GoDuration
{
    static readonly (string Unit, long Nanos)[] Units =
    [
        ("ns", 1), ("us", 1_000), ("µs", 1_000), ("μs", 1_000), ("ms", 1_000_000),
        ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000),
    ];

    public static bool TryParse(string s, out long nanos, out string error)
    {
        nanos = 0;
        error = "";
        var orig = s;
        var quoted = FlagParser.GoQuote(orig);
        bool negative = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        if (s == "0") return true;
        if (s.Length == 0)
        {
            error = "time: invalid duration " + quoted;
            return false;
        }
        BigInteger total = 0;
        while (s.Length > 0)
        {
            int i = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
            var intPart = s[..i];
            var fracPart = "";
            var hadDigits = i > 0;
            if (i < s.Length && s[i] == '.')
            {
                int j = i + 1;
                while (j < s.Length && char.IsAsciiDigit(s[j])) j++;
                fracPart = s[(i + 1)..j];
                hadDigits |= fracPart.Length > 0;
                i = j;
            }
            if (!hadDigits)
            {
                error = "time: invalid duration " + quoted;
                return false;
            }
            int u = i;
            while (u < s.Length && s[u] != '.' && !char.IsAsciiDigit(s[u])) u++;
            if (u == i)
            {
                error = "time: missing unit in duration " + quoted;
                return false;
            }
            var unitText = s[i..u];
            var unit = Array.Find(Units, x => x.Unit == unitText);
            if (unit.Unit is null)
            {
                error = "time: unknown unit " + FlagParser.GoQuote(unitText) + " in duration " + quoted;
                return false;
            }
            var whole = intPart.Length == 0 ? BigInteger.Zero : BigInteger.Parse(intPart, CultureInfo.InvariantCulture);
            total += whole * unit.Nanos;
            if (fracPart.Length > 0)
            {
                var frac = BigInteger.Parse(fracPart, CultureInfo.InvariantCulture);
                total += frac * unit.Nanos / BigInteger.Pow(10, fracPart.Length);
            }
            if (total > long.MaxValue)
            {
                error = "time: invalid duration " + quoted;
                return false;
            }
            s = s[u..];
        }
        nanos = (long)(negative ? -total : total);
        return true;
    }

    public static string? Validate(string value) => TryParse(value, out _, out var e) ? null : e;

    public static long Parse(string value) => TryParse(value, out var n, out _) ? n : 0;
}
