namespace Wharf.Engine.Metadata;

public sealed partial class MetadataStore
{
    public void SaveContainer(string id, string name, string imageId, string doc) => Write(tx =>
    {
        using var cmd = Command("""
            INSERT INTO containers(id, name, image_id, doc) VALUES($i,$n,$m,$d)
            ON CONFLICT(id) DO UPDATE SET name=$n, image_id=$m, doc=$d
            """, tx, ("$i", id), ("$n", name), ("$m", imageId), ("$d", doc));
        cmd.ExecuteNonQuery();
    });

    public void DeleteContainer(string id) => Write(tx =>
    {
        using var cmd = Command("DELETE FROM containers WHERE id=$i", tx, ("$i", id));
        cmd.ExecuteNonQuery();
    });

    public List<(string Id, string Doc)> ListContainers() => Read(_ =>
    {
        using var cmd = Command("SELECT id, doc FROM containers");
        using var r = cmd.ExecuteReader();
        var list = new List<(string, string)>();
        while (r.Read()) list.Add((r.GetString(0), r.GetString(1)));
        return list;
    });
}
