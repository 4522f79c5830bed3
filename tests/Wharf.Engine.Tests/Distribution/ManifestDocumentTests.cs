using Wharf.Engine.Distribution;
using Wharf.Engine.Images;

namespace Wharf.Engine.Tests.Distribution;

public class ManifestDocumentTests
{
    private static readonly string D1 = "sha256:" + new string('1', 64), D2 = "sha256:" + new string('2', 64), D3 = "sha256:" + new string('3', 64);

    [Fact]
    public void Docker_schema2_manifest()
    {
        var m = ManifestDocument.Parse(System.Text.Encoding.UTF8.GetBytes($$$"""
            {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
             "config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":10,"digest":"{{{D1}}}"},
             "layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":20,"digest":"{{{D2}}}"}]}
            """), null);
        Assert.False(m.IsIndex);
        Assert.Equal(D1, m.Config!.Digest);
        Assert.Equal(20, Assert.Single(m.Layers).Size);
    }

    [Fact]
    public void Index_selects_the_platform_and_variant()
    {
        var m = ManifestDocument.Parse(System.Text.Encoding.UTF8.GetBytes($$$"""
            {"schemaVersion":2,"manifests":[
              {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{D1}}}","size":1,"platform":{"os":"linux","architecture":"arm","variant":"v7"}},
              {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{D2}}}","size":1,"platform":{"os":"linux","architecture":"amd64"}},
              {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{D3}}}","size":1,"platform":{"os":"linux","architecture":"arm64","variant":"v8"}}]}
            """), "application/vnd.oci.image.index.v1+json");
        Assert.True(m.IsIndex);
        Assert.Equal(D2, m.SelectPlatform("linux", "amd64", null)!.Digest);
        Assert.Equal(D1, m.SelectPlatform("linux", "arm", "v7")!.Digest);
        Assert.Equal(D3, m.SelectPlatform("linux", "arm64", null)!.Digest);
        Assert.Null(m.SelectPlatform("windows", "amd64", null));
    }

    [Fact]
    public void Schema1_and_garbage_are_refused_clearly()
    {
        Assert.Contains("schema 1", Assert.Throws<FormatException>(() => ManifestDocument.Parse("{\"schemaVersion\":1,\"fsLayers\":[]}"u8, null)).Message);
        Assert.Contains("no config", Assert.Throws<FormatException>(() => ManifestDocument.Parse("{\"schemaVersion\":2}"u8, null)).Message);
        Assert.Contains("unsupported digest", Assert.Throws<FormatException>(() =>
            ManifestDocument.Parse("{\"schemaVersion\":2,\"config\":{\"digest\":\"md5:abc\"}}"u8, null)).Message);
    }

    [Theory]
    [InlineData(null, "linux/amd64", false)]
    [InlineData("linux/arm64/v8", "linux/arm64", true)]
    [InlineData("linux/x86_64", "linux/amd64", true)]
    [InlineData("Linux/ARM/v7", "linux/arm/v7", true)]
    public void Platforms_normalise_as_docker_does(string? given, string expected, bool isExplicit)
    {
        var p = PullPlatform.Parse(given);
        Assert.Equal(expected, p.ToString());
        Assert.Equal(isExplicit, p.Explicit);
    }

    [Fact]
    public void Bad_platform_is_a_400() =>
        Assert.Throws<BadRequestException>(() => PullPlatform.Parse("linux//"));
}
