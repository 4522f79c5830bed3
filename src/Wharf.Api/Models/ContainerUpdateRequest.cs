using System.Text.Json.Serialization;

namespace Wharf.Api.Models;

/// <summary>
/// The body of POST /containers/{id}/update as the client sends it (swagger: Resources + RestartPolicy). Only
/// what the user set is written: for the daemon a zero or missing field means "leave unchanged".
/// </summary>
public sealed class ContainerUpdateRequest
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public int BlkioWeight { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public long CpuShares { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public long CpuPeriod { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public long CpuQuota { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public long CpuRealtimePeriod { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public long CpuRealtimeRuntime { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? CpusetCpus { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? CpusetMems { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public long Memory { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public long MemoryReservation { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public long MemorySwap { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public long NanoCpus { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? PidsLimit { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public RestartPolicy? RestartPolicy { get; set; }
}
