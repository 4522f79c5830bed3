namespace Wharf.Engine.Metadata;

/// <summary>A volume row: its driver options and labels as JSON objects, and its last measured size.</summary>
public sealed record VolumeRecord(string Name, string Driver, string Labels, string Options, string Created, long Size);

public sealed partial class MetadataStore
{
    private const string VolumeSchema = """
        CREATE TABLE IF NOT EXISTS volumes(
            name TEXT PRIMARY KEY, driver TEXT NOT NULL, labels TEXT NOT NULL, options TEXT NOT NULL,
            created TEXT NOT NULL, size INTEGER NOT NULL DEFAULT -1);
        """;

    private void MigrateVolumes() => Exec(VolumeSchema);

    public List<VolumeRecord> ListVolumes() => Read(_ =>
    {
        using var cmd = Command("SELECT name, driver, labels, options, created, size FROM volumes ORDER BY name");
        using var r = cmd.ExecuteReader();
        var list = new List<VolumeRecord>();
        while (r.Read()) list.Add(new VolumeRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt64(5)));
        return list;
    });

    /// <summary>Records a new volume, durably: its directory exists already, and a crash must not forget it.</summary>
    public void AddVolume(VolumeRecord v) => Write(tx =>
    {
        using var cmd = Command("INSERT INTO volumes(name, driver, labels, options, created, size) VALUES($n,$d,$l,$o,$c,$s)", tx,
            ("$n", v.Name), ("$d", v.Driver), ("$l", v.Labels), ("$o", v.Options), ("$c", v.Created), ("$s", v.Size));
        cmd.ExecuteNonQuery();
    });

    /// <summary>The measured size of a volume's data (a cache: losing it to a power loss only means measuring again).</summary>
    public void SetVolumeSize(string name, long size) => Write(tx =>
    {
        using var cmd = Command("UPDATE volumes SET size=$s WHERE name=$n", tx, ("$n", name), ("$s", size));
        cmd.ExecuteNonQuery();
    }, durable: false);

    /// <summary>Forgets a volume; durable, since its data is deleted right after.</summary>
    public void DeleteVolume(string name) => Write(tx =>
    {
        using var cmd = Command("DELETE FROM volumes WHERE name=$n", tx, ("$n", name));
        cmd.ExecuteNonQuery();
    });
}
