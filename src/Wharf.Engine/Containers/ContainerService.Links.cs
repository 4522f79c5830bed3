using System.Globalization;
using Wharf.Api.Models;

namespace Wharf.Engine.Containers;

/// <summary>
/// Legacy links (<c>--link name:alias</c>). On the default bridge, as Docker: hosts entries for the alias,
/// the target's hostname and name, and the <c>ALIAS_PORT_*</c>, <c>ALIAS_NAME</c>, <c>ALIAS_ENV_*</c>
/// variables, resolved at each start from the target's current address. On a user-defined network a link
/// is only an extra name for the target that this container's embedded DNS answers (NetworkService.Dns).
/// </summary>
public sealed partial class ContainerService
{
    /// <summary>One link: the target as given and the alias it is known by.</summary>
    internal readonly record struct LinkSpec(string Target, string Alias);

    /// <summary>"name", "name:alias", and the stored form "/name:/parent/alias".</summary>
    internal static LinkSpec ParseLink(string link)
    {
        var colon = link.IndexOf(':');
        var target = (colon < 0 ? link : link[..colon]).TrimStart('/');
        var alias = colon < 0 ? target : link[(colon + 1)..];
        alias = alias[(alias.LastIndexOf('/') + 1)..];
        if (target.Length == 0 || alias.Length == 0) throw new BadRequestException($"invalid link format: {link}");
        return new LinkSpec(target, alias);
    }

    /// <summary>At create: each link's target exists and can be linked to (Docker's 400s).</summary>
    private void ValidateLinks(IEnumerable<string>? links)
    {
        foreach (var link in links ?? [])
        {
            var spec = ParseLink(link);
            if (!TryGet(spec.Target, out var target))
                throw new BadRequestException($"could not get container for {spec.Target}: No such container: {spec.Target}");
            if (target.Doc.HostConfig?.NetworkMode == "host")
                throw new BadRequestException("conflicting options: host type networking can't be used with links. This would result in undefined behavior");
        }
    }

    /// <summary>Docker keeps links as "/target:/parent/alias".</summary>
    private void NormaliseLinks(HostConfig hc, string parentName)
    {
        if (hc.Links is not { Count: > 0 } links) return;
        hc.Links = [.. links.Select(l =>
        {
            var spec = ParseLink(l);
            return $"/{Get(spec.Target).Name}:/{parentName}/{spec.Alias}";
        })];
    }

    private bool TryGet(string idOrName, out Container container)
    {
        try
        {
            container = Get(idOrName);
            return true;
        }
        catch (NotFoundException)
        {
            container = null!;
            return false;
        }
    }

    /// <summary>
    /// At start: the hosts lines and environment the default bridge's links give. A link to a container
    /// that is not running fails the start, as in Docker.
    /// </summary>
    private (List<string> HostsLines, List<string> Env) ResolveLinks(Container c)
    {
        var hosts = new List<string>();
        var env = new List<string>();
        var onBridge = c.Doc.NetworkSettings?.Networks?.ContainsKey(Networking.NetworkService.DefaultNetworkName) == true;
        foreach (var link in onBridge ? c.Doc.HostConfig?.Links ?? [] : [])
        {
            var spec = ParseLink(link);
            if (!TryGet(spec.Target, out var target) || !target.State.Running)
                throw new WharfException($"Cannot link to a non running container: /{spec.Target} AS /{c.Name}/{spec.Alias}");
            var ip = target.Doc.NetworkSettings?.Networks?.GetValueOrDefault(Networking.NetworkService.DefaultNetworkName)?.IPAddress;
            if (string.IsNullOrEmpty(ip)) continue;
            hosts.Add($"{ip}\t{HostNames(spec.Alias, target)}");
            env.AddRange(LinkEnvironment(spec.Alias, $"/{c.Name}/{spec.Alias}", ip, target));
        }
        return (hosts, env);
    }

    private static string HostNames(string alias, Container target)
    {
        var names = new List<string> { alias };
        if (target.Doc.Config?.Hostname is { Length: > 0 } h && h != alias) names.Add(h);
        if (target.Name != alias && target.Name != target.Doc.Config?.Hostname) names.Add(target.Name);
        return string.Join(' ', names);
    }

    /// <summary>The variables Docker sets for a legacy link, from the target's exposed ports and environment.</summary>
    internal static IEnumerable<string> LinkEnvironment(string alias, string fullName, string ip, Container target)
    {
        var prefix = alias.ToUpperInvariant().Replace('-', '_');
        var ports = new SortedSet<(int Port, string Proto)>();
        foreach (var key in (target.Doc.Config?.ExposedPorts?.Keys ?? Enumerable.Empty<string>())
                     .Concat(target.Doc.HostConfig?.PortBindings?.Keys ?? Enumerable.Empty<string>()))
        {
            var slash = key.IndexOf('/');
            var proto = slash < 0 ? "tcp" : key[(slash + 1)..];
            if (int.TryParse(slash < 0 ? key : key[..slash], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
                ports.Add((port, proto));
        }
        if (ports.Count > 0)
        {
            var (firstPort, firstProto) = ports.Min;
            yield return $"{prefix}_PORT={firstProto}://{ip}:{firstPort}";
        }
        foreach (var (port, proto) in ports)
        {
            var p = $"{prefix}_PORT_{port}_{proto.ToUpperInvariant()}";
            yield return $"{p}={proto}://{ip}:{port}";
            yield return $"{p}_ADDR={ip}";
            yield return $"{p}_PORT={port}";
            yield return $"{p}_PROTO={proto}";
        }
        yield return $"{prefix}_NAME={fullName}";
        foreach (var e in target.Doc.Config?.Env ?? [])
        {
            var eq = e.IndexOf('=');
            if (eq <= 0) continue;
            var name = e[..eq];
            if (name is "HOME" or "PATH") continue;
            yield return $"{prefix}_ENV_{name}={e[(eq + 1)..]}";
        }
    }

    /// <summary>DELETE /containers/{parent}/{alias}?link=1: drops the link, the containers stay.</summary>
    public Task RemoveLinkAsync(string name)
    {
        var full = name.StartsWith('/') ? name : "/" + name;
        var slash = full.LastIndexOf('/');
        if (slash == 0) throw new ConflictException("Conflict, cannot remove the default link name of the container");
        var parentName = full[1..slash];
        var alias = full[(slash + 1)..];
        if (!TryGet(parentName, out var parent)) throw new NotFoundException($"Cannot get parent /{parentName} for link name {full}");
        var links = parent.Doc.HostConfig?.Links ?? [];
        var kept = links.Where(l => ParseLink(l).Alias != alias).ToList();
        if (kept.Count == links.Count) throw new NotFoundException($"No such link: {full}");
        parent.Doc.HostConfig!.Links = kept;
        Save(parent);
        return Task.CompletedTask;
    }
}
