using Wharf.Api.Models;

namespace Wharf.Engine.Runtime;

/// <summary>How cgroup paths are named for the runtime.</summary>
public enum CgroupDriver
{
    /// <summary>Plain paths: "/&lt;parent&gt;/&lt;id&gt;".</summary>
    Cgroupfs,

    /// <summary>systemd units: "&lt;parent slice&gt;:wharf:&lt;id&gt;".</summary>
    Systemd,
}

/// <summary>A mount prepared by the volume component (binds, volumes, --mount tmpfs), placed by the builder in Docker's order.</summary>
/// <param name="Source">Host path (or "tmpfs" for a tmpfs).</param>
/// <param name="Destination">Absolute path in the container.</param>
/// <param name="Type">"bind" or "tmpfs" (or another filesystem type).</param>
/// <param name="Options">Mount options as the runtime takes them ("rbind", "ro", "rprivate", "size=1m"); a bind without
/// "bind"/"rbind" gets "rbind".</param>
public sealed record UserMount(string Source, string Destination, string Type = "bind", IReadOnlyList<string>? Options = null);

/// <summary>Finds the namespaces of another running container, for `container:&lt;id&gt;` modes.</summary>
public interface INamespaceResolver
{
    /// <summary>
    /// The path of <paramref name="container"/>'s namespace of the given OCI type (network, pid, ipc, uts),
    /// e.g. "/proc/1234/ns/net". Throws when the container does not exist or does not run.
    /// </summary>
    string GetNamespacePath(string container, string namespaceType);
}

/// <summary>Everything <see cref="OciSpecBuilder"/> needs for one container.</summary>
public sealed record OciSpecRequest
{
    /// <summary>The full container id (64 hex); the hostname defaults to its first 12 characters.</summary>
    public required string ContainerId { get; init; }

    /// <summary>The container's Config. When <see cref="ImageConfig"/> is null it must already be merged with the image's
    /// (what `inspect` shows); otherwise the builder merges them with <see cref="ContainerDefaults.Merge"/>.</summary>
    public required ContainerConfig Config { get; init; }

    /// <summary>The image's config, to merge into <see cref="Config"/>; null when Config is already merged.</summary>
    public ContainerConfig? ImageConfig { get; init; }

    public HostConfig HostConfig { get; init; } = new();

    /// <summary>The container's root filesystem on the host (the overlay mount point).</summary>
    public required string RootfsPath { get; init; }

    /// <summary>Generated files bind-mounted at /etc/hostname, /etc/hosts and /etc/resolv.conf; null leaves the image's.</summary>
    public string? HostnamePath { get; init; }
    public string? HostsPath { get; init; }
    public string? ResolvConfPath { get; init; }

    /// <summary>A network namespace prepared for the container (bridge networks); null creates a new empty one.</summary>
    public string? NetworkNamespacePath { get; init; }

    /// <summary>A directory to bind at /dev/shm instead of a new tmpfs (shareable IPC, `--ipc container:`).</summary>
    public string? ShmPath { get; init; }

    /// <summary>Resolves `container:&lt;id&gt;` network, pid, ipc and uts modes.</summary>
    public INamespaceResolver? Namespaces { get; init; }

    /// <summary>Resolved Binds and Mounts, from the volume component.</summary>
    public IReadOnlyList<UserMount> Mounts { get; init; } = [];

    /// <summary>Extra environment placed before the container's own (link variables).</summary>
    public IReadOnlyList<string>? ExtraEnv { get; init; }

    /// <summary>The daemon's cgroup parent, used when HostConfig.CgroupParent is empty.</summary>
    public string CgroupParent { get; init; } = "/wharf";

    public CgroupDriver CgroupDriver { get; init; } = CgroupDriver.Cgroupfs;

    /// <summary>1 or 2.</summary>
    public int CgroupVersion { get; init; } = 1;

    /// <summary>The static init bound at /sbin/docker-init for `--init`.</summary>
    public string InitPath { get; init; } = "/usr/bin/tini-static";

    /// <summary>The daemon's default for `--init` when HostConfig.Init is null.</summary>
    public bool DefaultInit { get; init; }
}
