namespace Wharf.Engine.Metadata;

public sealed partial class MetadataStore
{
    /// <summary>Inserts or updates a container's document; only its creation needs to be durable at once.</summary>
    public void SaveContainer(string id, string name, string imageId, string doc, bool durable = false) => Write(tx =>
    {
        using var cmd = Command("""
            INSERT INTO containers(id, name, image_id, doc) VALUES($i,$n,$m,$d)
            ON CONFLICT(id) DO UPDATE SET name=$n, image_id=$m, doc=$d
            """, tx, ("$i", id), ("$n", name), ("$m", imageId), ("$d", doc));
        cmd.ExecuteNonQuery();
    }, durable);

    /// <summary>Deletes a container's record (not durable at once: a record that comes back after a power
    /// loss has no directory any more, and start-up drops it).</summary>
    public void DeleteContainer(string id) => Write(tx =>
    {
        using var cmd = Command("DELETE FROM containers WHERE id=$i", tx, ("$i", id));
        cmd.ExecuteNonQuery();
    }, durable: false);

    public List<(string Id, string Doc)> ListContainers() => Read(_ =>
    {
        using var cmd = Command("SELECT id, doc FROM containers");
        using var r = cmd.ExecuteReader();
        var list = new List<(string, string)>();
        while (r.Read()) list.Add((r.GetString(0), r.GetString(1)));
        return list;
    });
}
