namespace Wharf.Engine.Metadata;

public sealed partial class MetadataStore
{
    private const string NetworkSchema = """
        CREATE TABLE IF NOT EXISTS networks(
            id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, driver TEXT NOT NULL, bridge TEXT NOT NULL,
            subnet TEXT NOT NULL, gateway TEXT NOT NULL, ip_range TEXT, internal INTEGER NOT NULL,
            labels TEXT NOT NULL, options TEXT NOT NULL, created TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS endpoints(
            id TEXT PRIMARY KEY, network_id TEXT NOT NULL REFERENCES networks(id),
            container_id TEXT NOT NULL, address TEXT NOT NULL, mac TEXT NOT NULL, veth TEXT NOT NULL,
            sandbox TEXT NOT NULL, UNIQUE(network_id, address), UNIQUE(container_id, network_id));
        CREATE TABLE IF NOT EXISTS published_ports(
            endpoint_id TEXT NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,
            proto TEXT NOT NULL, host_ip TEXT NOT NULL, host_port INTEGER NOT NULL, container_port INTEGER NOT NULL,
            PRIMARY KEY(proto, host_ip, host_port));
        CREATE INDEX IF NOT EXISTS published_ports_endpoint ON published_ports(endpoint_id);
        """;

    public List<NetworkRecord> ListNetworks() => Read(_ =>
    {
        using var cmd = Command("SELECT id, name, driver, bridge, subnet, gateway, ip_range, internal, labels, options, created, subnet6, gateway6 FROM networks ORDER BY created");
        using var r = cmd.ExecuteReader();
        var list = new List<NetworkRecord>();
        while (r.Read())
            list.Add(new NetworkRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
                r.IsDBNull(6) ? null : r.GetString(6), r.GetInt64(7) != 0, r.GetString(8), r.GetString(9), r.GetString(10))
                { Subnet6 = r.IsDBNull(11) ? null : r.GetString(11), Gateway6 = r.IsDBNull(12) ? null : r.GetString(12) });
        return list;
    });

    /// <summary>Inserts a network or replaces the one with the same id.</summary>
    public void SaveNetwork(NetworkRecord n) => Write(tx =>
    {
        using var cmd = Command("""
            INSERT INTO networks(id, name, driver, bridge, subnet, gateway, ip_range, internal, labels, options, created, subnet6, gateway6)
            VALUES($id,$n,$d,$b,$s,$g,$r,$i,$l,$o,$c,$s6,$g6)
            ON CONFLICT(id) DO UPDATE SET name=$n, driver=$d, bridge=$b, subnet=$s, gateway=$g, ip_range=$r, internal=$i, labels=$l, options=$o,
                subnet6=$s6, gateway6=$g6
            """, tx, ("$id", n.Id), ("$n", n.Name), ("$d", n.Driver), ("$b", n.Bridge), ("$s", n.Subnet), ("$g", n.Gateway),
            ("$r", n.IpRange), ("$i", n.Internal ? 1 : 0), ("$l", n.Labels), ("$o", n.Options), ("$c", n.Created),
            ("$s6", n.Subnet6), ("$g6", n.Gateway6));
        cmd.ExecuteNonQuery();
    });

    /// <summary>Deletes a network's row (its endpoints must be gone).</summary>
    public void DeleteNetwork(string id) => Write(tx =>
    {
        using var cmd = Command("DELETE FROM networks WHERE id=$i", tx, ("$i", id));
        cmd.ExecuteNonQuery();
    });

    /// <summary>
    /// Adds an endpoint and its published ports in one transaction. <paramref name="make"/> gets the addresses
    /// already taken on the network (read in the same transaction, so two starts never get the same one).
    /// Not durable at once: endpoints are reconciled with what runs at every start.
    /// </summary>
    public (EndpointRecord, IReadOnlyList<PublishedPortRecord>) AddEndpoint(string networkId,
        Func<HashSet<string>, (EndpointRecord, IReadOnlyList<PublishedPortRecord>)> make) => Write(tx =>
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        using (var cmd = Command("SELECT address, address6 FROM endpoints WHERE network_id=$n", tx, ("$n", networkId)))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
            {
                used.Add(r.GetString(0));
                if (!r.IsDBNull(1)) used.Add(r.GetString(1));
            }
        var (e, ports) = make(used);
        using (var cmd = Command("INSERT INTO endpoints(id, network_id, container_id, address, mac, veth, sandbox, address6) VALUES($i,$n,$c,$a,$m,$v,$s,$a6)", tx,
            ("$i", e.Id), ("$n", e.NetworkId), ("$c", e.ContainerId), ("$a", e.Address), ("$m", e.Mac), ("$v", e.Veth), ("$s", e.Sandbox), ("$a6", e.Address6)))
            cmd.ExecuteNonQuery();
        foreach (var p in ports)
        {
            using var cmd = Command("INSERT INTO published_ports(endpoint_id, proto, host_ip, host_port, container_port) VALUES($e,$p,$h,$hp,$cp)", tx,
                ("$e", e.Id), ("$p", p.Proto), ("$h", p.HostIp), ("$hp", p.HostPort), ("$cp", p.ContainerPort));
            cmd.ExecuteNonQuery();
        }
        return (e, ports);
    }, durable: false);

    /// <summary>Every endpoint, or those of one container.</summary>
    public List<EndpointRecord> ListEndpoints(string? containerId = null) => Read(_ =>
    {
        using var cmd = Command("SELECT id, network_id, container_id, address, mac, veth, sandbox, address6 FROM endpoints WHERE $c IS NULL OR container_id=$c",
            null, ("$c", containerId));
        using var r = cmd.ExecuteReader();
        var list = new List<EndpointRecord>();
        while (r.Read())
            list.Add(new EndpointRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6))
                { Address6 = r.IsDBNull(7) ? null : r.GetString(7) });
        return list;
    });

    public List<PublishedPortRecord> ListPublishedPorts() => Read(_ =>
    {
        using var cmd = Command("SELECT endpoint_id, proto, host_ip, host_port, container_port FROM published_ports ORDER BY host_port");
        using var r = cmd.ExecuteReader();
        var list = new List<PublishedPortRecord>();
        while (r.Read()) list.Add(new PublishedPortRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetInt32(4)));
        return list;
    });

    /// <summary>Removes an endpoint and its published ports (the address is free again).</summary>
    public void DeleteEndpoint(string id) => Write(tx =>
    {
        using var cmd = Command("DELETE FROM endpoints WHERE id=$i", tx, ("$i", id));
        cmd.ExecuteNonQuery();
    }, durable: false);

    /// <summary>The tables, then the IPv6 columns added after the first release (networks.subnet6/gateway6, endpoints.address6).</summary>
    private void MigrateNetworks()
    {
        Exec(NetworkSchema);
        foreach (var (table, column) in new[] { ("networks", "subnet6"), ("networks", "gateway6"), ("endpoints", "address6") })
        {
            bool present;
            using (var cmd = Command($"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name='{column}'"))
                present = Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
            if (!present) Exec($"ALTER TABLE {table} ADD COLUMN {column} TEXT");
        }
    }
}
