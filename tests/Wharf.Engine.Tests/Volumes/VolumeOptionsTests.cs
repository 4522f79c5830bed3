using Wharf.Engine.Volumes;

namespace Wharf.Engine.Tests.Volumes;

/// <summary>Volume names and the local driver's options.</summary>
public class VolumeOptionsTests
{
    [Theory]
    [InlineData("db-data")]
    [InlineData("a1")]
    [InlineData("x_y.z")]
    public void Valid_names(string name) => VolumeName.Validate(name);

    [Theory]
    [InlineData("a")]
    [InlineData("-x")]
    [InlineData("rel/dir")]
    [InlineData("has space")]
    public void Invalid_names_get_dockers_message(string name)
    {
        var e = Assert.Throws<BadRequestException>(() => VolumeName.Validate(name));
        Assert.Equal($"create {name}: \"{name}\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path", e.Message);
    }

    [Fact]
    public void No_options_is_a_plain_directory() => Assert.Null(LocalDriverOptions.Parse("v", new Dictionary<string, string>()));

    [Fact]
    public void Tmpfs_with_size_splits_flags_from_data()
    {
        var o = LocalDriverOptions.Parse("v", new Dictionary<string, string> { ["type"] = "tmpfs", ["device"] = "tmpfs", ["o"] = "size=64m,uid=1000,noexec" })!;
        var (flags, data) = o.MountArguments();
        Assert.Equal(8UL, flags);
        Assert.Equal("size=64m,uid=1000", data);
        Assert.False(o.IsBind);
    }

    [Fact]
    public void A_bind_of_a_host_directory()
    {
        var o = LocalDriverOptions.Parse("v", new Dictionary<string, string> { ["type"] = "none", ["device"] = "/srv/data", ["o"] = "bind" })!;
        Assert.True(o.IsBind);
    }

    [Theory]
    [InlineData("foo", "invalid option: \"foo\"")]
    [InlineData("type", "missing required option: \"device\"")]
    [InlineData("o", "missing required option: \"device\"")]
    public void Bad_options(string key, string message)
    {
        var e = Assert.Throws<BadRequestException>(() => LocalDriverOptions.Parse("v", new Dictionary<string, string> { [key] = "x" }));
        Assert.Equal("create v: " + message, e.Message);
    }

    [Fact]
    public void A_bind_needs_an_absolute_device()
    {
        var e = Assert.Throws<BadRequestException>(() =>
            LocalDriverOptions.Parse("v", new Dictionary<string, string> { ["type"] = "none", ["device"] = "rel", ["o"] = "bind" }));
        Assert.Contains("absolute host path", e.Message);
    }
}
