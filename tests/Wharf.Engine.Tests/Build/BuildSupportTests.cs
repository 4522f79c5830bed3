using Wharf.Engine.Build;

namespace Wharf.Engine.Tests.Build;

public class BuildSupportTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("30s", 30_000_000_000L)]
    [InlineData("1m30s", 90_000_000_000L)]
    [InlineData("500ms", 500_000_000L)]
    [InlineData("1.5h", 5_400_000_000_000L)]
    [InlineData("2h45m", 9_900_000_000_000L)]
    [InlineData("10us", 10_000L)]
    [InlineData("10µs", 10_000L)]
    [InlineData("7ns", 7L)]
    [InlineData(".5s", 500_000_000L)]
    [InlineData("1.s", 1_000_000_000L)]
    [InlineData("-1.5s", -1_500_000_000L)]
    [InlineData("+3ms", 3_000_000L)]
    public void GoDurations(string text, long nanoseconds)
    {
        Assert.Equal(nanoseconds, GoDuration.ParseNanoseconds(text));
    }

    [Theory]
    [InlineData("", "time: invalid duration \"\"")]
    [InlineData("s", "time: invalid duration \"s\"")]
    [InlineData(".s", "time: invalid duration \".s\"")]
    [InlineData("1", "time: missing unit in duration \"1\"")]
    [InlineData("1d", "time: unknown unit \"d\" in duration \"1d\"")]
    [InlineData("9999999999999h", "time: invalid duration \"9999999999999h\"")]
    public void GoDurationErrors(string text, string message)
    {
        Assert.Equal(message, Assert.Throws<FormatException>(() => GoDuration.ParseNanoseconds(text)).Message);
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(1, "1ns")]
    [InlineData(1_500, "1.5\u00b5s")]
    [InlineData(200_000_000, "200ms")]
    [InlineData(1_500_000_000, "1.5s")]
    [InlineData(30_000_000_000, "30s")]
    [InlineData(90_000_000_000, "1m30s")]
    [InlineData(3_600_000_000_000, "1h0m0s")]
    [InlineData(-2_000_000, "-2ms")]
    public void GoDurationStrings(long nanoseconds, string text)
    {
        Assert.Equal(text, GoDuration.Format(nanoseconds));
        Assert.Equal(nanoseconds, GoDuration.ParseNanoseconds(text));
    }

    [Theory]
    [InlineData("80", new[] { "80/tcp" })]
    [InlineData("53/udp", new[] { "53/udp" })]
    [InlineData("132/SCTP", new[] { "132/sctp" })]
    [InlineData("8000-8002", new[] { "8000/tcp", "8001/tcp", "8002/tcp" })]
    [InlineData("8080:80", new[] { "80/tcp" })]
    [InlineData("127.0.0.1:8080:80/udp", new[] { "80/udp" })]
    [InlineData("[::1]:8080:80", new[] { "80/tcp" })]
    [InlineData("8000-8010:80", new[] { "80/tcp" })]
    public void PortSpecs(string spec, string[] keys)
    {
        Assert.Equal(keys, PortSpec.ExposedPortKeys(spec));
    }

    [Theory]
    [InlineData("80/icmp", "invalid proto: icmp")]
    [InlineData("x", "invalid containerPort: x")]
    [InlineData("1-2-3", "invalid containerPort: 1-2-3")]
    [InlineData("abc:80", "invalid hostPort: abc")]
    [InlineData("1-3:80-81", "invalid ranges specified for container and host Ports: 80-81 and 1-3")]
    [InlineData("bad:1:80", "invalid IP address: bad")]
    public void PortSpecErrors(string spec, string message)
    {
        Assert.Equal(message, Assert.Throws<FormatException>(() => PortSpec.ExposedPortKeys(spec)).Message);
    }

    [Theory]
    [InlineData("", ".")]
    [InlineData("/", "/")]
    [InlineData("a/b/../c", "a/c")]
    [InlineData("/../x", "/x")]
    [InlineData("../../x", "../../x")]
    [InlineData("//a//b/./", "/a/b")]
    [InlineData("a/..", ".")]
    public void UnixPathClean(string path, string clean)
    {
        Assert.Equal(clean, UnixPath.Clean(path));
    }

    [Theory]
    [InlineData("SIGTERM", true)]
    [InlineData("term", true)]
    [InlineData("SIGRTMIN+15", true)]
    [InlineData("RTMAX-1", true)]
    [InlineData("15", true)]
    [InlineData("0", false)]
    [InlineData("SIG", false)]
    [InlineData("SIGFOO", false)]
    [InlineData("RTMIN+16", false)]
    [InlineData("", false)]
    public void StopSignalNames(string signal, bool valid)
    {
        Assert.Equal(valid, StopSignals.IsValid(signal));
    }
}
