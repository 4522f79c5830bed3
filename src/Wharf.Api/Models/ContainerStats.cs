using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Wharf.Api.Models;

/// <summary>
/// One frame of <c>GET /containers/{id}/stats</c>. Field names are snake_case as Docker emits them
/// (moby api/types/container StatsResponse); fields Docker marks <c>omitempty</c> are left out when zero.
/// </summary>
public sealed class ContainerStats
{
    /// <summary>Time of this sample (RFC 3339 with nanoseconds, like Go).</summary>
    [JsonPropertyName("read"), JsonConverter(typeof(GoTimeJsonConverter))]
    public DateTime Read { get; set; }

    /// <summary>Time of the previous sample; Go's zero time when there is none (one-shot).</summary>
    [JsonPropertyName("preread"), JsonConverter(typeof(GoTimeJsonConverter))]
    public DateTime PreRead { get; set; }

    [JsonPropertyName("pids_stats")]
    public PidsStats PidsStats { get; set; } = new();

    [JsonPropertyName("blkio_stats")]
    public BlkioStats BlkioStats { get; set; } = new();

    /// <summary>Windows only; always 0 on Linux.</summary>
    [JsonPropertyName("num_procs")]
    public uint NumProcs { get; set; }

    /// <summary>Windows only; empty on Linux.</summary>
    [JsonPropertyName("storage_stats")]
    public StorageStats StorageStats { get; set; } = new();

    [JsonPropertyName("cpu_stats")]
    public CpuStats CpuStats { get; set; } = new();

    [JsonPropertyName("precpu_stats")]
    public CpuStats PreCpuStats { get; set; } = new();

    [JsonPropertyName("memory_stats")]
    public MemoryStats MemoryStats { get; set; } = new();

