using System.Text;
using Wharf.Registry.Protocol;
using Wharf.Registry.Storage;

namespace Wharf.Registry.Tests.Storage;

public class RegistryStoreTests : IDisposable
{
    readonly TempStore _t = new();
    RegistryStore Store => _t.Store;

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task A_chunked_upload_becomes_a_blob_of_the_repository_only()
    {
        var content = Encoding.UTF8.GetBytes("hello, registry");
        var id = Store.StartUpload("a/b");
        Assert.Equal(5, await Store.AppendAsync("a/b", id, new MemoryStream(content[..5]), new ByteRange(0, 4), default));
        Assert.Equal(5, Store.UploadSize("a/b", id));
        await Store.CompleteAsync("a/b", id, Digest.Sha256(content), new MemoryStream(content[5..]), null, default);
        Assert.Equal(content.Length, Store.BlobSize("a/b", Digest.Sha256(content)));
        Assert.Null(Store.BlobSize("other", Digest.Sha256(content)));
        Assert.Throws<RegistryException>(() => Store.UploadSize("a/b", id));
    }

    [Fact]
    public async Task A_chunk_that_does_not_continue_the_upload_is_416()
    {
        var id = Store.StartUpload("a");
        await Store.AppendAsync("a", id, new MemoryStream(new byte[10]), null, default);
        var e = await Assert.ThrowsAsync<RegistryException>(() => Store.AppendAsync("a", id, new MemoryStream(new byte[10]), new ByteRange(20, 29), default));
        Assert.Equal((416, ErrorCodes.RangeInvalid), (e.Status, e.Code));
        Assert.Equal(10, Store.UploadSize("a", id));
    }

    [Fact]
    public async Task A_digest_mismatch_leaves_no_blob_and_no_upload()
    {
        var id = Store.StartUpload("a");
        var wrong = Digest.Sha256("something else"u8);
        var e = await Assert.ThrowsAsync<RegistryException>(() => Store.CompleteAsync("a", id, wrong, new MemoryStream("content"u8.ToArray()), null, default));
        Assert.Equal((400, ErrorCodes.DigestInvalid), (e.Status, e.Code));
        Assert.Equal(0, _t.BlobCount());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_t.Dir, "uploads")));
    }

    [Fact]
    public async Task An_upload_belongs_to_its_repository()
    {
        var id = Store.StartUpload("a");
        var e = await Assert.ThrowsAsync<RegistryException>(() => Store.AppendAsync("b", id, new MemoryStream([1]), null, default));
        Assert.Equal((404, ErrorCodes.BlobUploadUnknown), (e.Status, e.Code));
        Assert.Throws<RegistryException>(() => Store.UploadSize("a", "../../etc"));
    }

    [Fact]
    public async Task An_upload_resumes_after_a_restart_and_still_verifies()
    {
        var content = new byte[3000];
        Random.Shared.NextBytes(content);
        var id = Store.StartUpload("a");
        await Store.AppendAsync("a", id, new MemoryStream(content[..1000]), null, default);
        var restarted = new RegistryStore(_t.Dir);
        Assert.Equal(1000, restarted.UploadSize("a", id));
        await restarted.AppendAsync("a", id, new MemoryStream(content[1000..]), new ByteRange(1000, 2999), default);
        await restarted.CompleteAsync("a", id, Digest.Sha256(content), null, null, default);
        Assert.Equal(3000, restarted.BlobSize("a", Digest.Sha256(content)));
    }

    [Fact]
    public async Task A_manifest_referencing_a_missing_blob_is_refused_and_not_stored()
    {
        var config = await _t.PushBlobAsync("a", "{}"u8.ToArray());
        var missing = (Digest.Sha256("not pushed"u8), 10);
        var body = Encoding.UTF8.GetBytes(TempStore.ImageManifest(config, missing));
        var e = await Assert.ThrowsAsync<RegistryException>(() => Store.PutManifestAsync("a", "v1", body, MediaTypes.OciManifest, default));
        Assert.Equal((400, ErrorCodes.ManifestBlobUnknown, missing.Item1.ToString()), (e.Status, e.Code, e.Detail));
        Assert.Throws<RegistryException>(() => Store.GetManifest("a", "v1"));
        Assert.Empty(Store.ListTags("a"));
    }

    [Fact]
    public async Task A_manifest_whose_descriptor_size_is_wrong_is_refused()
    {
        var config = await _t.PushBlobAsync("a", "{}"u8.ToArray());
        var body = Encoding.UTF8.GetBytes(TempStore.ImageManifest((config.Digest, 99)));
        var e = await Assert.ThrowsAsync<RegistryException>(() => Store.PutManifestAsync("a", "v1", body, null, default));
        Assert.Equal(ErrorCodes.SizeInvalid, e.Code);
    }

    [Fact]
    public async Task Manifests_resolve_by_tag_and_digest_and_delete()
    {
        var (m, _) = await _t.PushImageAsync("a", "v1", "layer");
        Assert.Equal(m, Store.GetManifest("a", "v1").Digest);
        Assert.Equal(MediaTypes.OciManifest, Store.GetManifest("a", m.ToString()).MediaType);
        await Assert.ThrowsAsync<RegistryException>(() =>
            Store.PutManifestAsync("a", Digest.Sha256("x"u8).ToString(), Store.GetManifest("a", "v1").Body, null, default));
        Store.DeleteManifest("a", m.ToString());
        Assert.Equal(ErrorCodes.ManifestUnknown, Assert.Throws<RegistryException>(() => Store.GetManifest("a", "v1")).Code);
        Assert.Empty(Store.ListTags("a"));
    }

    [Fact]
    public async Task The_catalog_finds_nested_repositories()
    {
        await _t.PushImageAsync("a", "v1", "x");
        await _t.PushImageAsync("a/b/c", "v1", "y");
        Assert.Equal(["a", "a/b/c"], Store.ListRepositories().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Mount_links_a_blob_of_another_repository()
    {
        var (_, layer) = await _t.PushImageAsync("src", "v1", "shared");
        Assert.Null(await Store.MountAsync("dst", "nowhere", layer, default));
        Assert.Equal(6, await Store.MountAsync("dst", "src", layer, default));
        Assert.Equal(6, Store.BlobSize("dst", layer));
    }
}
