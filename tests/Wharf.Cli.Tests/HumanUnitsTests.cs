using Wharf.Cli.Output;

namespace Wharf.Cli.Tests;

public class HumanUnitsTests
{
    const double KB = 1000, MB = KB * 1000, GB = MB * 1000, TB = GB * 1000, PB = TB * 1000;
    const double KiB = 1024, MiB = KiB * 1024, GiB = MiB * 1024, TiB = GiB * 1024, PiB = TiB * 1024;

    // go-units size_test.go
    [Theory]
    [InlineData("1kB", 1000)]
    [InlineData("1.024kB", 1024)]
    [InlineData("1MB", 1000000)]
    [InlineData("1.049MB", 1048576)]
    [InlineData("2MB", 2 * MB)]
    [InlineData("3.42GB", 3.42 * GB)]
    [InlineData("5.372TB", 5.372 * TB)]
    [InlineData("2.22PB", 2.22 * PB)]
    [InlineData("1e+04YB", 10000000000000 * PB)]
    [InlineData("0B", 0)]
    [InlineData("999B", 999)]
    public void HumanSize(string expected, double size) => Assert.Equal(expected, HumanUnits.HumanSize(size));

    [Theory]
    [InlineData("1KiB", 1024)]
    [InlineData("1MiB", 1024 * 1024)]
    [InlineData("2MiB", 2 * MiB)]
    [InlineData("3.42GiB", 3.42 * GiB)]
    [InlineData("5.372TiB", 5.372 * TiB)]
    [InlineData("2.22PiB", 2.22 * PiB)]
    [InlineData("1.049e+06YiB", KiB * KiB * KiB * KiB * KiB * PiB)]
    public void BytesSize(string expected, double size) => Assert.Equal(expected, HumanUnits.BytesSize(size));

    // What `docker images` shows (precision 3).
    [Theory]
    [InlineData("4.26MB", 4261234)]
    [InlineData("1.2kB", 1200)]
    [InlineData("72.8MB", 72792473)]
    [InlineData("1e+03kB", 999999)]
    [InlineData("0B", 0)]
    [InlineData("1.24GB", 1240000000)]
    [InlineData("5.57MB", 5570000)]
    [InlineData("100MB", 99999999)]
    public void HumanSizePrecision3(string expected, double size) => Assert.Equal(expected, HumanUnits.HumanSizeWithPrecision(size, 3));

    [Theory]
    [InlineData("1.5", 1.5, 3)]
    [InlineData("0.0001", 0.0001, 3)]
    [InlineData("1e-05", 0.00001, 3)]
    [InlineData("123", 123, 3)]
    [InlineData("1.23e+03", 1234, 3)]
    [InlineData("12.35", 12.345678, 4)]
    public void GoPercentG(string expected, double v, int prec) => Assert.Equal(expected, HumanUnits.FormatG(v, prec));

    const long Sec = TimeSpan.TicksPerSecond, Min = 60 * Sec, Hour = 60 * Min, Day = 24 * Hour, Week = 7 * Day, Month = 30 * Day, Year = 365 * Day;

    // go-units duration_test.go
    [Theory]
    [InlineData("Less than a second", 450 * TimeSpan.TicksPerMillisecond)]
    [InlineData("1 second", 1 * Sec)]
    [InlineData("45 seconds", 45 * Sec)]
    [InlineData("59 seconds", 59 * Sec)]
    [InlineData("About a minute", 60 * Sec)]
    [InlineData("3 minutes", 3 * Min)]
    [InlineData("35 minutes", 35 * Min + 40 * Sec)]
    [InlineData("59 minutes", 59 * Min)]
    [InlineData("About an hour", 1 * Hour)]
    [InlineData("About an hour", 1 * Hour + 29 * Min)]
    [InlineData("2 hours", 1 * Hour + 31 * Min)]
    [InlineData("2 hours", 1 * Hour + 59 * Min)]
    [InlineData("3 hours", 3 * Hour + 29 * Min)]
    [InlineData("4 hours", 3 * Hour + 31 * Min)]
    [InlineData("4 hours", 3 * Hour + 60 * Min)]
    [InlineData("24 hours", 24 * Hour)]
    [InlineData("36 hours", 1 * Day + 12 * Hour)]
    [InlineData("2 days", 2 * Day)]
    [InlineData("7 days", 7 * Day)]
    [InlineData("13 days", 13 * Day + 5 * Hour)]
    [InlineData("2 weeks", 2 * Week)]
    [InlineData("2 weeks", 2 * Week + 4 * Day)]
    [InlineData("3 weeks", 3 * Week)]
    [InlineData("4 weeks", 4 * Week + 3 * Day)]
    [InlineData("4 weeks", 1 * Month)]
    [InlineData("6 weeks", 1 * Month + 2 * Week)]
    [InlineData("2 months", 2 * Month)]
    [InlineData("3 months", 3 * Month + 1 * Week)]
    [InlineData("13 months", 13 * Month)]
    [InlineData("24 months", 24 * Month)]
    [InlineData("2 years", 24 * Month + 2 * Week)]
    [InlineData("3 years", 3 * Year + 2 * Month)]
    public void HumanDuration(string expected, long ticks) => Assert.Equal(expected, HumanUnits.HumanDuration(TimeSpan.FromTicks(ticks)));

    [Fact]
    public void Ago()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        Assert.Equal("About a minute ago", HumanUnits.Ago(now.AddSeconds(-61), now));
        Assert.Equal("2 hours ago", HumanUnits.Ago(now.AddHours(-2), now));
        Assert.Equal("3 weeks ago", HumanUnits.Ago(now.AddDays(-21), now));
    }

    [Fact]
    public void GoTimeFormats()
    {
        GoTime.Zone = TimeZoneInfo.Utc;
        var t = DateTimeOffset.FromUnixTimeSeconds(1_795_374_000); // 2026-11-22T19:00:00Z
        Assert.Equal("2026-11-22 19:00:00 +0000 UTC", GoTime.String(t));
        Assert.Equal("2026-11-22T19:00:00Z", GoTime.Rfc3339(t));
        Assert.Equal("2026-11-22T19:00:00.000000005Z", GoTime.Rfc3339NanoFixed(1_795_374_000_000_000_005));
    }
}
