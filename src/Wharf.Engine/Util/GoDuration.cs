using Wharf.Engine.Build;

namespace Wharf.Engine;

/// <summary>
/// Go's `time.ParseDuration` (`1m30s`, `500ms`, `1.5h`, `-2us`), since HEALTHCHECK flags use Go durations,
/// and `Duration.String` for messages that quote one.
/// </summary>
public static class GoDuration
{
    private static readonly Dictionary<string, long> Units = new(StringComparer.Ordinal)
    {
        ["ns"] = 1,
        ["us"] = 1_000,
        ["\u00b5s"] = 1_000, // micro sign
        ["\u03bcs"] = 1_000, // Greek mu
        ["ms"] = 1_000_000,
        ["s"] = 1_000_000_000,
        ["m"] = 60_000_000_000,
        ["h"] = 3_600_000_000_000,
    };

    /// <summary>Parses without throwing, for filters such as `until=10m`.</summary>
    public static bool TryParse(string text, out TimeSpan value)
    {
        try
        {
            value = TimeSpan.FromTicks(ParseNanoseconds(text) / 100);
            return true;
        }
        catch (FormatException)
        {
            value = TimeSpan.Zero;
            return false;
        }
    }

    /// <summary>Parses to nanoseconds; throws <see cref="FormatException"/> with Go's message.</summary>
    public static long ParseNanoseconds(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var invalid = new FormatException($"time: invalid duration {DockerfileNode.GoQuote(text)}");
        var s = text;
        var negative = false;
        if (s.Length > 0 && s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        if (s == "0")
        {
            return 0;
        }
        if (s.Length == 0)
        {
            throw invalid;
        }
        decimal total = 0;
        while (s.Length > 0)
        {
            if (s[0] != '.' && !char.IsAsciiDigit(s[0]))
            {
                throw invalid;
            }
            var i = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }
            var whole = i > 0 ? decimal.Parse(s[..i], System.Globalization.CultureInfo.InvariantCulture) : 0m;
            var hasWhole = i > 0;
            s = s[i..];
            var fraction = 0m;
            var hasFraction = false;
            if (s.Length > 0 && s[0] == '.')
            {
                s = s[1..];
                i = 0;
                var scale = 1m;
                while (i < s.Length && char.IsAsciiDigit(s[i]))
                {
                    // Digits past decimal's precision cannot change a nanosecond count.
                    if (i < 25)
                    {
                        scale *= 10;
                        fraction = fraction * 10 + (s[i] - '0');
                    }
                    i++;
                }
                hasFraction = i > 0;
                fraction /= scale;
                s = s[i..];
            }
            if (!hasWhole && !hasFraction)
            {
                throw invalid;
            }
            i = 0;
            while (i < s.Length && s[i] != '.' && !char.IsAsciiDigit(s[i]))
            {
                i++;
            }
            if (i == 0)
            {
                throw new FormatException($"time: missing unit in duration {DockerfileNode.GoQuote(text)}");
            }
            var unit = s[..i];
            s = s[i..];
            if (!Units.TryGetValue(unit, out var factor))
            {
                throw new FormatException($"time: unknown unit {DockerfileNode.GoQuote(unit)} in duration {DockerfileNode.GoQuote(text)}");
            }
            if (whole > long.MaxValue / factor)
            {
                throw invalid;
            }
            total += whole * factor + decimal.Truncate(fraction * factor);
            if (total > long.MaxValue)
            {
                throw invalid;
            }
        }
        return negative ? -(long)total : (long)total;
    }

    /// <summary>Go's `Duration.String`: `0s`, `1.5µs`, `200ms`, `1.5s`, `1m30s`, `1h0m0s`.</summary>
    public static string Format(long nanoseconds)
    {
        if (nanoseconds == 0)
        {
            return "0s";
        }
        var sign = nanoseconds < 0 ? "-" : "";
        var u = nanoseconds == long.MinValue ? (ulong)long.MaxValue + 1 : (ulong)Math.Abs(nanoseconds);
        if (u < 1_000_000_000)
        {
            return u < 1_000 ? $"{sign}{u}ns"
                : u < 1_000_000 ? sign + Fraction(u, 3) + "\u00b5s"
                : sign + Fraction(u, 6) + "ms";
        }
        var seconds = Fraction(u % 60_000_000_000, 9) + "s";
        var minutes = u / 60_000_000_000;
        if (minutes == 0)
        {
            return sign + seconds;
        }
        var hours = minutes / 60;
        return hours == 0 ? $"{sign}{minutes}m{seconds}" : $"{sign}{hours}h{minutes % 60}m{seconds}";
    }

    /// <summary>v / 10^digits with the fraction's trailing zeros (and a bare point) dropped.</summary>
    private static string Fraction(ulong v, int digits)
    {
        ulong scale = 1;
        for (var i = 0; i < digits; i++)
        {
            scale *= 10;
        }
        var whole = (v / scale).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var fraction = (v % scale).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
        return fraction.Length == 0 ? whole : whole + "." + fraction;
    }
}
