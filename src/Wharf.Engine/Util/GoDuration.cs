using System.Globalization;

namespace Wharf.Engine;

/// <summary>Go's time.ParseDuration: `1h30m`, `500ms`, `2.5s`, `-1m`.</summary>
public static class GoDuration
{
    public static bool TryParse(string s, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(s)) return false;
        int i = 0;
        bool neg = false;
        if (s[0] is '-' or '+') { neg = s[0] == '-'; i++; }
        if (s[i..] == "0") return true;
        double total = 0;
        if (i >= s.Length) return false;
        while (i < s.Length)
        {
            int start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.')) i++;
            if (start == i) return false;
            if (!double.TryParse(s[start..i], NumberStyles.Float, CultureInfo.InvariantCulture, out var n)) return false;
            int us = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.') i++;
            double unit = s[us..i] switch
            {
                "ns" => 1e-9, "us" or "µs" or "μs" => 1e-6, "ms" => 1e-3, "s" => 1, "m" => 60, "h" => 3600,
                _ => double.NaN,
            };
            if (double.IsNaN(unit)) return false;
            total += n * unit;
        }
        value = TimeSpan.FromTicks((long)Math.Round(total * TimeSpan.TicksPerSecond) * (neg ? -1 : 1));
        return true;
    }
}
