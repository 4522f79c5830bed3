using System.Globalization;
using System.Text.Json.Nodes;
using Wharf.Api.Models;
using Wharf.Cli.Commands;

namespace Wharf.Cli.Output;

/// <summary>One container's numbers as `stats` shows them (docker's StatsEntry).</summary>
public sealed record StatsEntry
{
    /// <summary>What the user named (or the ID when listing all).</summary>
    public string Container { get; init; } = "";
    public string Name { get; init; } = "";
    public string Id { get; init; } = "";
    public double CpuPercentage { get; init; }
    public double Memory { get; init; }
    public double MemoryLimit { get; init; }
    public double MemoryPercentage { get; init; }
    public double NetworkRx { get; init; }
    public double NetworkTx { get; init; }
    public double BlockRead { get; init; }
    public double BlockWrite { get; init; }
    public ulong PidsCurrent { get; init; }
    public bool IsInvalid { get; init; }

    /// <summary>docker's calculations from one stats frame (Linux): CPU against the host, memory without the page cache.</summary>
    public static StatsEntry From(string container, ContainerStats v)
    {
        var mem = MemUsageNoCache(v.MemoryStats);
        double rx = 0, tx = 0;
        foreach (var n in v.Networks?.Values ?? Enumerable.Empty<ContainerNetworkStats>())
        {
            rx += n.RxBytes;
            tx += n.TxBytes;
        }
        ulong read = 0, write = 0;
        foreach (var e in v.BlkioStats.IoServiceBytesRecursive ?? [])
        {
            if (e.Op.Length == 0) continue;
            switch (e.Op[0])
            {
                case 'r' or 'R': read += e.Value; break;
                case 'w' or 'W': write += e.Value; break;
            }
        }
        return new StatsEntry
        {
            Container = container,
            Name = v.Name ?? "",
            Id = v.Id ?? "",
            CpuPercentage = CpuPercent(v.PreCpuStats, v.CpuStats),
            Memory = mem,
            MemoryLimit = v.MemoryStats.Limit,
            MemoryPercentage = v.MemoryStats.Limit != 0 ? mem / v.MemoryStats.Limit * 100.0 : 0,
            NetworkRx = rx,
            NetworkTx = tx,
            BlockRead = read,
            BlockWrite = write,
            PidsCurrent = v.PidsStats.Current,
        };
    }

    static double CpuPercent(CpuStats previous, CpuStats current)
    {
        var cpuDelta = (double)current.CpuUsage.TotalUsage - previous.CpuUsage.TotalUsage;
        var systemDelta = (double)current.SystemCpuUsage - previous.SystemCpuUsage;
        double online = current.OnlineCpus;
        if (online == 0) online = current.CpuUsage.PercpuUsage?.Count ?? 0;
        return systemDelta > 0 && cpuDelta > 0 ? cpuDelta / systemDelta * online * 100.0 : 0;
    }

    static double MemUsageNoCache(MemoryStats mem)
    {
        var stats = mem.Stats ?? [];
        if (stats.TryGetValue("total_inactive_file", out var v1) && v1 < mem.Usage) return mem.Usage - v1;
        if (stats.TryGetValue("inactive_file", out var v2) && v2 < mem.Usage) return mem.Usage - v2;
        return mem.Usage;
    }
}

/// <summary>docker's stats formatter: field names, headers and the Linux table.</summary>
public static class StatsRows
{
    public const string DefaultTable = "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}";

    public static JsonObject Header() => new()
    {
        ["Container"] = "CONTAINER",
        ["Name"] = "NAME",
        ["ID"] = "CONTAINER ID",
        ["CPUPerc"] = "CPU %",
        ["MemUsage"] = "MEM USAGE / LIMIT",
        ["MemPerc"] = "MEM %",
        ["NetIO"] = "NET I/O",
        ["BlockIO"] = "BLOCK I/O",
        ["PIDs"] = "PIDS",
    };

    public static string Format(string? source) => string.IsNullOrEmpty(source) || source == Formatter.TableKey ? DefaultTable : source;

    const string NoValue = "--";

    public static JsonObject Row(StatsEntry s, bool trunc)
    {
        var name = s.Name.StartsWith('/') ? s.Name[1..] : s.Name;
        return new JsonObject
        {
            ["BlockIO"] = s.IsInvalid ? NoValue : Size(s.BlockRead) + " / " + Size(s.BlockWrite),
            ["CPUPerc"] = s.IsInvalid ? NoValue : Percent(s.CpuPercentage),
            ["Container"] = s.Container,
            ["ID"] = trunc ? Common.TruncateId(s.Id) : s.Id,
            ["MemPerc"] = s.IsInvalid ? NoValue : Percent(s.MemoryPercentage),
            ["MemUsage"] = s.IsInvalid ? "-- / --" : HumanUnits.BytesSize(s.Memory) + " / " + HumanUnits.BytesSize(s.MemoryLimit),
            ["Name"] = name.Length > 0 ? name : NoValue,
            ["NetIO"] = s.IsInvalid ? NoValue : Size(s.NetworkRx) + " / " + Size(s.NetworkTx),
            ["PIDs"] = s.IsInvalid ? NoValue : s.PidsCurrent.ToString(CultureInfo.InvariantCulture),
        };
    }

    static string Size(double v) => HumanUnits.HumanSizeWithPrecision(v, 3);

    static string Percent(double v) => v.ToString("F2", CultureInfo.InvariantCulture) + "%";
}
