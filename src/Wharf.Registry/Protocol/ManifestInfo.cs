using System.Text.Json;

namespace Wharf.Registry.Protocol;

/// <summary>
/// What the registry needs to know of a pushed manifest: its media type, the blobs and manifests it
/// references, its subject (for the referrers API), artifact type and annotations. Parsing with
/// JsonDocument keeps the registry free of reflection.
/// </summary>
public sealed class ManifestInfo
{
    public required string MediaType { get; init; }
    public Descriptor? Config { get; init; }
    public IReadOnlyList<Descriptor> Layers { get; init; } = [];
    public IReadOnlyList<Descriptor> Manifests { get; init; } = [];
    public Descriptor? Subject { get; init; }
    public string? ArtifactType { get; init; }
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    public bool IsIndex => MediaTypes.IsIndex(MediaType);

    /// <summary>Parses and checks a manifest body; <paramref name="contentType"/> is the PUT's Content-Type.</summary>
    public static ManifestInfo Parse(ReadOnlySpan<byte> body, string? contentType)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw RegistryException.ManifestInvalid("manifest is not valid JSON: " + e.Message);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw RegistryException.ManifestInvalid("manifest is not a JSON object");
            if (!root.TryGetProperty("schemaVersion", out var sv) || sv.ValueKind != JsonValueKind.Number || sv.GetInt32() != 2)
                throw RegistryException.ManifestInvalid("unsupported manifest schemaVersion (only 2 is accepted)");
            var declared = root.TryGetProperty("mediaType", out var mt) && mt.ValueKind == JsonValueKind.String ? mt.GetString() : null;
            var header = contentType?.Split(';')[0].Trim();
            string mediaType;
            if (header is { Length: > 0 } && MediaTypes.IsKnownManifest(header))
            {
                if (declared is not null && declared != header)
                    throw RegistryException.ManifestInvalid($"mediaType {declared} in the manifest does not match Content-Type {header}");
                mediaType = header;
            }
            else if (declared is not null && MediaTypes.IsKnownManifest(declared)) mediaType = declared;
            else if (declared is not null) throw RegistryException.ManifestInvalid($"unsupported manifest media type {declared}");
            else mediaType = root.TryGetProperty("manifests", out _) ? MediaTypes.OciIndex : MediaTypes.OciManifest;

            var info = new ManifestInfo
            {
                MediaType = mediaType,
                Config = root.TryGetProperty("config", out var c) ? ReadDescriptor(c, "config") : null,
                Layers = ReadList(root, "layers"),
                Manifests = ReadList(root, "manifests"),
                Subject = root.TryGetProperty("subject", out var s) ? ReadDescriptor(s, "subject") : null,
                ArtifactType = root.TryGetProperty("artifactType", out var at) && at.ValueKind == JsonValueKind.String ? at.GetString() : null,
                Annotations = root.TryGetProperty("annotations", out var an) ? ReadAnnotations(an) : null,
            };
            if (info.IsIndex && info.Config is not null) throw RegistryException.ManifestInvalid("an index has no config");
            if (!info.IsIndex && info.Config is null) throw RegistryException.ManifestInvalid("an image manifest needs a config");
            if (!info.IsIndex && info.Manifests.Count > 0) throw RegistryException.ManifestInvalid("an image manifest has no manifests list");
            return info;
        }
    }

    /// <summary>The artifact type the referrers API reports: artifactType, else the config's media type (OCI 1.1).</summary>
    public string? EffectiveArtifactType => ArtifactType ?? (IsIndex ? null : Config?.MediaType);

    static List<Descriptor> ReadList(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var arr)) return [];
        if (arr.ValueKind != JsonValueKind.Array) throw RegistryException.ManifestInvalid($"{name} is not an array");
        var list = new List<Descriptor>(arr.GetArrayLength());
        foreach (var e in arr.EnumerateArray()) list.Add(ReadDescriptor(e, name));
        return list;
    }

    static Descriptor ReadDescriptor(JsonElement e, string what)
    {
        if (e.ValueKind != JsonValueKind.Object) throw RegistryException.ManifestInvalid($"{what} descriptor is not an object");
        var digestText = e.TryGetProperty("digest", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        if (!Digest.TryParse(digestText, out var digest))
            throw RegistryException.ManifestInvalid($"{what} descriptor has an invalid digest {digestText}");
        if (!e.TryGetProperty("size", out var sz) || sz.ValueKind != JsonValueKind.Number || !sz.TryGetInt64(out var size) || size < 0)
            throw RegistryException.ManifestInvalid($"{what} descriptor {digestText} has no valid size");
        var mediaType = e.TryGetProperty("mediaType", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
        string? platform = null;
        if (e.TryGetProperty("platform", out var p) && p.ValueKind == JsonValueKind.Object)
        {
            var os = p.TryGetProperty("os", out var o) ? o.GetString() : null;
            var arch = p.TryGetProperty("architecture", out var a) ? a.GetString() : null;
            var variant = p.TryGetProperty("variant", out var v) ? v.GetString() : null;
            platform = $"{os}/{arch}" + (variant is { Length: > 0 } ? "/" + variant : "");
        }
        return new Descriptor(mediaType, digest.Value, size)
        {
            ArtifactType = e.TryGetProperty("artifactType", out var at) && at.ValueKind == JsonValueKind.String ? at.GetString() : null,
            Annotations = e.TryGetProperty("annotations", out var an) ? ReadAnnotations(an) : null,
            Platform = platform,
        };
    }

    static Dictionary<string, string>? ReadAnnotations(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Null) return null;
        if (e.ValueKind != JsonValueKind.Object) throw RegistryException.ManifestInvalid("annotations is not an object");
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in e.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.String) throw RegistryException.ManifestInvalid($"annotation {p.Name} is not a string");
            map[p.Name] = p.Value.GetString()!;
        }
        return map;
    }
}
