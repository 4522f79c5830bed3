using Wharf.Registry.Protocol;

namespace Wharf.Registry.Tests.Protocol;

public class DigestAndNameTests
{
    const string Hex64 = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    [Theory]
    [InlineData("sha256:" + Hex64, true)]
    [InlineData("sha512:" + Hex64 + Hex64, true)]
    [InlineData("sha256:" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", false)]
    [InlineData("sha256:abc", false)]
    [InlineData("sha256:../../../etc/passwd", false)]
    [InlineData("md5:" + Hex64, false)]
    [InlineData(Hex64, false)]
    [InlineData("", false)]
    public void Digests_are_checked_before_they_become_file_names(string text, bool valid)
    {
        Assert.Equal(valid, Digest.TryParse(text, out _));
        if (!valid) Assert.Equal(ErrorCodes.DigestInvalid, Assert.Throws<RegistryException>(() => Digest.Parse(text)).Code);
    }

    [Fact]
    public void Sha256_of_content_matches_the_wire_form() =>
        Assert.Equal("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Digest.Sha256([]).ToString());

    [Theory]
    [InlineData("library/busybox", true)]
    [InlineData("a", true)]
    [InlineData("my-org/my_app.v2/sub__x", true)]
    [InlineData("a/../b", false)]
    [InlineData("a..b", false)]
    [InlineData("Foo", false)]
    [InlineData("library/Busybox", false)]
    [InlineData("_layers", false)]
    [InlineData("a//b", false)]
    [InlineData("a/", false)]
    [InlineData("-a", false)]
    [InlineData("a%2fb", false)]
    public void Repository_names_follow_the_spec_grammar(string name, bool valid)
    {
        Assert.Equal(valid, RepositoryName.IsValid(name));
        if (!valid)
        {
            var e = Assert.Throws<RegistryException>(() => RepositoryName.Validate(name));
            Assert.Equal((400, ErrorCodes.NameInvalid), (e.Status, e.Code));
        }
    }

    [Fact]
    public void Names_longer_than_255_are_refused() => Assert.False(RepositoryName.IsValid(new string('a', 256)));

    [Theory]
    [InlineData("latest", true)]
    [InlineData("v1.2.3-rc_1", true)]
    [InlineData("_x", true)]
    [InlineData(".x", false)]
    [InlineData("-x", false)]
    [InlineData("a/b", false)]
    public void Tags_follow_the_spec_grammar(string tag, bool valid) => Assert.Equal(valid, RepositoryName.IsValidTag(tag));
}
