using System.Globalization;

namespace Wharf.Cli.Output;

/// <summary>Go time formats the docker CLI prints, in the local time zone.</summary>
public static class GoTime
{
    /// <summary>Overridable for tests; the zone Go's time.Local would use.</summary>
    public static TimeZoneInfo Zone { get; set; } = SafeLocal();

    static TimeZoneInfo SafeLocal()
    {
        try { return TimeZoneInfo.Local; }
        catch (TimeZoneNotFoundException) { return TimeZoneInfo.Utc; }
    }

    static DateTimeOffset ToLocal(DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, Zone);

    static string Offset(TimeSpan off, bool colon, bool zForUtc)
    {
        if (zForUtc && off == TimeSpan.Zero) return "Z";
        var sign = off < TimeSpan.Zero ? "-" : "+";
        off = off.Duration();
        return sign + off.Hours.ToString("00", CultureInfo.InvariantCulture) + (colon ? ":" : "") + off.Minutes.ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary>time.Time.String() without monotonic part: "2006-01-02 15:04:05 -0700 MST".</summary>
    public static string String(DateTimeOffset t)
    {
        var l = ToLocal(t);
        var frac = l.Ticks % TimeSpan.TicksPerSecond;
        var s = l.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        if (frac != 0) s += "." + (frac * 100).ToString("000000000", CultureInfo.InvariantCulture).TrimEnd('0');
        var off = Offset(l.Offset, colon: false, zForUtc: false);
        var abbr = l.Offset == TimeSpan.Zero && (Zone == TimeZoneInfo.Utc || Zone.Id is "UTC" or "Etc/UTC" or "Universal" or "Zulu") ? "UTC" : off;
        return s + " " + off + " " + abbr;
    }

    /// <summary>time.RFC3339: "2006-01-02T15:04:05Z07:00".</summary>
    public static string Rfc3339(DateTimeOffset t)
    {
        var l = ToLocal(t);
        return l.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + Offset(l.Offset, true, true);
    }

    /// <summary>jsonmessage.RFC3339NanoFixed: "2006-01-02T15:04:05.000000000Z07:00".</summary>
    public static string Rfc3339NanoFixed(long unixNanos)
    {
        var secs = Math.DivRem(unixNanos, 1_000_000_000L, out var nanos);
        if (nanos < 0) { secs--; nanos += 1_000_000_000L; }
        var l = ToLocal(DateTimeOffset.FromUnixTimeSeconds(secs));
        return l.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + "." +
               nanos.ToString("000000000", CultureInfo.InvariantCulture) + Offset(l.Offset, true, true);
    }
}
