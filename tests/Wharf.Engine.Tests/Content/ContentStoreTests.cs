using Wharf.Engine.Archive;
using Wharf.Engine.Content;

namespace Wharf.Engine.Tests.Content;

public sealed class ContentStoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("wharf-content-").FullName;

    public void Dispose() => Directory.Delete(_root, true);

    [Fact]
    public void A_blob_is_visible_only_after_its_digest_verified()
    {
        var store = new ContentStore(_root);
        var digest = Digest.Of("hello"u8);
        using (var w = store.OpenWriter())
        {
            w.Write("hello"u8);
            Assert.False(store.Exists(digest));
            Assert.Single(Directory.GetFiles(store.IngestDirectory));
            Assert.Equal(digest, w.Commit(digest));
        }
        Assert.True(store.Exists(digest));
        Assert.Empty(Directory.GetFiles(store.IngestDirectory));
        Assert.Equal("hello"u8.ToArray(), store.ReadAll(digest));
    }

    [Fact]
    public void A_digest_mismatch_publishes_nothing_and_leaves_no_ingest()
    {
        var store = new ContentStore(_root);
        using (var w = store.OpenWriter())
        {
            w.Write("hello"u8);
            var e = Assert.Throws<BadRequestException>(() => w.Commit(Digest.Of("other"u8)));
            Assert.Contains("digest mismatch", e.Message);
        }
        Assert.Empty(store.ListDigests());
        Assert.Empty(Directory.GetFiles(store.IngestDirectory));
    }

    [Fact]
    public void Unfinished_ingests_are_cleared_at_start_up()
    {
        var store = new ContentStore(_root);
        var w = store.OpenWriter();
        w.Write("partial"u8);
        w.Flush();
        // A crash: the writer is never disposed.
        Assert.Equal(1, new ContentStore(_root).ClearIngests());
        Assert.Empty(Directory.GetFiles(store.IngestDirectory));
    }

    [Fact]
    public void Chain_ids_follow_the_image_spec()
    {
        var a = "sha256:" + new string('a', 64);
        var b = "sha256:" + new string('b', 64);
        Assert.Equal(a, Digest.ChainId(null, a));
        Assert.Equal(Digest.Of(System.Text.Encoding.ASCII.GetBytes(a + " " + b)), Digest.ChainId(a, b));
    }

    [Theory]
    [InlineData(new byte[] { 0x1f, 0x8b, 8, 0 }, CompressionKind.Gzip)]
    [InlineData(new byte[] { (byte)'B', (byte)'Z', (byte)'h', (byte)'9' }, CompressionKind.Bzip2)]
    [InlineData(new byte[] { 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00 }, CompressionKind.Xz)]
    [InlineData(new byte[] { 0x28, 0xb5, 0x2f, 0xfd }, CompressionKind.Zstd)]
    [InlineData(new byte[] { (byte)'b', (byte)'i', (byte)'n', 0 }, CompressionKind.None)]
    public void Compression_is_detected_by_magic(byte[] head, CompressionKind kind) => Assert.Equal(kind, Decompression.Detect(head));
}
