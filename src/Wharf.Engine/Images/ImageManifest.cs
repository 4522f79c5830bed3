using System.Text;
using System.Text.Json.Nodes;
using Wharf.Engine.Metadata;

namespace Wharf.Engine.Images;

/// <summary>The OCI image manifest of a stored image, byte for byte the same for save and push, so its digest is stable.</summary>
public static class ImageManifest
{
    public const string MediaType = "application/vnd.oci.image.manifest.v1+json";
    public const string ConfigMediaType = "application/vnd.oci.image.config.v1+json";

    public static byte[] Build(ImageRecord img, long configSize)
    {
        var layers = new JsonArray();
        foreach (var l in img.Layers)
            layers.Add((JsonNode)new JsonObject
            {
                ["mediaType"] = ImageService.OciLayerMediaType(l.MediaType), ["digest"] = l.BlobDigest, ["size"] = l.BlobSize,
            });
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaType,
            ["config"] = new JsonObject { ["mediaType"] = ConfigMediaType, ["digest"] = img.Id, ["size"] = configSize },
            ["layers"] = layers,
        };
        return Encoding.UTF8.GetBytes(manifest.ToJsonString(Wharf.Api.Json.JsonDefaults.Relaxed));
    }
}
