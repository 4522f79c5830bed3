using Wharf.Engine.Containers.Filesystem;

namespace Wharf.Engine.Tests.Containers;

public sealed class ContainerPathTests
{
    [Theory]
    [InlineData("etc", "/etc")]
    [InlineData("/etc/../etc//passwd", "/etc/passwd")]
    [InlineData("../../..", "/")]
    [InlineData("/", "/")]
    [InlineData("/etc/", "/etc/")]
    [InlineData("/etc/.", "/etc/.")]
    [InlineData(".", "/.")]
    [InlineData("/tmp/a/./", "/tmp/a/./")]
    [InlineData("/tmp/a/..", "/tmp")]
    public void Paths_are_absolute_and_clean_but_keep_a_trailing_slash_or_dot(string given, string expected) =>
        Assert.Equal(expected, ContainerPath.Absolute(given));

    [Theory]
    [InlineData("/etc/passwd", "passwd")]
    [InlineData("/etc/", "etc")]
    [InlineData("/etc/.", ".")]
    [InlineData("/", "/")]
    [InlineData("", ".")]
    public void Base_is_gos_path_base(string path, string expected) => Assert.Equal(expected, ContainerPath.Base(path));

    [Theory]
    [InlineData("/etc/passwd", false)]
    [InlineData("/etc/", true)]
    [InlineData("/etc/.", true)]
    [InlineData("/", true)]
    [InlineData("/tmp/link", false)]
    public void Only_a_trailing_slash_or_dot_follows_the_last_symlink(string path, bool follows) =>
        Assert.Equal(follows, ContainerPath.FollowsFinal(path));
}
