using System.Formats.Tar;
using System.Text.Json;
using System.Text.Json.Nodes;
using Wharf.Engine.Content;

namespace Wharf.Engine.Archive;

/// <summary>One image found in an archive: its config and layer blobs (already in the content store) and names.</summary>
public sealed record ArchivedImage(string ConfigDigest, IReadOnlyList<ArchivedLayer> Layers, IReadOnlyList<string> RepoTags, string? ManifestDigest);

/// <summary>A layer blob of an archived image.</summary>
public sealed record ArchivedLayer(string BlobDigest, long Size, string? MediaType);


/// <summary>
/// Reads `docker save` archives (legacy layout and the OCI layout Docker 25+ writes beside manifest.json)
/// and OCI image layout archives (skopeo's oci-archive). Files are streamed into the content store as they
/// come, since an archive's manifest may come last.
/// </summary>
public sealed class ImageArchiveReader(ContentStore content, Images.LayerIngester ingester)
{
    private const long SmallFileLimit = 1 << 20;

    /// <summary>Digests written by this reader; the caller removes those no image ends up using.</summary>
    public HashSet<string> Written { get; } = [];

    /// <summary>Layers unpacked while their blobs streamed in, by blob digest; the caller adopts or discards them.</summary>
    public Dictionary<string, Images.UnpackedLayer> Unpacked { get; } = [];

