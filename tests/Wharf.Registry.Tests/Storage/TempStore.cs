using System.Text;
using Wharf.Registry.Protocol;
using Wharf.Registry.Storage;

namespace Wharf.Registry.Tests.Storage;

/// <summary>A store in a temp directory, removed on dispose, with helpers to push blobs and manifests.</summary>
public sealed class TempStore : IDisposable
{
    public TempStore()
    {
        Dir = Path.Combine(Path.GetTempPath(), "wharf-regtest-" + Guid.NewGuid().ToString("N")[..8]);
        Store = new RegistryStore(Dir);
    }

    public string Dir { get; }
    public RegistryStore Store { get; }

    public async Task<(Digest Digest, int Size)> PushBlobAsync(string repo, byte[] content)
    {
        var d = Digest.Sha256(content);
        var id = Store.StartUpload(repo);
        await Store.CompleteAsync(repo, id, d, new MemoryStream(content), null, default);
        return (d, content.Length);
    }

    public static string ImageManifest((Digest D, int Size) config, params (Digest D, int Size)[] layers) =>
        $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{config.D}}","size":{{config.Size}}},"layers":[{{string.Join(',', layers.Select(l => $$"""{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{{l.D}}","size":{{l.Size}}}"""))}}]}""";

    /// <summary>Pushes a config and one layer and a manifest tagged <paramref name="tag"/>; returns the manifest digest and the layer's.</summary>
    public async Task<(Digest Manifest, Digest Layer)> PushImageAsync(string repo, string tag, string layerText)
    {
        var config = await PushBlobAsync(repo, Encoding.UTF8.GetBytes("{\"os\":\"linux\",\"l\":\"" + layerText + "\"}"));
        var layer = await PushBlobAsync(repo, Encoding.UTF8.GetBytes(layerText));
        var (m, _) = await Store.PutManifestAsync(repo, tag, Encoding.UTF8.GetBytes(ImageManifest(config, layer)), MediaTypes.OciManifest, default);
        return (m, layer.Digest);
    }

    public int BlobCount() => Directory.EnumerateFiles(Path.Combine(Dir, "blobs"), "*", SearchOption.AllDirectories).Count();

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
