using Wharf.Engine.Images;

namespace Wharf.Engine.Tests.Images;

public class ImageReferenceTests
{
    [Theory]
    [InlineData("busybox", "docker.io/library/busybox", null, "busybox")]
    [InlineData("busybox:1.36", "docker.io/library/busybox", "1.36", "busybox:1.36")]
    [InlineData("library/busybox", "docker.io/library/busybox", null, "busybox")]
    [InlineData("docker.io/busybox", "docker.io/library/busybox", null, "busybox")]
    [InlineData("index.docker.io/library/busybox:latest", "docker.io/library/busybox", "latest", "busybox:latest")]
    [InlineData("myorg/app:2", "docker.io/myorg/app", "2", "myorg/app:2")]
    [InlineData("localhost:5000/app", "localhost:5000/app", null, "localhost:5000/app")]
    [InlineData("localhost/app:x", "localhost/app", "x", "localhost/app:x")]
    [InlineData("192.168.2.230:5000/mycentos:1", "192.168.2.230:5000/mycentos", "1", "192.168.2.230:5000/mycentos:1")]
    [InlineData("registry.example.com/a/b/c:v1.2-rc_3", "registry.example.com/a/b/c", "v1.2-rc_3", "registry.example.com/a/b/c:v1.2-rc_3")]
    [InlineData("UPPER/lower", "UPPER/lower", null, "UPPER/lower")]
    public void Normalises_like_docker(string input, string repository, string? tag, string familiar)
    {
        var r = ImageReference.Parse(input);
        Assert.Equal(repository, r.Repository);
        Assert.Equal(tag, r.Tag);
        Assert.Equal(familiar, r.Familiar);
    }

    [Fact]
    public void Digest_references_keep_the_digest()
    {
        var d = "sha256:" + new string('a', 64);
        var r = ImageReference.Parse("busybox@" + d);
        Assert.Equal(d, r.Digest);
        Assert.Null(r.Tag);
        Assert.Equal("docker.io/library/busybox@" + d, r.ToString());
        Assert.Equal("busybox:latest", ImageReference.Parse("busybox").WithDefaultTag().Familiar);
        Assert.Equal(r, r.WithDefaultTag());
    }

    [Theory]
    [InlineData("")]
    [InlineData("Busybox")]
    [InlineData("busybox:")]
    [InlineData("busybox:-bad")]
    [InlineData("-busybox")]
    [InlineData("a//b")]
    [InlineData("busybox@sha256:short")]
    [InlineData("white space")]
    [InlineData("library/Bad")]
    [InlineData("127.0.0.1:5000/a/../b")]
    [InlineData("127.0.0.1:5000/a..b:1")]
    [InlineData("127.0.0.1:5000/..")]
    [InlineData("127.0.0.1:5000/MyCentos:1")]
    [InlineData("127.0.0.1:5000/app@sha256:" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeZ")]
    public void Refuses_malformed_references(string input)
    {
        var e = Assert.Throws<InvalidReferenceException>(() => ImageReference.Parse(input));
        Assert.StartsWith("invalid reference format", e.Message);
        Assert.Equal(400, e.StatusCode);
    }

    [Fact]
    public void Uppercase_repository_message_names_the_repository()
    {
        var e = Assert.Throws<InvalidReferenceException>(() => ImageReference.Parse("Busybox"));
        Assert.Equal("invalid reference format: repository name (Busybox) must be lowercase", e.Message);
    }

    [Theory]
    [InlineData("0123abcd", true)]
    [InlineData("sha256:0123abcd", true)]
    [InlineData("busybox", false)]
    [InlineData("ABCDEF", false)]
    public void Id_prefixes(string text, bool looksLikeId) => Assert.Equal(looksLikeId, ImageReference.LooksLikeId(text));

    [Theory]
    [InlineData("busy*", "busybox:latest", true)]
    [InlineData("busybox", "busybox:latest", true)]
    [InlineData("busybox:1*", "busybox:latest", false)]
    [InlineData("*/app", "myorg/app:1", true)]
    [InlineData("*", "myorg/app:1", false)]
    [InlineData("myorg/ap?", "myorg/app:1", true)]
    [InlineData("myorg/[a-b]pp", "myorg/app:1", true)]
    [InlineData("myorg/[^a]pp", "myorg/app:1", false)]
    public void Reference_filter_is_a_path_glob(string pattern, string tag, bool matches) =>
        Assert.Equal(matches, ReferenceFilter.Matches(pattern, tag));
}
