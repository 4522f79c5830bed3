using Microsoft.Data.Sqlite;

namespace Wharf.Engine.Metadata;

public sealed partial class MetadataStore
{
    public List<ImageRecord> ListImages() => Read(_ =>
    {
        var layers = new Dictionary<string, List<ImageLayerRecord>>();
        using (var cmd = Command("SELECT image_id, diff_id, chain_id, blob_digest, media_type, blob_size FROM image_layers ORDER BY image_id, position"))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
            {
                if (!layers.TryGetValue(r.GetString(0), out var list)) layers[r.GetString(0)] = list = [];
                list.Add(new ImageLayerRecord(r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt64(5)));
            }
        var images = new List<ImageRecord>();
        using (var cmd = Command("SELECT id, created, size, parent, manifest_digest, last_tag_time FROM images"))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
                images.Add(ReadImage(r, layers.GetValueOrDefault(r.GetString(0)) ?? []));
        return images;
    });

    public ImageRecord? GetImage(string id) => Read(_ =>
    {
        var layers = new List<ImageLayerRecord>();
        using (var cmd = Command("SELECT diff_id, chain_id, blob_digest, media_type, blob_size FROM image_layers WHERE image_id=$id ORDER BY position", null, ("$id", id)))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
                layers.Add(new ImageLayerRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4)));
        using var cmd2 = Command("SELECT id, created, size, parent, manifest_digest, last_tag_time FROM images WHERE id=$id", null, ("$id", id));
        using var r2 = cmd2.ExecuteReader();
        return r2.Read() ? ReadImage(r2, layers) : null;
    });

    private static ImageRecord ReadImage(SqliteDataReader r, List<ImageLayerRecord> layers) =>
        new(r.GetString(0), r.GetString(1), r.GetInt64(2), r.IsDBNull(3) ? null : r.GetString(3),
            r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5), layers);

    /// <summary>Image ids whose hex starts with <paramref name="hexPrefix"/>.</summary>
    public List<string> FindImageIds(string hexPrefix) => Read(_ =>
    {
        using var cmd = Command("SELECT id FROM images WHERE substr(id, 8, $n) = $p", null, ("$n", hexPrefix.Length), ("$p", hexPrefix));
        using var r = cmd.ExecuteReader();
        var ids = new List<string>();
        while (r.Read()) ids.Add(r.GetString(0));
        return ids;
    });

    public List<RefRecord> ListRefs() => Read(_ =>
    {
        using var cmd = Command("SELECT name, image_id, created FROM refs ORDER BY name");
        using var r = cmd.ExecuteReader();
        var list = new List<RefRecord>();
        while (r.Read()) list.Add(new RefRecord(r.GetString(0), r.GetString(1), r.GetString(2)));
        return list;
    });

    public string? ResolveRef(string name) => Read(_ =>
    {
        using var cmd = Command("SELECT image_id FROM refs WHERE name=$n", null, ("$n", name));
        return cmd.ExecuteScalar() as string;
    });

    public LayerRecord? GetLayer(string chainId) => Read(_ =>
    {
        using var cmd = Command("SELECT chain_id, diff_id, parent_chain_id, size FROM layers WHERE chain_id=$c", null, ("$c", chainId));
        using var r = cmd.ExecuteReader();
        return r.Read() ? new LayerRecord(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetInt64(3)) : null;
    });

    public List<LayerRecord> ListLayers() => Read(_ =>
    {
        using var cmd = Command("SELECT chain_id, diff_id, parent_chain_id, size FROM layers");
        using var r = cmd.ExecuteReader();
        var list = new List<LayerRecord>();
        while (r.Read()) list.Add(new LayerRecord(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetInt64(3)));
        return list;
    });

    /// <summary>Records a layer unpacked on disk (idempotent).</summary>
    public void AddLayer(SqliteTransaction tx, LayerRecord layer)
    {
        using var cmd = Command("INSERT OR IGNORE INTO layers(chain_id, diff_id, parent_chain_id, size, created) VALUES($c,$d,$p,$s,$t)", tx,
            ("$c", layer.ChainId), ("$d", layer.DiffId), ("$p", layer.ParentChainId), ("$s", layer.Size), ("$t", DateTime.UtcNow.ToString("O")));
        cmd.ExecuteNonQuery();
    }

    /// <summary>Inserts an image and its layer list; the layers must already be recorded.</summary>
    /// <summary>Records the manifest an image was pushed or pulled as (its blob is then kept with the image).</summary>
    public void SetManifestDigest(SqliteTransaction tx, string imageId, string digest)
    {
        using var cmd = Command("UPDATE images SET manifest_digest=$m WHERE id=$id", tx, ("$m", digest), ("$id", imageId));
        cmd.ExecuteNonQuery();
    }

    public void AddImage(SqliteTransaction tx, ImageRecord image)
    {
        using (var cmd = Command("INSERT OR IGNORE INTO images(id, created, size, parent, manifest_digest, last_tag_time) VALUES($id,$c,$s,$p,$m,$l)", tx,
            ("$id", image.Id), ("$c", image.Created), ("$s", image.Size), ("$p", image.Parent), ("$m", image.ManifestDigest), ("$l", image.LastTagTime)))
            if (cmd.ExecuteNonQuery() == 0) return;
        for (int i = 0; i < image.Layers.Count; i++)
        {
            var l = image.Layers[i];
            using var cmd = Command("INSERT INTO image_layers(image_id, position, diff_id, chain_id, blob_digest, media_type, blob_size) VALUES($id,$i,$d,$c,$b,$m,$s)", tx,
                ("$id", image.Id), ("$i", i), ("$d", l.DiffId), ("$c", l.ChainId), ("$b", l.BlobDigest), ("$m", l.MediaType), ("$s", l.BlobSize));
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>Points <paramref name="name"/> at an image; returns the image it pointed at before, if another.</summary>
    public string? SetRef(SqliteTransaction tx, string name, string imageId)
    {
        string? previous;
        using (var q = Command("SELECT image_id FROM refs WHERE name=$n", tx, ("$n", name)))
            previous = q.ExecuteScalar() as string;
        var now = DateTime.UtcNow.ToString("O");
        using (var cmd = Command("INSERT INTO refs(name, image_id, created) VALUES($n,$i,$t) ON CONFLICT(name) DO UPDATE SET image_id=$i, created=$t", tx,
            ("$n", name), ("$i", imageId), ("$t", now)))
            cmd.ExecuteNonQuery();
        using (var cmd = Command("UPDATE images SET last_tag_time=$t WHERE id=$i", tx, ("$t", now), ("$i", imageId)))
            cmd.ExecuteNonQuery();
        return previous == imageId ? null : previous;
    }

    public bool RemoveRef(SqliteTransaction tx, string name)
    {
        using var cmd = Command("DELETE FROM refs WHERE name=$n", tx, ("$n", name));
        return cmd.ExecuteNonQuery() > 0;
    }

    /// <summary>Deletes an image row; returns the chain ids no image uses any more.</summary>
    public List<string> RemoveImage(SqliteTransaction tx, string imageId)
    {
        var chains = new List<string>();
        // Top layer first, so a parent is checked after its children are gone.
        using (var cmd = Command("SELECT chain_id FROM image_layers WHERE image_id=$i ORDER BY position DESC", tx, ("$i", imageId)))
        using (var r = cmd.ExecuteReader())
            while (r.Read()) if (!chains.Contains(r.GetString(0))) chains.Add(r.GetString(0));
        using (var cmd = Command("DELETE FROM refs WHERE image_id=$i", tx, ("$i", imageId))) cmd.ExecuteNonQuery();
        using (var cmd = Command("DELETE FROM image_layers WHERE image_id=$i", tx, ("$i", imageId))) cmd.ExecuteNonQuery();
        using (var cmd = Command("DELETE FROM images WHERE id=$i", tx, ("$i", imageId))) cmd.ExecuteNonQuery();
        var orphaned = new List<string>();
        foreach (var c in chains)
        {
            using var q = Command("SELECT COUNT(*) FROM image_layers WHERE chain_id=$c", tx, ("$c", c));
            if ((long)q.ExecuteScalar()! == 0 && !LayerHasChildren(tx, c))
            {
                using var d = Command("DELETE FROM layers WHERE chain_id=$c", tx, ("$c", c));
                d.ExecuteNonQuery();
                orphaned.Add(c);
            }
        }
        return orphaned;
    }

    private bool LayerHasChildren(SqliteTransaction tx, string chainId)
    {
        using var q = Command("SELECT COUNT(*) FROM layers WHERE parent_chain_id=$c", tx, ("$c", chainId));
        return (long)q.ExecuteScalar()! > 0;
    }

    /// <summary>Deletes layer rows that no image uses (after a crash between steps); returns their chain ids.</summary>
    public List<string> RemoveUnusedLayers() => Write(tx =>
    {
        var removed = new List<string>();
        while (true)
        {
            var batch = new List<string>();
            using (var cmd = Command("""
                SELECT chain_id FROM layers l WHERE NOT EXISTS (SELECT 1 FROM image_layers il WHERE il.chain_id = l.chain_id)
                AND NOT EXISTS (SELECT 1 FROM layers c WHERE c.parent_chain_id = l.chain_id)
                """, tx))
            using (var r = cmd.ExecuteReader())
                while (r.Read()) batch.Add(r.GetString(0));
            if (batch.Count == 0) return removed;
            foreach (var c in batch)
            {
                using var d = Command("DELETE FROM layers WHERE chain_id=$c", tx, ("$c", c));
                d.ExecuteNonQuery();
            }
            removed.AddRange(batch);
        }
    });
}