    [JsonPropertyName("name"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; set; }

    [JsonPropertyName("id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Id { get; set; }

    /// <summary>Per-interface counters, keyed by the interface name inside the container (eth0...).</summary>
    [JsonPropertyName("networks"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, ContainerNetworkStats>? Networks { get; set; }
}

public sealed class PidsStats
{
    [JsonPropertyName("current"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Current { get; set; }

    /// <summary>pids.max; 0 (left out) when unlimited.</summary>
    [JsonPropertyName("limit"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Limit { get; set; }
}

public sealed class BlkioStatEntry
{
    [JsonPropertyName("major")]
    public ulong Major { get; set; }

    [JsonPropertyName("minor")]
    public ulong Minor { get; set; }

    [JsonPropertyName("op")]
    public string Op { get; set; } = "";

    [JsonPropertyName("value")]
    public ulong Value { get; set; }
}

/// <summary>Block I/O counters; lists Docker does not fill are null (as Docker sends them).</summary>
public sealed class BlkioStats
{
    [JsonPropertyName("io_service_bytes_recursive")]
    public List<BlkioStatEntry>? IoServiceBytesRecursive { get; set; }

    [JsonPropertyName("io_serviced_recursive")]
    public List<BlkioStatEntry>? IoServicedRecursive { get; set; }

    [JsonPropertyName("io_queue_recursive")]
    public List<BlkioStatEntry>? IoQueuedRecursive { get; set; }

    [JsonPropertyName("io_service_time_recursive")]
    public List<BlkioStatEntry>? IoServiceTimeRecursive { get; set; }

    [JsonPropertyName("io_wait_time_recursive")]
    public List<BlkioStatEntry>? IoWaitTimeRecursive { get; set; }

    [JsonPropertyName("io_merged_recursive")]
    public List<BlkioStatEntry>? IoMergedRecursive { get; set; }

    [JsonPropertyName("io_time_recursive")]
    public List<BlkioStatEntry>? IoTimeRecursive { get; set; }

    [JsonPropertyName("sectors_recursive")]
    public List<BlkioStatEntry>? SectorsRecursive { get; set; }
}

public sealed class StorageStats
{
    [JsonPropertyName("read_count_normalized"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong ReadCountNormalized { get; set; }

    [JsonPropertyName("read_size_bytes"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong ReadSizeBytes { get; set; }

    [JsonPropertyName("write_count_normalized"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong WriteCountNormalized { get; set; }

    [JsonPropertyName("write_size_bytes"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong WriteSizeBytes { get; set; }
}

public sealed class CpuUsage
{
    /// <summary>Total CPU time consumed, nanoseconds.</summary>
    [JsonPropertyName("total_usage")]
    public ulong TotalUsage { get; set; }

    /// <summary>Per-CPU time, nanoseconds (cgroup v1 only; left out on v2).</summary>
    [JsonPropertyName("percpu_usage"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<ulong>? PercpuUsage { get; set; }

    [JsonPropertyName("usage_in_kernelmode")]
    public ulong UsageInKernelmode { get; set; }

    [JsonPropertyName("usage_in_usermode")]
    public ulong UsageInUsermode { get; set; }
}

public sealed class ThrottlingData
{
    [JsonPropertyName("periods")]
    public ulong Periods { get; set; }

    [JsonPropertyName("throttled_periods")]
    public ulong ThrottledPeriods { get; set; }

    /// <summary>Nanoseconds.</summary>
    [JsonPropertyName("throttled_time")]
    public ulong ThrottledTime { get; set; }
}

public sealed class CpuStats
{
    [JsonPropertyName("cpu_usage")]
    public CpuUsage CpuUsage { get; set; } = new();

    /// <summary>Host CPU time since boot from /proc/stat, nanoseconds (as Docker computes it).</summary>
    [JsonPropertyName("system_cpu_usage"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong SystemCpuUsage { get; set; }

    [JsonPropertyName("online_cpus"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public uint OnlineCpus { get; set; }

    [JsonPropertyName("throttling_data")]
    public ThrottlingData ThrottlingData { get; set; } = new();
}

public sealed class MemoryStats
{
    [JsonPropertyName("usage"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Usage { get; set; }

    /// <summary>cgroup v1 only.</summary>
    [JsonPropertyName("max_usage"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong MaxUsage { get; set; }

    /// <summary>Raw memory.stat keys and values.</summary>
    [JsonPropertyName("stats"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, ulong>? Stats { get; set; }

    /// <summary>cgroup v1 only.</summary>
    [JsonPropertyName("failcnt"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Failcnt { get; set; }

    [JsonPropertyName("limit"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Limit { get; set; }
}

public sealed class ContainerNetworkStats
{
    [JsonPropertyName("rx_bytes")]
    public ulong RxBytes { get; set; }

    [JsonPropertyName("rx_packets")]
    public ulong RxPackets { get; set; }

    [JsonPropertyName("rx_errors")]
    public ulong RxErrors { get; set; }

    [JsonPropertyName("rx_dropped")]
    public ulong RxDropped { get; set; }

    [JsonPropertyName("tx_bytes")]
    public ulong TxBytes { get; set; }

    [JsonPropertyName("tx_packets")]
    public ulong TxPackets { get; set; }

    [JsonPropertyName("tx_errors")]
    public ulong TxErrors { get; set; }

    [JsonPropertyName("tx_dropped")]
    public ulong TxDropped { get; set; }

    [JsonPropertyName("endpoint_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? EndpointId { get; set; }

    [JsonPropertyName("instance_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? InstanceId { get; set; }
}

/// <summary>
/// Writes times as Go's RFC 3339 with nanoseconds does ("2015-01-08T22:57:31.547920715Z", trailing
/// zeros trimmed; zero time as "0001-01-01T00:00:00Z"); reads any ISO 8601 time.
/// </summary>
public sealed class GoTimeJsonConverter : JsonConverter<DateTime>
{
    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string? s = reader.GetString();
        if (string.IsNullOrEmpty(s))
        {
            return default;
        }
        // .NET parses at most 7 fractional digits; Go writes up to 9.
        int dot = s.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            int end = dot + 1;
            while (end < s.Length && char.IsAsciiDigit(s[end]))
            {
                end++;
            }
            if (end - dot - 1 > 7)
            {
                s = string.Concat(s.AsSpan(0, dot + 8), s.AsSpan(end));
            }
        }
        return DateTime.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
    }

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options)
        => writer.WriteStringValue(Format(value));

    /// <summary>Formats like Go's time.RFC3339Nano in UTC.</summary>
    public static string Format(DateTime value)
    {
        DateTime utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value;
        string s = utc.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);
        long ticks = utc.Ticks % TimeSpan.TicksPerSecond;
        if (ticks != 0)
        {
            s += "." + (ticks * 100).ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
        }
        return s + "Z";
    }
}
