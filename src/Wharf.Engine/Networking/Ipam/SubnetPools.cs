using System.Globalization;
using Wharf.Api.Models;

namespace Wharf.Engine.Networking.Ipam;

/// <summary>The address pools networks get their subnets from: daemon.json `default-address-pools`, or Docker's defaults.</summary>
public static class SubnetPools
{
    /// <summary>Docker's defaults: 172.17.0.0/16 to 172.31.0.0/16, then 192.168.0.0/16 in /20 blocks.</summary>
    public static IReadOnlyList<AddressPool> Defaults { get; } =
    [
        .. Enumerable.Range(17, 15).Select(i => new AddressPool { Base = $"172.{i.ToString(CultureInfo.InvariantCulture)}.0.0/16", Size = 16 }),
        new AddressPool { Base = "192.168.0.0/16", Size = 20 },
    ];

    /// <summary>Every subnet the pools offer, in order.</summary>
    public static IEnumerable<Ipv4Subnet> Candidates(IReadOnlyList<AddressPool> pools)
    {
        foreach (var pool in pools)
        {
            if (!Ipv4Subnet.TryParse(pool.Base, out var b, out _)) throw new FormatException($"invalid address pool base: {pool.Base}");
            if (pool.Size < b.PrefixLength || pool.Size > 30)
                throw new FormatException($"invalid address pool size {pool.Size} for {pool.Base}: it must be between {b.PrefixLength} and 30");
            var step = 1UL << (32 - pool.Size);
            for (ulong a = b.Network; a <= b.Broadcast; a += step) yield return new Ipv4Subnet((uint)a, pool.Size);
        }
    }

    /// <summary>The first subnet of the pools that overlaps nothing in <paramref name="taken"/>, or null.</summary>
    public static Ipv4Subnet? FirstFree(IReadOnlyList<AddressPool> pools, IReadOnlyCollection<Ipv4Subnet> taken) =>
        Candidates(pools).Cast<Ipv4Subnet?>().FirstOrDefault(c => !taken.Any(t => t.Overlaps(c!.Value)));
}
