using System.Text;
using Wharf.Engine.Content;
using Wharf.Engine.Distribution;
using Wharf.Engine.Images;
using Wharf.Engine.Metadata;

namespace Wharf.Engine.Tests.Images;

public class PushManifestTests
{
    static readonly string Config = "sha256:" + new string('c', 64);
    static readonly string L1 = "sha256:" + new string('1', 64);
    static readonly string L2 = "sha256:" + new string('2', 64);

    static ImageRecord Image(params (string Digest, string MediaType)[] layers) =>
        new(Config, "2026-01-01T00:00:00Z", 0, null, null, null,
            layers.Select((l, i) => new ImageLayerRecord("sha256:" + new string((char)('a' + i), 64), "x", l.Digest, l.MediaType, 100 + i)).ToList());

    [Fact]
    public void An_image_without_a_manifest_is_pushed_as_Docker_schema_2_laid_out_as_Docker_does()
    {
        var img = Image((L1, "application/vnd.oci.image.layer.v1.tar+gzip"), (L2, "application/vnd.oci.image.layer.v1.tar"));
        var (body, mediaType) = PushManifest.For(img, 1234, null);
        Assert.Equal(ManifestDocument.DockerManifest, mediaType);
        var expected = $$"""
            {
               "schemaVersion": 2,
               "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
               "config": {
                  "mediaType": "application/vnd.docker.container.image.v1+json",
                  "size": 1234,
                  "digest": "{{Config}}"
               },
               "layers": [
                  {
                     "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                     "size": 100,
                     "digest": "{{L1}}"
                  },
                  {
                     "mediaType": "application/vnd.docker.image.rootfs.diff.tar",
                     "size": 101,
                     "digest": "{{L2}}"
                  }
               ]
            }
            """;
        Assert.Equal(expected, Encoding.UTF8.GetString(body));
        var doc = ManifestDocument.Parse(body, null);
        Assert.Equal(Config, doc.Config!.Digest);
    }

    [Fact]
    public void A_zstd_layer_makes_it_an_OCI_manifest()
    {
        var img = Image((L1, "application/vnd.oci.image.layer.v1.tar+zstd"));
        var (body, mediaType) = PushManifest.For(img, 10, null);
        Assert.Equal(ManifestDocument.OciManifest, mediaType);
        Assert.Equal("application/vnd.oci.image.layer.v1.tar+zstd", ManifestDocument.Parse(body, null).Layers.Single().MediaType);
    }

    [Theory]
    [InlineData(ManifestDocument.OciManifest)]
    [InlineData(ManifestDocument.DockerManifest)]
    public void The_manifest_an_image_came_with_is_pushed_byte_for_byte(string type)
    {
        var img = Image((L1, "application/vnd.oci.image.layer.v1.tar+gzip"));
        var stored = Encoding.UTF8.GetBytes($$$"""{"schemaVersion":2,"mediaType":"{{{type}}}","config":{"mediaType":"x","digest":"{{{Config}}}","size":5},"layers":[{"mediaType":"y","digest":"{{{L1}}}","size":100}],"annotations":{"a":"b"}}""");
        var (body, mediaType) = PushManifest.For(img, 5, stored);
        Assert.Equal(type, mediaType);
        Assert.Equal(Digest.Of(stored), Digest.Of(body));
    }

    [Fact]
    public void A_stored_manifest_of_other_layers_is_not_reused()
    {
        var img = Image((L1, "application/vnd.oci.image.layer.v1.tar+gzip"));
        var stored = Encoding.UTF8.GetBytes($$$"""{"schemaVersion":2,"mediaType":"{{{ManifestDocument.OciManifest}}}","config":{"digest":"{{{Config}}}","size":5},"layers":[{"digest":"{{{L2}}}","size":100}]}""");
        Assert.Null(PushManifest.Describes(stored, img));
        Assert.Null(PushManifest.Describes("not json"u8.ToArray(), img));
        Assert.Equal(ManifestDocument.DockerManifest, PushManifest.For(img, 5, stored).MediaType);
    }
}