    public async Task<List<ArchivedImage>> ReadAsync(Stream archive, CancellationToken ct)
    {
        var (plain, _) = await Decompression.OpenAsync(archive, ct);
        var files = new Dictionary<string, string>(StringComparer.Ordinal);   // path -> digest
        var small = new Dictionary<string, byte[]>(StringComparer.Ordinal);   // metadata files
        var links = new Dictionary<string, string>(StringComparer.Ordinal);   // path -> target path
        try
        {
            var reader = new TarReader(plain, leaveOpen: true);
            TarEntry? entry;
            while ((entry = await reader.GetNextEntryAsync(copyData: false, ct)) is not null)
            {
                var name = Normalize(entry.Name);
                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        break;
                    case TarEntryType.SymbolicLink:
                        links[name] = Normalize(Path.Combine(Path.GetDirectoryName(name) ?? "", entry.LinkName));
                        break;
                    case TarEntryType.HardLink:
                        links[name] = Normalize(entry.LinkName);
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                        if (IsMetadata(name) && entry.Length < SmallFileLimit)
                        {
                            var ms = new MemoryStream((int)entry.Length);
                            if (entry.DataStream is not null) await entry.DataStream.CopyToAsync(ms, ct);
                            small[name] = ms.ToArray();
                        }
                        else
                        {
                            var blob = await ingester.IngestAsync(entry.DataStream ?? Stream.Null, entry.Length >= 1024, BlobName(name), ct);
                            Written.Add(blob.Digest);
                            files[name] = blob.Digest;
                            if (blob.Unpacked is not null && !Unpacked.TryAdd(blob.Digest, blob.Unpacked)) ingester.Discard(blob.Unpacked);
                        }
                        break;
                    default:
                        break;
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or ArgumentException)
        {
            throw new BadRequestException($"invalid archive: {e.Message}", e);
        }
        string Resolve(string path)
        {
            path = Normalize(path);
            for (int i = 0; i < 16 && links.TryGetValue(path, out var t); i++) path = t;
            return files.TryGetValue(path, out var d) ? d : throw new BadRequestException($"invalid archive: {path} is missing");
        }
        byte[] ReadSmall(string path)
        {
            path = Normalize(path);
            for (int i = 0; i < 16 && links.TryGetValue(path, out var t); i++) path = t;
            if (small.TryGetValue(path, out var b)) return b;
            if (files.TryGetValue(path, out var d)) return content.ReadAll(d);
            throw new BadRequestException($"invalid archive: {path} is missing");
        }

        if (small.TryGetValue("manifest.json", out var manifest)) return ReadDockerManifest(manifest, Resolve);
        if (small.TryGetValue("index.json", out var index)) return ReadOciIndex(index, ReadSmall, Resolve);
        if (small.ContainsKey("repositories"))
            throw new BadRequestException("invalid archive: archives without manifest.json (Docker before 1.10) are not supported");
        throw new BadRequestException("invalid archive: no manifest.json or index.json found (is this an image archive?)");
    }

    private static List<ArchivedImage> ReadDockerManifest(byte[] json, Func<string, string> resolve)
    {
        var list = new List<ArchivedImage>();
        foreach (var m in Parse<JsonArray>(json, "manifest.json"))
        {
            if (m is not JsonObject o || o["Config"] is not JsonValue cfg) throw new BadRequestException("invalid archive: bad manifest.json entry");
            var layers = (o["Layers"] as JsonArray ?? []).Select(l => new ArchivedLayer(resolve(l!.GetValue<string>()), 0, null)).ToList();
            var tags = (o["RepoTags"] as JsonArray ?? []).Select(t => t!.GetValue<string>()).ToList();
            list.Add(new ArchivedImage(resolve(cfg.GetValue<string>()), layers, tags, null));
        }
        return list;
    }

    private static List<ArchivedImage> ReadOciIndex(byte[] json, Func<string, byte[]> read, Func<string, string> resolve)
    {
        var list = new List<ArchivedImage>();
        void Walk(JsonObject index, string? inheritedName)
        {
            foreach (var desc in index["manifests"] as JsonArray ?? [])
            {
                if (desc is not JsonObject d) continue;
                var mediaType = d["mediaType"]?.GetValue<string>() ?? "";
                var digest = d["digest"]?.GetValue<string>() ?? throw new BadRequestException("invalid archive: descriptor without digest");
                var name = NameOf(d) ?? inheritedName;
                var body = Parse<JsonObject>(read("blobs/sha256/" + Digest.Hex(digest)), digest);
                var type = body["mediaType"]?.GetValue<string>() ?? mediaType;
                if (type.Contains("index", StringComparison.Ordinal) || type.Contains("manifest.list", StringComparison.Ordinal))
                {
                    // Pick linux/amd64 from a multi-platform index.
                    var pick = (body["manifests"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(x =>
                        x["platform"] is JsonObject p && p["os"]?.GetValue<string>() == "linux" && p["architecture"]?.GetValue<string>() == "amd64");
                    if (pick is null) continue;
                    Walk(new JsonObject { ["manifests"] = new JsonArray(pick.DeepClone()) }, name);
                    continue;
                }
                var config = body["config"]?["digest"]?.GetValue<string>() ?? throw new BadRequestException($"invalid archive: manifest {digest} has no config");
                var layers = (body["layers"] as JsonArray ?? []).OfType<JsonObject>().Select(l => new ArchivedLayer(
                    resolve("blobs/sha256/" + Digest.Hex(l["digest"]!.GetValue<string>())),
                    l["size"]?.GetValue<long>() ?? 0, l["mediaType"]?.GetValue<string>())).ToList();
                list.Add(new ArchivedImage(resolve("blobs/sha256/" + Digest.Hex(config)), layers, name is null ? [] : [name], digest));
            }
        }
        Walk(Parse<JsonObject>(json, "index.json"), null);
        return list;
    }

    private static string? NameOf(JsonObject descriptor)
    {
        if (descriptor["annotations"] is not JsonObject a) return null;
        if (a["io.containerd.image.name"] is JsonValue full) return full.GetValue<string>();
        var refName = a["org.opencontainers.image.ref.name"]?.GetValue<string>();
        // A bare tag ("latest") names no repository; a full reference does.
        return refName is not null && (refName.Contains('/') || refName.Contains(':')) ? refName : null;
    }

    private static T Parse<T>(byte[] json, string what) where T : JsonNode
    {
        try
        {
            return JsonNode.Parse(json) as T ?? throw new BadRequestException($"invalid archive: {what} has the wrong shape");
        }
        catch (JsonException e)
        {
            throw new BadRequestException($"invalid archive: {what} is not valid JSON: {e.Message}", e);
        }
    }

    private static bool IsMetadata(string name) =>
        name is "manifest.json" or "index.json" or "oci-layout" or "repositories" ||
        name.EndsWith("/json", StringComparison.Ordinal) || name.EndsWith("/VERSION", StringComparison.Ordinal);

    private static string? BlobName(string name)
    {
        if (!name.StartsWith("blobs/sha256/", StringComparison.Ordinal)) return null;
        var d = "sha256:" + name["blobs/sha256/".Length..];
        return Digest.IsValid(d) ? d : null;
    }

    private static string Normalize(string path)
    {
        var parts = new List<string>();
        foreach (var p in path.Replace('\\', '/').Split('/'))
        {
            if (p is "" or ".") continue;
            if (p == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); continue; }
            parts.Add(p);
        }
        return string.Join('/', parts);
    }
}
