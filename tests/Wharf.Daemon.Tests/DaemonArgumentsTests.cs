using Wharf.Engine.Configuration;

namespace Wharf.Daemon.Tests;

public class DaemonArgumentsTests
{
    [Fact]
    public void Registry_certs_dirs_replace_the_defaults_and_accumulate()
    {
        var o = new DaemonOptions();
        Assert.Equal(["/etc/wharf/certs.d", "/etc/docker/certs.d"], o.RegistryCertsDirs);
        DaemonArguments.Parse(["--registry-certs-dir", "/a", "--registry-certs-dir=/b"], o, out _);
        Assert.Equal(["/a", "/b"], o.RegistryCertsDirs);
    }

    [Fact]
    public void Parses_dockerd_style_flags()
    {
        var o = new DaemonOptions();
        var set = DaemonArguments.Parse(["--data-root=/d", "--exec-root", "/e", "-H", "unix:///a.sock", "-H", "tcp://127.0.0.1:2376",
            "-D", "--log-opt", "max-size=1m", "--live-restore=false", "--nft-table", "t1", "--registry-mirror", "https://m"], o, out var exit);
        Assert.False(exit);
        Assert.Equal("/d", o.DataRoot);
        Assert.Equal("/e", o.ExecRoot);
        Assert.Equal(["unix:///a.sock", "tcp://127.0.0.1:2376"], o.Hosts);
        Assert.True(o.Debug);
        Assert.Equal("1m", o.LogOpts["max-size"]);
        Assert.False(o.LiveRestore);
        Assert.Equal("t1", o.NftTable);
        Assert.Contains("data-root", set);
        Assert.Contains("hosts", set);
    }

    [Theory]
    [InlineData("--bogus", "unknown flag: --bogus")]
    [InlineData("--data-root", "flag needs an argument: --data-root")]
    [InlineData("--log-opt=nokey", "invalid --log-opt nokey")]
    [InlineData("--debug=maybe", "invalid boolean value")]
    public void Bad_flags_are_one_clear_error(string arg, string message)
    {
        var e = Assert.Throws<FormatException>(() => DaemonArguments.Parse([arg], new DaemonOptions(), out _));
        Assert.Contains(message, e.Message);
    }
}
