using Wharf.Api.Models;
using Wharf.Engine.Runtime;

namespace Wharf.Engine.Containers;

/// <summary>
/// The network modes the network service does not plumb: `none` gives the container its own network
/// namespace with only `lo` (the runtime brings it up), `host` leaves it in the host's, and
/// `container:&lt;id|name&gt;` joins the namespace of another running container and shares its
/// hostname, hosts and resolv.conf files, as Docker does. `default`, `bridge` and user-defined networks
/// are set up by Networking/NetworkService.
/// </summary>
public sealed partial class ContainerService
{
    private const string ContainerModePrefix = "container:";

    /// <summary>Docker's create-time checks of the network and UTS modes against the rest of the request (400).</summary>
    private static void ValidateNetworkMode(ContainerCreateRequest request, HostConfig hc)
    {
        var mode = hc.NetworkMode ?? "";
        if (mode == "container" || mode.StartsWith(ContainerModePrefix, StringComparison.Ordinal))
        {
            if (mode.Length <= ContainerModePrefix.Length)
                throw new BadRequestException("invalid network mode: invalid container format container:<name|id>");
            if (!string.IsNullOrEmpty(request.Hostname))
                throw new BadRequestException("conflicting options: hostname and the network mode");
            if (hc.Links is { Count: > 0 })
                throw new BadRequestException("conflicting options: container type network can't be used with links. This would result in undefined behavior");
            if (hc.Dns is { Count: > 0 })
                throw new BadRequestException("conflicting options: dns and the network mode");
            if (hc.ExtraHosts is { Count: > 0 })
                throw new BadRequestException("conflicting options: custom host-to-IP mapping and the network mode");
            if (hc.PortBindings is { Count: > 0 } || hc.PublishAllPorts)
                throw new BadRequestException("conflicting options: port publishing and the container type network mode");
            if (request.ExposedPorts is { Count: > 0 })
                throw new BadRequestException("conflicting options: port exposing and the container type network mode");
        }
        if (hc.UTSMode == "host" && !string.IsNullOrEmpty(request.Hostname))
            throw new BadRequestException("conflicting options: hostname and the UTS mode");
        if (mode == "host" && hc.Links is { Count: > 0 })
            throw new BadRequestException("conflicting options: host type networking can't be used with links. This would result in undefined behavior");
    }

    /// <summary>The hostname a container gets when none is asked for: the host's in host mode, else the short id.</summary>
    private static string DefaultHostname(HostConfig hc, string id) =>
        hc.NetworkMode == "host" ? HostHostname() : id[..12];

    /// <summary>The host's name as the kernel has it (not cut at the first dot).</summary>
    private static string HostHostname()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/hostname").Trim();
        }
        catch (IOException)
        {
            return Environment.MachineName;
        }
    }

    /// <summary>
    /// For `container:` mode, at start: the container to join, which must run. Its hostname and its
    /// hostname, hosts and resolv.conf files become this container's (inspect shows them). Null otherwise.
    /// </summary>
    private Container? JoinNetworkContainer(Container c)
    {
        var mode = c.Doc.HostConfig?.NetworkMode ?? "";
        if (!mode.StartsWith(ContainerModePrefix, StringComparison.Ordinal))
        {
            return null;
        }
        var name = mode[ContainerModePrefix.Length..];
        Container target;
        try
        {
            target = Get(name);
        }
        catch (NotFoundException e)
        {
            throw new WharfException($"joining network namespace of container: {e.Message}");
        }
        if (target.Id == c.Id)
        {
            throw new WharfException("cannot join own network namespace");
        }
        if (!target.State.Running)
        {
            throw new ConflictException($"cannot join network namespace of a non running container: container {target.Name} is {target.State.Status}");
        }
        c.Doc.HostnamePath = target.Doc.HostnamePath;
        c.Doc.HostsPath = target.Doc.HostsPath;
        c.Doc.ResolvConfPath = target.Doc.ResolvConfPath;
        c.Doc.Config!.Hostname = target.Doc.Config?.Hostname;
        c.Doc.Config.Domainname = target.Doc.Config?.Domainname;
        return target;
    }

    /// <summary>
    /// Resolves `container:` namespace modes to /proc/&lt;pid&gt;/ns/&lt;type&gt; of the running target.
    /// At create the target is not looked up (Docker checks it at start), so a placeholder stands in.
    /// </summary>
    private sealed class ContainerNamespaces(ContainerService service, bool atCreate) : INamespaceResolver
    {
        public string GetNamespacePath(string container, string namespaceType)
        {
            var file = namespaceType == "network" ? "net" : namespaceType;
            if (atCreate)
            {
                return "/proc/self/ns/" + file;
            }
            var target = service.Get(container);
            if (!target.State.Running || target.State.Pid <= 0)
            {
                throw new ConflictException($"container {container} is not running");
            }
            return $"/proc/{target.State.Pid}/ns/{file}";
        }
    }
}
