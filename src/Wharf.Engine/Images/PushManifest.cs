using System.Text.Json;
using Wharf.Engine.Distribution;
using Wharf.Engine.Metadata;

namespace Wharf.Engine.Images;

/// <summary>
/// The manifest a push sends for an image. An image that came with a manifest (pulled, or loaded from an OCI
/// layout) is pushed with that very manifest, so its digest, and with it RepoDigests, round-trips exactly;
/// any other image (loaded from a docker-archive, built, committed, imported) gets a Docker schema 2 manifest,
/// as Docker writes one, or an OCI manifest when a layer has no Docker media type (zstd).
/// </summary>
public static class PushManifest
{
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public const string DockerLayerTar = "application/vnd.docker.image.rootfs.diff.tar";

    /// <summary>The body and media type to PUT for <paramref name="img"/>; <paramref name="stored"/> is its recorded manifest, if any.</summary>
    public static (byte[] Body, string MediaType) For(ImageRecord img, long configSize, byte[]? stored)
    {
        if (stored is not null && Describes(stored, img) is { } mediaType) return (stored, mediaType);
        if (img.Layers.All(l => DockerLayerType(l.MediaType) is not null)) return (BuildDocker(img, configSize), ManifestDocument.DockerManifest);
        return (ImageManifest.Build(img, configSize), ImageManifest.MediaType);
    }

    /// <summary>The manifest's media type when it is an image manifest of exactly this config and these layers, else null.</summary>
    public static string? Describes(byte[] manifest, ImageRecord img)
    {
        ManifestDocument doc;
        try { doc = ManifestDocument.Parse(manifest, null); }
        catch (FormatException) { return null; }
        if (doc.MediaType is not (ManifestDocument.DockerManifest or ManifestDocument.OciManifest)) return null;
        if (doc.Config?.Digest != img.Id) return null;
        return doc.Layers.Select(l => l.Digest).SequenceEqual(img.Layers.Select(l => l.BlobDigest)) ? doc.MediaType : null;
    }

    /// <summary>The Docker name of a stored layer media type, or null when Docker's schema 2 has none for it.</summary>
    public static string? DockerLayerType(string mediaType) => mediaType switch
    {
        "application/vnd.oci.image.layer.v1.tar+gzip" or DockerLayerGzip or "" => DockerLayerGzip,
        "application/vnd.oci.image.layer.v1.tar" or DockerLayerTar => DockerLayerTar,
        _ => null,
    };

    /// <summary>A Docker schema 2 manifest laid out as Docker writes one (three-space indent, mediaType/size/digest).</summary>
    public static byte[] BuildDocker(ImageRecord img, long configSize)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            Indented = true, IndentSize = 3, NewLine = "\n", Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", 2);
            w.WriteString("mediaType", ManifestDocument.DockerManifest);
            w.WritePropertyName("config");
            WriteDescriptor(w, DockerConfig, configSize, img.Id);
            w.WriteStartArray("layers");
            foreach (var l in img.Layers) WriteDescriptor(w, DockerLayerType(l.MediaType)!, l.BlobSize, l.BlobDigest);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteDescriptor(Utf8JsonWriter w, string mediaType, long size, string digest)
    {
        w.WriteStartObject();
        w.WriteString("mediaType", mediaType);
        w.WriteNumber("size", size);
        w.WriteString("digest", digest);
        w.WriteEndObject();
    }
}
