namespace Wharf.Engine.Networking.Firewall;

/// <summary>
/// A bridge network as the firewall sees it: internal ones reach nothing outside their bridge; without
/// masquerade their traffic leaves with container addresses; without icc their containers cannot talk
/// to each other.
/// </summary>
/// <see cref="Subnet6"/>: the network's IPv6 subnet when it has one (its ip6 isolation and masquerade).
public sealed record FirewallNetwork(string Bridge, Ipv4Subnet Subnet, bool Internal, bool Masquerade = true, bool Icc = true, string? Subnet6 = null);

/// <summary>Traffic to <see cref="HostIp"/>:<see cref="HostPort"/> (HostIp 0.0.0.0: any local address) goes to the container.</summary>
public sealed record PortForward(string Proto, string HostIp, int HostPort, string ContainerIp, int ContainerPort);

/// <summary>
/// The daemon's packet filtering: one table of its own, changed in atomic batches. Everything is
/// idempotent, so start-up can simply state what should be there.
/// </summary>
public interface IFirewall
{
    /// <summary>Replaces the whole table in one transaction: isolation and masquerade per network, forwards for published ports.</summary>
    Task ResetAsync(IReadOnlyList<FirewallNetwork> networks, IReadOnlyList<PortForward> forwards, CancellationToken ct);

    Task AddForwardsAsync(IReadOnlyList<PortForward> forwards, CancellationToken ct);

    /// <summary>Removes forwards; ones already gone are ignored.</summary>
    Task RemoveForwardsAsync(IReadOnlyList<PortForward> forwards, CancellationToken ct);

    /// <summary>Deletes the table (tests, and a daemon being uninstalled).</summary>
    Task DeleteAsync(CancellationToken ct);
}
