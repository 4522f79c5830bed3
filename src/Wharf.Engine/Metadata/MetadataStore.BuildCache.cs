namespace Wharf.Engine.Metadata;

/// <summary>One build cache entry: the key of a build step and the image it produced.</summary>
public sealed record BuildCacheRecord(string Key, string ImageId, string Created, string LastUsed);

public sealed partial class MetadataStore
{
    //   build_cache(key PK      -- sha256 of parent image, expanded instruction, used build args, sources' hash
    //               image_id -> images ON DELETE CASCADE  -- removing the image drops its entries
    //               created, last_used)                   -- RFC 3339; GC drops the least recently used first
    private const string BuildCacheSchema = """
        CREATE TABLE IF NOT EXISTS build_cache(
            key TEXT PRIMARY KEY, image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
            created TEXT NOT NULL, last_used TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS build_cache_image ON build_cache(image_id);
        """;

    private void MigrateBuildCache() => Exec(BuildCacheSchema);

    /// <summary>The image a cached step produced, or null.</summary>
    public string? GetBuildCache(string key) => Read(_ =>
    {
        using var cmd = Command("SELECT image_id FROM build_cache WHERE key=$k", null, ("$k", key));
        return cmd.ExecuteScalar() as string;
    });

    /// <summary>Records (or replaces) a step's result; not durable at once: losing the newest entries only costs a rebuild.</summary>
    public void SetBuildCache(string key, string imageId, string now) => Write(tx =>
    {
        using var cmd = Command("INSERT INTO build_cache(key, image_id, created, last_used) VALUES($k,$i,$n,$n) " +
            "ON CONFLICT(key) DO UPDATE SET image_id=$i, last_used=$n", tx, ("$k", key), ("$i", imageId), ("$n", now));
        cmd.ExecuteNonQuery();
    }, durable: false);

    public void TouchBuildCache(string key, string now) => Write(tx =>
    {
        using var cmd = Command("UPDATE build_cache SET last_used=$n WHERE key=$k", tx, ("$k", key), ("$n", now));
        cmd.ExecuteNonQuery();
    }, durable: false);

    public List<BuildCacheRecord> ListBuildCache() => Read(_ =>
    {
        using var cmd = Command("SELECT key, image_id, created, last_used FROM build_cache ORDER BY last_used");
        using var r = cmd.ExecuteReader();
        var list = new List<BuildCacheRecord>();
        while (r.Read()) list.Add(new BuildCacheRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3)));
        return list;
    });

    public void DeleteBuildCache(IEnumerable<string> keys) => Write(tx =>
    {
        foreach (var key in keys)
        {
            using var cmd = Command("DELETE FROM build_cache WHERE key=$k", tx, ("$k", key));
            cmd.ExecuteNonQuery();
        }
    });
}
