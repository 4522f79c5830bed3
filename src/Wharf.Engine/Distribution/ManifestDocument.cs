using System.Text.Json;
using System.Text.Json.Nodes;

namespace Wharf.Engine.Distribution;

/// <summary>A content descriptor: media type, digest, size, and for index entries a platform.</summary>
public sealed record Descriptor(string MediaType, string Digest, long Size, string? Os = null, string? Architecture = null, string? Variant = null);

/// <summary>An image manifest (Docker schema 2 or OCI) or an index (Docker manifest list or OCI index), parsed.</summary>
public sealed record ManifestDocument(string MediaType, Descriptor? Config, IReadOnlyList<Descriptor> Layers, IReadOnlyList<Descriptor> Manifests)
{
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";

    /// <summary>What a pull accepts, best first.</summary>
    public static readonly string[] Accepted = [OciIndex, DockerManifestList, OciManifest, DockerManifest];

    public bool IsIndex => Config is null;

    /// <summary>Parses a manifest; the media type comes from the body, else the Content-Type the registry sent.</summary>
    public static ManifestDocument Parse(ReadOnlySpan<byte> body, string? contentType)
    {
        JsonObject o;
        try
        {
            o = JsonNode.Parse(body) as JsonObject ?? throw new FormatException("not a JSON object");
        }
        catch (JsonException e)
        {
            throw new FormatException($"invalid manifest: {e.Message}", e);
        }
        var mediaType = Str(o, "mediaType") ?? contentType?.Split(';')[0].Trim() ?? "";
        if (o["schemaVersion"] is JsonValue sv && sv.GetValueKind() == JsonValueKind.Number && sv.GetValue<int>() == 1)
            throw new FormatException("the registry only has a Docker schema 1 manifest for this image, which is not supported");
        if (o["manifests"] is JsonArray list)
        {
            var entries = list.OfType<JsonObject>().Select(ReadDescriptor).ToList();
            return new ManifestDocument(mediaType is "" ? OciIndex : mediaType, null, [], entries);
        }
        if (o["config"] is not JsonObject config) throw new FormatException("invalid manifest: no config descriptor");
        var layers = o["layers"] is JsonArray la ? la.OfType<JsonObject>().Select(ReadDescriptor).ToList() : [];
        return new ManifestDocument(mediaType is "" ? OciManifest : mediaType, ReadDescriptor(config), layers, []);
    }

    /// <summary>The index entry for a platform (`os/arch[/variant]`); amd64 entries without a variant match any amd64 request.</summary>
    public Descriptor? SelectPlatform(string os, string architecture, string? variant)
    {
        var candidates = Manifests.Where(m => m.Os == os && m.Architecture == architecture).ToList();
        if (variant is not null)
            return candidates.FirstOrDefault(m => m.Variant == variant) ?? candidates.FirstOrDefault(m => m.Variant is null);
        return candidates.FirstOrDefault(m => m.Variant is null) ?? candidates.FirstOrDefault();
    }

    private static Descriptor ReadDescriptor(JsonObject d)
    {
        var digest = Str(d, "digest") ?? throw new FormatException("invalid manifest: a descriptor has no digest");
        if (!Content.Digest.IsValid(digest)) throw new FormatException($"invalid manifest: unsupported digest {digest}");
        var size = d["size"] is JsonValue s && s.GetValueKind() == JsonValueKind.Number ? s.GetValue<long>() : -1;
        var platform = d["platform"] as JsonObject;
        return new Descriptor(Str(d, "mediaType") ?? "", digest, size,
            platform is null ? null : Str(platform, "os"), platform is null ? null : Str(platform, "architecture"),
            platform is null ? null : Str(platform, "variant"));
    }

    private static string? Str(JsonObject o, string key) =>
        o[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
