using System.Text.Json;
using Wharf.Api.Json;
using Wharf.Api.Models;
using Wharf.Engine.Cgroups;
using Wharf.Engine.Runtime;

namespace Wharf.Engine.Containers;

public sealed partial class ContainerService
{
    /// <summary>
    /// POST /containers/{id}/update with Docker's rules: only fields given (non-zero) change, NanoCpus and
    /// CpuPeriod/CpuQuota exclude each other across updates, a memory limit above the current memory+swap limit
    /// needs a new swap limit too, a --rm container keeps restart policy "no". A running (or paused)
    /// container gets the new limits in its cgroup at once; if that fails, nothing is changed.
    /// </summary>
    /// <param name="restartPolicy">The new restart policy, or null when the request has none (or an empty name).</param>
    public async Task<ContainerUpdateResponse> UpdateAsync(string idOrName, HostConfig resources, RestartPolicy? restartPolicy, CancellationToken ct)
    {
        var c = Get(idOrName);
        // Both 0 and -1 mean unlimited for an update (Docker keeps 0).
        if (resources.PidsLimit is <= 0) resources.PidsLimit = 0;
        ResourceTranslator.Validate(resources, HostLimits.Instance, update: true);
        if (restartPolicy is not null) ValidateRestartPolicy(restartPolicy);

        await c.Lock.WaitAsync(ct);
        try
        {
            var hc = c.Doc.HostConfig ??= new HostConfig();
            var backup = JsonSerializer.SerializeToUtf8Bytes(hc, WharfJsonContext.Default.HostConfig);
            try
            {
                Merge(c, hc, resources, restartPolicy);
                if (c.State.Running) _cgroups.Value.ApplyUpdate(CgroupsOf(c), ToResourceUpdate(resources));
            }
            catch (Exception e) when (e is WharfException or IOException or UnauthorizedAccessException or NotSupportedException)
            {
                c.Doc.HostConfig = JsonSerializer.Deserialize(backup, WharfJsonContext.Default.HostConfig);
                if (e is WharfException) throw;
                throw new WharfException($"Cannot update container {c.Id}: {e.Message}", 500, e);
            }
            Save(c);
        }
        finally { c.Lock.Release(); }
        Publish(c, "update");
        return new ContainerUpdateResponse { Warnings = [] };
    }

    private static void ValidateRestartPolicy(RestartPolicy p)
    {
        if (p.Name is not ("no" or "always" or "on-failure" or "unless-stopped"))
            throw new BadRequestException($"invalid restart policy: unknown policy '{p.Name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'");
        if (p.MaximumRetryCount < 0)
            throw new BadRequestException("invalid restart policy: maximum retry count cannot be negative");
        if (p.Name != "on-failure" && p.MaximumRetryCount != 0)
            throw new BadRequestException("invalid restart policy: maximum retry count can only be used with 'on-failure'");
    }

    /// <summary>Docker's Container.UpdateContainer: the given fields onto the container's HostConfig, or a conflict.</summary>
    private static void Merge(Container c, HostConfig hc, HostConfig r, RestartPolicy? restartPolicy)
    {
        if (r.NanoCpus > 0 && hc.CpuPeriod > 0) throw Conflict(c, "Conflicting options: Nano CPUs cannot be updated as CPU Period has already been set");
        if (r.NanoCpus > 0 && hc.CpuQuota > 0) throw Conflict(c, "Conflicting options: Nano CPUs cannot be updated as CPU Quota has already been set");
        if (r.CpuPeriod > 0 && hc.NanoCpus > 0) throw Conflict(c, "Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set");
        if (r.CpuQuota > 0 && hc.NanoCpus > 0) throw Conflict(c, "Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set");
        if (r.BlkioWeight != 0) hc.BlkioWeight = r.BlkioWeight;
        if (r.BlkioWeightDevice is not null) hc.BlkioWeightDevice = r.BlkioWeightDevice;
        if (r.BlkioDeviceReadBps is not null) hc.BlkioDeviceReadBps = r.BlkioDeviceReadBps;
        if (r.BlkioDeviceWriteBps is not null) hc.BlkioDeviceWriteBps = r.BlkioDeviceWriteBps;
        if (r.BlkioDeviceReadIOps is not null) hc.BlkioDeviceReadIOps = r.BlkioDeviceReadIOps;
        if (r.BlkioDeviceWriteIOps is not null) hc.BlkioDeviceWriteIOps = r.BlkioDeviceWriteIOps;
        if (r.CpuShares != 0) hc.CpuShares = r.CpuShares;
        if (r.NanoCpus != 0) hc.NanoCpus = r.NanoCpus;
        if (r.CpuPeriod != 0) hc.CpuPeriod = r.CpuPeriod;
        if (r.CpuQuota != 0) hc.CpuQuota = r.CpuQuota;
        if (!string.IsNullOrEmpty(r.CpusetCpus)) hc.CpusetCpus = r.CpusetCpus;
        if (!string.IsNullOrEmpty(r.CpusetMems)) hc.CpusetMems = r.CpusetMems;
        if (r.Memory != 0)
        {
            if (r.Memory > hc.MemorySwap && r.MemorySwap == 0)
                throw Conflict(c, "Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time");
            hc.Memory = r.Memory;
        }
        if (r.MemorySwap != 0) hc.MemorySwap = r.MemorySwap;
        if (r.MemoryReservation != 0) hc.MemoryReservation = r.MemoryReservation;
        if (hc.Memory > 0 && hc.MemoryReservation > hc.Memory)
            throw new BadRequestException("Minimum memory limit can not be less than memory reservation limit, see usage");
        if (r.CpuRealtimePeriod != 0) hc.CpuRealtimePeriod = r.CpuRealtimePeriod;
        if (r.CpuRealtimeRuntime != 0) hc.CpuRealtimeRuntime = r.CpuRealtimeRuntime;
        if (r.PidsLimit is not null) hc.PidsLimit = r.PidsLimit;
        if (restartPolicy is not null)
        {
            if (hc.AutoRemove && restartPolicy.Name != "no")
                throw Conflict(c, "Restart policy cannot be updated because AutoRemove is enabled for the container");
            hc.RestartPolicy = new RestartPolicy { Name = restartPolicy.Name, MaximumRetryCount = restartPolicy.MaximumRetryCount };
        }
    }

    private static ConflictException Conflict(Container c, string message) => new($"Cannot update container {c.Id}: {message}");

    /// <summary>The cgroup writes for the fields the request sets (the others stay as they are).</summary>
    private static ResourceUpdate ToResourceUpdate(HostConfig r) => new()
    {
        Memory = r.Memory != 0 ? r.Memory : null,
        MemorySwap = r.MemorySwap != 0 ? r.MemorySwap : null,
        MemoryReservation = r.MemoryReservation != 0 ? r.MemoryReservation : null,
        CpuShares = r.CpuShares != 0 ? r.CpuShares : null,
        CpuPeriod = r.CpuPeriod != 0 ? r.CpuPeriod : null,
        CpuQuota = r.CpuQuota != 0 ? r.CpuQuota : null,
        NanoCpus = r.NanoCpus != 0 ? r.NanoCpus : null,
        CpusetCpus = string.IsNullOrEmpty(r.CpusetCpus) ? null : r.CpusetCpus,
        CpusetMems = string.IsNullOrEmpty(r.CpusetMems) ? null : r.CpusetMems,
        PidsLimit = r.PidsLimit,
        BlkioWeight = r.BlkioWeight != 0 ? (ushort)r.BlkioWeight : null,
    };
}
