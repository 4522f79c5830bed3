using Microsoft.Data.Sqlite;

namespace Wharf.Engine.Metadata;

/// <summary>
/// The daemon's metadata in one SQLite database (WAL). Every change is one transaction, so a crash
/// leaves the old or the new state. Schema (version 1):
///
///   images(id PK           -- image id = digest of the image config blob
///          created         -- RFC 3339 creation time from the config
///          size            -- bytes of all unpacked layers
///          parent          -- local parent image id (commit/build), or NULL
///          manifest_digest -- manifest the image came with (pull), or NULL
///          last_tag_time)  -- RFC 3339, for inspect's Metadata.LastTagTime
///   image_layers(image_id, position, diff_id, chain_id,
///          blob_digest     -- layer blob as received or produced (tar, tar+gzip, tar+zstd)
///          media_type, blob_size)                   PK(image_id, position)
///   layers(chain_id PK, diff_id, parent_chain_id, size, created)
///          -- unpacked under layers/&lt;chain hex&gt;/diff; a layer's reference count is the number of
///          -- image_layers rows naming it (kept by queries, so it can never drift)
///   refs(name PK           -- canonical reference: docker.io/library/busybox:latest or repo@sha256:..
///        image_id, created)
///   containers(id PK, name UNIQUE -- without the leading slash
///        image_id, doc)    -- the container's inspect document (config, host config, state) as JSON
///   kv(key PK, value)      -- daemon-wide values (engine id, schema version)
///   networks(id PK, name UNIQUE, driver -- bridge
///        bridge            -- the Linux bridge's name
///        subnet, gateway   -- IPv4 CIDR and the bridge's address in it
///        ip_range          -- CIDR containers get addresses from, or NULL for the whole subnet
///        internal, labels, options (JSON objects), created,
///        subnet6, gateway6) -- with --ipv6: the fd00::/8 subnet and the bridge's IPv6 address, else NULL
///                           -- (columns added by ALTER TABLE on stores made before IPv6)
///   endpoints(id PK, network_id -> networks, container_id,
///        address           -- the container's IPv4 address, UNIQUE(network_id, address)
///        mac, veth         -- eth0's MAC, the host end of the veth pair
///        sandbox)          -- the container's network namespace file; UNIQUE(container_id, network_id)
///        address6          -- its IPv6 address on an IPv6 network, else NULL (added by ALTER TABLE)
///          -- a row exists while the container runs (or its network is being set up or torn down);
///          -- not durable at once: start-up reconciles rows, namespaces, links and rules with what runs
///   published_ports(endpoint_id -> endpoints ON DELETE CASCADE, proto, host_ip -- 0.0.0.0 for all
///        host_port, container_port)          PK(proto, host_ip, host_port)
///   volumes(name PK        -- [a-zA-Z0-9][a-zA-Z0-9_.-]+, or 64 hex for an anonymous volume
///        driver            -- local
///        labels, options   -- JSON objects; options are the local driver's type/device/o
///        created           -- RFC 3339
///        size)             -- bytes of _data when last measured, -1 when not yet; a cache, not durable
///          -- the data is volumes/&lt;name&gt;/_data; which containers use a volume is in their documents
///   build_cache(key PK, image_id, created, last_used) -- see MetadataStore.BuildCache.cs
/// </summary>
public sealed partial class MetadataStore : IDisposable
{
    private const int SchemaVersion = 1;
    private readonly SqliteConnection _db;
    private readonly Lock _lock = new();

    public MetadataStore(string path)
    {
        _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _db.Open();
        Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;");
        Migrate();
    }

    private void Migrate()
    {
        Exec("""
            CREATE TABLE IF NOT EXISTS kv(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS images(
                id TEXT PRIMARY KEY, created TEXT NOT NULL, size INTEGER NOT NULL,
                parent TEXT, manifest_digest TEXT, last_tag_time TEXT);
            CREATE TABLE IF NOT EXISTS layers(
                chain_id TEXT PRIMARY KEY, diff_id TEXT NOT NULL, parent_chain_id TEXT,
                size INTEGER NOT NULL, created TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS image_layers(
                image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
                position INTEGER NOT NULL, diff_id TEXT NOT NULL,
                chain_id TEXT NOT NULL REFERENCES layers(chain_id),
                blob_digest TEXT NOT NULL, media_type TEXT NOT NULL, blob_size INTEGER NOT NULL,
                PRIMARY KEY(image_id, position));
            CREATE INDEX IF NOT EXISTS image_layers_chain ON image_layers(chain_id);
            CREATE TABLE IF NOT EXISTS refs(
                name TEXT PRIMARY KEY, image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
                created TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS refs_image ON refs(image_id);
            CREATE TABLE IF NOT EXISTS containers(
                id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, image_id TEXT NOT NULL, doc TEXT NOT NULL);
            """);
        MigrateNetworks();
        MigrateVolumes();
        MigrateBuildCache();
        Exec($"INSERT OR IGNORE INTO kv(key, value) VALUES('schema', '{SchemaVersion}')");
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction under the store's lock. A durable write is on disk
    /// when this returns (the WAL is fsynced). A non-durable one survives a crash of the daemon, and is
    /// made durable by the next durable write or checkpoint, but a power loss may lose it (never
    /// corrupting the database): for frequent container state changes that start-up reconciles anyway.
    /// </summary>
    public T Write<T>(Func<SqliteTransaction, T> work, bool durable = true)
    {
        lock (_lock)
        {
            if (!durable) Exec("PRAGMA synchronous=NORMAL");
            try
            {
                using var tx = _db.BeginTransaction();
                var result = work(tx);
                tx.Commit();
                return result;
            }
            finally
            {
                if (!durable) Exec("PRAGMA synchronous=FULL");
            }
        }
    }

    public void Write(Action<SqliteTransaction> work, bool durable = true) => Write<int>(tx => { work(tx); return 0; }, durable);

    /// <summary>Runs a read under the store's lock.</summary>
    public T Read<T>(Func<SqliteConnection, T> work)
    {
        lock (_lock) return work(_db);
    }

    internal SqliteCommand Command(string sql, SqliteTransaction? tx = null, params (string, object?)[] args)
    {
        var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd;
    }

    private void Exec(string sql)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public string? GetValue(string key) => Read(_ =>
    {
        using var cmd = Command("SELECT value FROM kv WHERE key=$k", null, ("$k", key));
        return cmd.ExecuteScalar() as string;
    });

    public void SetValue(string key, string value) => Write(tx =>
    {
        using var cmd = Command("INSERT INTO kv(key,value) VALUES($k,$v) ON CONFLICT(key) DO UPDATE SET value=$v", tx, ("$k", key), ("$v", value));
        cmd.ExecuteNonQuery();
    });

    public void Dispose()
    {
        lock (_lock) _db.Dispose();
    }
}
