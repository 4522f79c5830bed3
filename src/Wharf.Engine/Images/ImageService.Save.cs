using System.Formats.Tar;
using System.Text;
using System.Text.Json.Nodes;
using Wharf.Engine.Content;
using Wharf.Engine.Metadata;

namespace Wharf.Engine.Images;

public sealed partial class ImageService
{
    private const string OciManifestType = ImageManifest.MediaType;

    /// <summary>Resolves the names for GET /images/get before any byte is sent (so errors can still be a 404).</summary>
    public List<(ImageRecord Image, List<ImageReference> Tags)> PlanSave(IReadOnlyList<string> names)
    {
        if (names.Count == 0) throw new BadRequestException("no image names given");
        var plan = new List<(ImageRecord, List<ImageReference>)>();
        var refs = _db.ListRefs();
        foreach (var name in names)
        {
            var img = Resolve(name);
            var tags = new List<ImageReference>();
            if (!IsIdLike(name, img.Id) && ImageReference.TryParse(name, out var r, out _))
            {
                // `save busybox` saves every tag of the repository that points here; `save busybox:1` that tag.
                tags = r!.Tag is null && r.Digest is null
                    ? refs.Where(x => x.ImageId == img.Id).Select(x => ImageReference.Parse(x.Name))
                        .Where(x => x.Repository == r.Repository && x.Tag is not null).ToList()
                    : [r.WithDefaultTag()];
            }
            var existing = plan.FindIndex(p => p.Item1.Id == img.Id);
            if (existing >= 0) plan[existing].Item2.AddRange(tags.Where(t => !plan[existing].Item2.Contains(t)));
            else plan.Add((img, tags));
        }
        return plan;
    }

    /// <summary>
    /// Writes a docker-archive as Docker 25+ does: an OCI image layout (index.json, oci-layout, blobs) plus
    /// manifest.json for older readers, so `docker load`, skopeo and containerd all accept it.
    /// </summary>
    public async Task SaveAsync(List<(ImageRecord Image, List<ImageReference> Tags)> plan, Stream output, CancellationToken ct)
    {
        var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        var written = new HashSet<string>();
        var index = new JsonArray();
        var legacy = new JsonArray();
        var epoch = DateTimeOffset.UnixEpoch;
        await WriteDirAsync(writer, "blobs/", ct);
        await WriteDirAsync(writer, "blobs/sha256/", ct);
        foreach (var (img, tags) in plan)
        {
            foreach (var l in img.Layers) await WriteBlobAsync(writer, l.BlobDigest, written, ct);
            await WriteBlobAsync(writer, img.Id, written, ct);
            var manifestBytes = ImageManifest.Build(img, _content.Size(img.Id));
            var manifestDigest = Digest.Of(manifestBytes);
            if (written.Add(manifestDigest))
                await WriteFileAsync(writer, "blobs/sha256/" + Digest.Hex(manifestDigest), manifestBytes, ct);
            var names = tags.Count > 0 ? tags : [null!];
            foreach (var t in names)
            {
                var desc = new JsonObject { ["mediaType"] = OciManifestType, ["digest"] = manifestDigest, ["size"] = manifestBytes.Length };
                if (t is not null)
                    desc["annotations"] = new JsonObject { ["io.containerd.image.name"] = t.ToString(), ["org.opencontainers.image.ref.name"] = t.Tag };
                index.Add((JsonNode)desc);
            }
            legacy.Add((JsonNode)new JsonObject
            {
                ["Config"] = "blobs/sha256/" + Digest.Hex(img.Id),
                ["RepoTags"] = tags.Count == 0 ? null : new JsonArray(tags.Select(t => (JsonNode)JsonValue.Create(t.Familiar)!).ToArray()),
                ["Layers"] = new JsonArray(img.Layers.Select(l => (JsonNode)JsonValue.Create("blobs/sha256/" + Digest.Hex(l.BlobDigest))!).ToArray()),
            });
        }
        var indexJson = new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = "application/vnd.oci.image.index.v1+json", ["manifests"] = index };
        await WriteFileAsync(writer, "index.json", Encoding.UTF8.GetBytes(indexJson.ToJsonString(Wharf.Api.Json.JsonDefaults.Relaxed)), ct);
        await WriteFileAsync(writer, "manifest.json", Encoding.UTF8.GetBytes(legacy.ToJsonString(Wharf.Api.Json.JsonDefaults.Relaxed)), ct);
        await WriteFileAsync(writer, "oci-layout", Encoding.UTF8.GetBytes("{\"imageLayoutVersion\":\"1.0.0\"}"), ct);
        await writer.DisposeAsync();
        foreach (var (img, tags) in plan) Publish("save", img.Id, tags.Count > 0 ? tags[0].Familiar : null);
    }

    private static async Task WriteDirAsync(TarWriter w, string name, CancellationToken ct) =>
        await w.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, name)
        {
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead |
                   UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
            ModificationTime = DateTimeOffset.UnixEpoch,
        }, ct);

    private async Task WriteBlobAsync(TarWriter w, string digest, HashSet<string> written, CancellationToken ct)
    {
        if (!written.Add(digest)) return;
        await using var data = _content.OpenRead(digest);
        var e = new PaxTarEntry(TarEntryType.RegularFile, "blobs/sha256/" + Digest.Hex(digest))
        {
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            ModificationTime = DateTimeOffset.UnixEpoch,
            DataStream = data,
        };
        await w.WriteEntryAsync(e, ct);
    }

    private static async Task WriteFileAsync(TarWriter w, string name, byte[] data, CancellationToken ct)
    {
        var e = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            ModificationTime = DateTimeOffset.UnixEpoch,
            DataStream = new MemoryStream(data),
        };
        await w.WriteEntryAsync(e, ct);
    }
}
