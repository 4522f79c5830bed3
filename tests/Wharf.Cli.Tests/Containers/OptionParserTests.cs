using Wharf.Cli.Containers;
using Wharf.Cli.Streams;

namespace Wharf.Cli.Tests.Containers;

/// <summary>The value parsers behind container flags: sizes, durations, CPUs, limits, specs.</summary>
public class OptionParserTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("512", 512L)]
    [InlineData("1b", 1L)]
    [InlineData("1k", 1024L)]
    [InlineData("1K", 1024L)]
    [InlineData("1kb", 1024L)]
    [InlineData("1KiB", 1024L)]
    [InlineData("64m", 64L << 20)]
    [InlineData("1.5g", 3L << 29)]
    [InlineData("2 GB", 2L << 30)]
    [InlineData("1t", 1L << 40)]
    [InlineData("1e3", 1000L)]
    public void Sizes_are_binary_multiples(string text, long bytes)
    {
        Assert.True(ByteSize.TryParse(text, out var b, out var err), err);
        Assert.Equal(bytes, b);
    }

    [Theory]
    [InlineData("12x", "invalid suffix: 'x'")]
    [InlineData("1kx", "invalid suffix: 'kx'")]
    [InlineData("1kbb", "invalid suffix: 'kbb'")]
    [InlineData("1bb", "invalid suffix: 'bb'")]
    [InlineData("abc", "invalid size: 'abc'")]
    [InlineData("", "invalid size: ''")]
    [InlineData("-1", "invalid size: '-1'")]
    [InlineData(" 1k", "strconv.ParseFloat: parsing \" 1\": invalid syntax")]
    [InlineData("1..2k", "strconv.ParseFloat: parsing \"1..2\": invalid syntax")]
    public void Bad_sizes_use_go_units_messages(string text, string message)
    {
        Assert.False(ByteSize.TryParse(text, out _, out var err));
        Assert.Equal(message, err);
    }

    [Fact]
    public void Swap_accepts_minus_one()
    {
        Assert.Null(ByteSize.ValidateSwap("-1"));
        Assert.Equal(-1, ByteSize.Parse("-1"));
        Assert.Equal("invalid size: '-2'", ByteSize.ValidateSwap("-2"));
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("1ns", 1L)]
    [InlineData("1us", 1_000L)]
    [InlineData("1µs", 1_000L)]
    [InlineData("300ms", 300_000_000L)]
    [InlineData("1.5s", 1_500_000_000L)]
    [InlineData(".5s", 500_000_000L)]
    [InlineData("2m", 120_000_000_000L)]
    [InlineData("1h30m", 5_400_000_000_000L)]
    [InlineData("-1s", -1_000_000_000L)]
    public void Durations_follow_go(string text, long nanos)
    {
        Assert.True(GoDuration.TryParse(text, out var n, out var err), err);
        Assert.Equal(nanos, n);
    }

    [Theory]
    [InlineData("5", "time: missing unit in duration \"5\"")]
    [InlineData("5x", "time: unknown unit \"x\" in duration \"5x\"")]
    [InlineData("", "time: invalid duration \"\"")]
    [InlineData("s", "time: invalid duration \"s\"")]
    [InlineData("1.s.", "time: invalid duration \"1.s.\"")]
    public void Bad_durations_use_go_messages(string text, string message)
    {
        Assert.False(GoDuration.TryParse(text, out _, out var err));
        Assert.Equal(message, err);
    }

    [Theory]
    [InlineData("1", 1_000_000_000L)]
    [InlineData("0.5", 500_000_000L)]
    [InlineData("1.25", 1_250_000_000L)]
    [InlineData("3/2", 1_500_000_000L)]
    [InlineData("2e-1", 200_000_000L)]
    [InlineData("0.000000001", 1L)]
    public void Cpus_are_exact_billionths(string text, long nanos)
    {
        Assert.True(NanoCpus.TryParse(text, out var n, out var err), err);
        Assert.Equal(nanos, n);
    }

    [Fact]
    public void Bad_cpus()
    {
        Assert.Equal("failed to parse abc as a rational number", NanoCpus.Validate("abc"));
        Assert.Equal("failed to parse 1/0 as a rational number", NanoCpus.Validate("1/0"));
        Assert.Equal("value is too precise", NanoCpus.Validate("0.0000000001"));
    }

    [Fact]
    public void Ulimits()
    {
        var u = FlagValues.ParseUlimit("nofile=1024");
        Assert.Equal(("nofile", 1024L, 1024L), (u.Name, u.Soft, u.Hard));
        var unlimited = FlagValues.ParseUlimit("memlock=-1:-1");
        Assert.Equal((-1L, -1L), (unlimited.Soft, unlimited.Hard));
        Assert.Equal("too many limit value arguments - 1:2:3, can only have up to two, `soft[:hard]`",
            Assert.Throws<FormatException>(() => FlagValues.ParseUlimit("nofile=1:2:3")).Message);
        Assert.Equal("ulimit soft limit must be less than or equal to hard limit: soft: -1 (unlimited), hard: 5",
            Assert.Throws<FormatException>(() => FlagValues.ParseUlimit("nofile=-1:5")).Message);
        Assert.Equal("strconv.ParseInt: parsing \"a\": invalid syntax", Assert.Throws<FormatException>(() => FlagValues.ParseUlimit("nofile=a")).Message);
    }

    [Fact]
    public void Detach_keys()
    {
        Assert.Equal([16, 17], DetachKeyParser.ParseOrDefault(null));
        Assert.Equal([16, 17], DetachKeyParser.Parse("ctrl-p,ctrl-q"));
        Assert.Equal([(byte)'a', 0, 28, 31], DetachKeyParser.Parse("a,ctrl-@,CTRL-\\,ctrl-_"));
        Assert.Equal("invalid detach keys (ctrl-1): Unknown character: 'ctrl-1'",
            Assert.Throws<FormatException>(() => DetachKeyParser.Parse("ctrl-1")).Message);
    }

    [Fact]
    public void Detach_watcher_follows_the_daemons_matching()
    {
        var w = new DetachWatcher([16, 17]);
        w.Feed("ab\x10x"u8);
        Assert.False(w.Matched);
        w.Feed("\x10\x10"u8);
        Assert.False(w.Matched);
        w.Feed("\x11"u8);
        Assert.True(w.Matched);
        Assert.True(w.MatchedTask.IsCompleted);
        var none = new DetachWatcher([]);
        none.Feed("\x10\x11"u8);
        Assert.False(none.Matched);
    }

    [Fact]
    public void Csv_records_follow_go()
    {
        Assert.Equal(["type=bind", "src=/a,b", "dst=/c"], CsvRecord.Parse("type=bind,\"src=/a,b\",dst=/c"));
        Assert.Equal(["a\"b", ""], CsvRecord.Parse("\"a\"\"b\","));
        Assert.Equal("parse error on line 1, column 3: bare \" in non-quoted-field", Assert.Throws<FormatException>(() => CsvRecord.Parse("ab\"c")).Message);
    }

    [Theory]
    [InlineData("linux", "linux/amd64")]
    [InlineData("linux/amd64", "linux/amd64")]
    [InlineData("Linux/x86_64", "linux/amd64")]
    [InlineData("linux/arm64/v8", "linux/arm64")]
    [InlineData("linux/arm", "linux/arm/v7")]
    [InlineData("arm64", "linux/arm64")]
    public void Platforms_are_normalised(string text, string expected) => Assert.Equal(expected, PlatformSpec.Normalize(text));

    [Fact]
    public void Bad_platforms()
    {
        Assert.Equal("error parsing specified platform: \"foo/bar/baz/q\": cannot parse platform specifier: invalid argument",
            Assert.Throws<FormatException>(() => PlatformSpec.Normalize("foo/bar/baz/q")).Message);
        Assert.Equal("error parsing specified platform: \"nonsense\": unknown operating system or architecture: invalid argument",
            Assert.Throws<FormatException>(() => PlatformSpec.Normalize("nonsense")).Message);
    }

    [Fact]
    public void Gpu_requests()
    {
        var r = DeviceSpec.ParseGpus("device=0,1");
        Assert.Equal(["0"], r.DeviceIDs);
        var count = DeviceSpec.ParseGpus("\"capabilities=compute,utility\",count=2,driver=nvidia");
        Assert.Equal(2, count.Count);
        Assert.Equal("nvidia", count.Driver);
        Assert.Equal([["compute", "utility", "gpu"]], count.Capabilities);
        Assert.Equal("invalid count (x): value must be either \"all\" or an integer: invalid syntax",
            Assert.Throws<FormatException>(() => DeviceSpec.ParseGpus("x")).Message);
    }
}
