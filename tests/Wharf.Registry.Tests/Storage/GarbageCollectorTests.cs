using Wharf.Registry.Storage;

namespace Wharf.Registry.Tests.Storage;

public class GarbageCollectorTests : IDisposable
{
    readonly TempStore _t = new();

    public void Dispose() => _t.Dispose();

    void Age(params string[] files)
    {
        foreach (var f in files) File.SetLastWriteTimeUtc(f, DateTime.UtcNow.AddHours(-2));
    }

    void AgeAllBlobs() => Age(Directory.EnumerateFiles(Path.Combine(_t.Dir, "blobs"), "*", SearchOption.AllDirectories).ToArray());

    [Fact]
    public async Task Referenced_blobs_stay_and_unreferenced_ones_go()
    {
        var (keep, keepLayer) = await _t.PushImageAsync("a", "v1", "kept");
        var (drop, dropLayer) = await _t.PushImageAsync("a", "v2", "dropped");
        _t.Store.DeleteManifest("a", drop.ToString());
        AgeAllBlobs();
        var result = await new GarbageCollector(_t.Store).RunAsync(dryRun: false, TimeSpan.FromHours(1));
        Assert.Equal(3, result.Deleted.Count);
        Assert.Contains(result.Deleted, d => d.Digest == dropLayer);
        Assert.True(File.Exists(_t.Store.BlobPath(keepLayer)));
        Assert.True(File.Exists(_t.Store.BlobPath(keep)));
        Assert.False(File.Exists(_t.Store.BlobPath(dropLayer)));
        Assert.Null(_t.Store.BlobSize("a", dropLayer));
        Assert.Equal(keep, _t.Store.GetManifest("a", "v1").Digest);
    }

    [Fact]
    public async Task A_dry_run_deletes_nothing()
    {
        var (drop, _) = await _t.PushImageAsync("a", "v1", "x");
        _t.Store.DeleteManifest("a", drop.ToString());
        AgeAllBlobs();
        var before = _t.BlobCount();
        var result = await new GarbageCollector(_t.Store).RunAsync(dryRun: true, TimeSpan.Zero);
        Assert.Equal(3, result.Deleted.Count);
        Assert.Equal(before, _t.BlobCount());
    }

    [Fact]
    public async Task Blobs_pushed_within_the_grace_period_wait_for_their_manifest()
    {
        var pending = await _t.PushBlobAsync("a", "layer of a push in flight"u8.ToArray());
        var result = await new GarbageCollector(_t.Store).RunAsync(dryRun: false, TimeSpan.FromHours(1));
        Assert.Empty(result.Deleted);
        Assert.NotNull(_t.Store.BlobSize("a", pending.Digest));
    }

    [Fact]
    public async Task A_push_waits_while_a_collection_holds_the_lock()
    {
        var gcLock = await GcLock.AcquireAsync(_t.Dir, exclusive: true);
        var push = _t.PushBlobAsync("a", "x"u8.ToArray());
        await Task.Delay(300);
        Assert.False(push.IsCompleted);
        gcLock.Dispose();
        await push.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
