using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Wharf.IntegrationTests.Infrastructure;

/// <summary>Builds image archives by hand from the formats' definitions, so tests need no dockerd.</summary>
public static class ArchiveBuilder
{
    /// <summary>A layer tar with the given entries (name, type, link target, content).</summary>
    public static byte[] Layer(params (string Name, TarEntryType Type, string? Link, byte[]? Data)[] entries)
    {
        var ms = new MemoryStream();
        using (var w = new TarWriter(ms, TarEntryFormat.Pax, leaveOpen: true))
            foreach (var (name, type, link, data) in entries)
            {
                var e = new PaxTarEntry(type, name) { ModificationTime = DateTimeOffset.UnixEpoch };
                if (link is not null) e.LinkName = link;
                if (data is not null) e.DataStream = new MemoryStream(data);
                e.Mode = type == TarEntryType.Directory ? (UnixFileMode)0x1ED : (UnixFileMode)0x1A4;
                w.WriteEntry(e);
            }
        return ms.ToArray();
    }

    public static string Sha256(byte[] data) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(data));

    public static byte[] Config(IEnumerable<byte[]> layers, string created = "2024-01-02T03:04:05Z")
    {
        var diffIds = new JsonArray(layers.Select(l => (JsonNode)JsonValue.Create(Sha256(l))!).ToArray());
        var cfg = new JsonObject
        {
            ["architecture"] = "amd64",
            ["os"] = "linux",
            ["created"] = created,
            ["config"] = new JsonObject { ["Cmd"] = new JsonArray((JsonNode)"sh"), ["Env"] = new JsonArray((JsonNode)"PATH=/bin") },
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = diffIds },
            ["history"] = new JsonArray(layers.Select(_ => (JsonNode)new JsonObject { ["created"] = created, ["created_by"] = "/bin/sh -c #(nop) ADD file in /" }).ToArray()),
        };
        return Encoding.UTF8.GetBytes(cfg.ToJsonString());
    }

    /// <summary>
    /// A docker-archive in the layout Docker 1.10–24 writes (`docker save` of Docker 20.10): one directory per
    /// layer with layer.tar, json and VERSION, the config as &lt;hex&gt;.json, manifest.json and repositories.
    /// </summary>
    public static void LegacyDockerArchive(string path, string repoTag, params byte[][] layers)
    {
        var config = Config(layers);
        var configHex = Sha256(config)[7..];
        using var fs = System.IO.File.Create(path);
        using var w = new TarWriter(fs, TarEntryFormat.Ustar);
        var layerPaths = new List<string>();
        string? parent = null;
        foreach (var layer in layers)
        {
            // Docker's v1 ids are derived from the chain; any stable hex works for a reader.
            var v1 = Sha256(Encoding.ASCII.GetBytes((parent ?? "") + Sha256(layer)))[7..];
            Dir(w, v1 + "/");
            Entry(w, v1 + "/VERSION", Encoding.ASCII.GetBytes("1.0"));
            var json = new JsonObject { ["id"] = v1, ["created"] = "0001-01-01T00:00:00Z" };
            if (parent is not null) json["parent"] = parent;
            Entry(w, v1 + "/json", Encoding.UTF8.GetBytes(json.ToJsonString()));
            Entry(w, v1 + "/layer.tar", layer);
            layerPaths.Add(v1 + "/layer.tar");
            parent = v1;
        }
        Entry(w, configHex + ".json", config);
        var colon = repoTag.LastIndexOf(':');
        var manifest = new JsonArray(new JsonObject
        {
            ["Config"] = configHex + ".json",
            ["RepoTags"] = new JsonArray((JsonNode)repoTag),
            ["Layers"] = new JsonArray(layerPaths.Select(p => (JsonNode)JsonValue.Create(p)!).ToArray()),
        });
        Entry(w, "manifest.json", Encoding.UTF8.GetBytes(manifest.ToJsonString()));
        var repos = new JsonObject { [repoTag[..colon]] = new JsonObject { [repoTag[(colon + 1)..]] = parent } };
        Entry(w, "repositories", Encoding.UTF8.GetBytes(repos.ToJsonString()));
    }

    private static void Dir(TarWriter w, string name) =>
        w.WriteEntry(new UstarTarEntry(TarEntryType.Directory, name) { Mode = (UnixFileMode)0x1ED, ModificationTime = DateTimeOffset.UnixEpoch });

    private static void Entry(TarWriter w, string name, byte[] data) =>
        w.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name) { Mode = (UnixFileMode)0x1A4, ModificationTime = DateTimeOffset.UnixEpoch, DataStream = new MemoryStream(data) });
}
