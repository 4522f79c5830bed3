using System.Globalization;

namespace Wharf.Cli.Output;

/// <summary>docker/go-units: HumanSize (decimal), BytesSize (binary) and HumanDuration, byte for byte.</summary>
public static class HumanUnits
{
    static readonly string[] DecimalAbbrs = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
    static readonly string[] BinaryAbbrs = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"];

    /// <summary>units.HumanSize: 4 significant digits, decimal units ("4.26MB" comes from precision 3).</summary>
    public static string HumanSize(double size) => HumanSizeWithPrecision(size, 4);

    /// <summary>units.HumanSizeWithPrecision: <c>fmt.Sprintf("%.*g%s", precision, size, unit)</c>.</summary>
    public static string HumanSizeWithPrecision(double size, int precision)
    {
        var (s, unit) = SizeAndUnit(size, 1000.0, DecimalAbbrs);
        return FormatG(s, precision) + unit;
    }

    /// <summary>units.BytesSize: <c>%.4g</c> with binary units ("15.5GiB").</summary>
    public static string BytesSize(double size)
    {
        var (s, unit) = SizeAndUnit(size, 1024.0, BinaryAbbrs);
        return FormatG(s, 4) + unit;
    }

    static (double, string) SizeAndUnit(double size, double b, string[] map)
    {
        int i = 0;
        int limit = map.Length - 1;
        while (size >= b && i < limit)
        {
            size /= b;
            i++;
        }
        return (size, map[i]);
    }

    /// <summary>Go's <c>%.{precision}g</c>: shortest of %e/%f at that many significant digits, trailing zeros dropped.</summary>
    public static string FormatG(double value, int precision)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsPositiveInfinity(value)) return "+Inf";
        if (double.IsNegativeInfinity(value)) return "-Inf";
        if (precision == 0) precision = 1;
        if (value == 0) return "0";
        // Round to the requested significant digits first, as Go does, then choose the notation from the exponent.
        var e = value.ToString("E" + (precision - 1).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var ePos = e.IndexOf('E');
        var mantissa = e[..ePos];
        var exp = int.Parse(e[(ePos + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        if (exp < -4 || exp >= precision)
        {
            if (mantissa.Contains('.')) mantissa = mantissa.TrimEnd('0').TrimEnd('.');
            var sign = exp < 0 ? "-" : "+";
            var ax = Math.Abs(exp);
            return mantissa + "e" + sign + (ax < 10 ? "0" : "") + ax.ToString(CultureInfo.InvariantCulture);
        }
        var decimals = Math.Max(0, precision - 1 - exp);
        var f = value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        if (f.Contains('.')) f = f.TrimEnd('0').TrimEnd('.');
        return f;
    }

    /// <summary>units.HumanDuration: "Less than a second", "About a minute", "3 weeks", ...</summary>
    public static string HumanDuration(TimeSpan d)
    {
        var seconds = (long)d.TotalSeconds;
        if (seconds < 1) return "Less than a second";
        if (seconds == 1) return "1 second";
        if (seconds < 60) return $"{seconds} seconds";
        var minutes = (long)d.TotalMinutes;
        if (minutes == 1) return "About a minute";
        if (minutes < 60) return $"{minutes} minutes";
        // d.Round(time.Hour).Hours(): halves round away from zero.
        var hours = (d.Ticks + TimeSpan.TicksPerHour / 2) / TimeSpan.TicksPerHour;
        if (hours == 1) return "About an hour";
        if (hours < 48) return $"{hours} hours";
        if (hours < 24 * 7 * 2) return $"{hours / 24} days";
        if (hours < 24 * 30 * 2) return $"{hours / 24 / 7} weeks";
        if (hours < 24 * 365 * 2) return $"{hours / 24 / 30} months";
        return $"{(long)d.TotalHours / 24 / 365} years";
    }

    /// <summary>"N ago" as docker's CreatedSince columns print it.</summary>
    public static string Ago(DateTimeOffset then, DateTimeOffset now) => HumanDuration(now - then) + " ago";
}
