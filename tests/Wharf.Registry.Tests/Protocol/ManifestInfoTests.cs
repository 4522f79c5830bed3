using System.Text;
using Wharf.Registry.Protocol;

namespace Wharf.Registry.Tests.Protocol;

public class ManifestInfoTests
{
    static readonly string D1 = "sha256:" + new string('1', 64), D2 = "sha256:" + new string('2', 64), D3 = "sha256:" + new string('3', 64);

    static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void An_image_manifest_names_its_config_layers_and_subject()
    {
        var m = ManifestInfo.Parse(B($$"""
            {"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","artifactType":"application/x-sig",
             "config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"{{D1}}","size":2},
             "layers":[{"mediaType":"application/x","digest":"{{D2}}","size":10}],
             "subject":{"mediaType":"{{MediaTypes.OciManifest}}","digest":"{{D3}}","size":5},
             "annotations":{"k":"v"} }
            """), MediaTypes.OciManifest);
        Assert.Equal(D1, m.Config!.Digest.ToString());
        Assert.Equal(D2, Assert.Single(m.Layers).Digest.ToString());
        Assert.Equal(D3, m.Subject!.Digest.ToString());
        Assert.Equal("application/x-sig", m.EffectiveArtifactType);
        Assert.Equal("v", m.Annotations!["k"]);
    }

    [Fact]
    public void Without_artifactType_the_config_media_type_is_the_artifact_type()
    {
        var m = ManifestInfo.Parse(B($$"""{"schemaVersion":2,"config":{"mediaType":"application/x-cfg","digest":"{{D1}}","size":2},"layers":[]}"""), null);
        Assert.Equal(MediaTypes.OciManifest, m.MediaType);
        Assert.Equal("application/x-cfg", m.EffectiveArtifactType);
    }

    [Fact]
    public void An_index_lists_manifests_with_platforms()
    {
        var m = ManifestInfo.Parse(B($$"""
            {"schemaVersion":2,"mediaType":"{{MediaTypes.DockerManifestList}}","manifests":[
              {"mediaType":"{{MediaTypes.DockerManifest}}","digest":"{{D1}}","size":3,"platform":{"os":"linux","architecture":"arm64","variant":"v8"} },
              {"mediaType":"{{MediaTypes.DockerManifest}}","digest":"{{D2}}","size":3,"platform":{"os":"linux","architecture":"amd64"} }]}
            """), MediaTypes.DockerManifestList);
        Assert.True(m.IsIndex);
        Assert.Equal(["linux/arm64/v8", "linux/amd64"], m.Manifests.Select(x => x.Platform));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"schemaVersion":1}""")]
    [InlineData("""{"schemaVersion":2,"layers":[]}""")]
    [InlineData("""{"schemaVersion":2,"config":{"digest":"sha256:zz","size":1},"layers":[]}""")]
    [InlineData("""{"schemaVersion":2,"config":{"digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111"},"layers":[]}""")]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v1+json","config":{"digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111","size":1}}""")]
    public void Malformed_manifests_are_MANIFEST_INVALID(string body)
    {
        var e = Assert.Throws<RegistryException>(() => ManifestInfo.Parse(B(body), null));
        Assert.Equal((400, ErrorCodes.ManifestInvalid), (e.Status, e.Code));
    }

    [Fact]
    public void A_media_type_that_contradicts_the_content_type_is_refused()
    {
        var body = B($$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.DockerManifest}}","config":{"digest":"{{D1}}","size":1},"layers":[]}""");
        Assert.Throws<RegistryException>(() => ManifestInfo.Parse(body, MediaTypes.OciManifest));
        Assert.Equal(MediaTypes.DockerManifest, ManifestInfo.Parse(body, "application/json").MediaType);
    }
}
