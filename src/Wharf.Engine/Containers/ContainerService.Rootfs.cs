using Wharf.Api.Models;
using Wharf.Engine.Layers;
using Wharf.Engine.Native;

namespace Wharf.Engine.Containers;

/// <summary>The container's root: the overlay mount and the generated hostname, hosts and resolv.conf files.</summary>
public sealed partial class ContainerService
{
    private void MountRootfs(Container c, string rootfs)
    {
        var d = c.Doc.GraphDriver.Data;
        var lower = d["LowerDir"];
        if (IsMounted(rootfs)) return;
        // A single-layer image still needs an overlay: lowerdir=layer, upperdir=container's changes.
        try
        {
            OverlayMount.Mount(rootfs, lower.Split(':'), d["UpperDir"], d["WorkDir"], _images.Layers.Root);
        }
        catch (WharfException e)
        {
            throw new WharfException($"mounting the container's root filesystem: {e.Message}", 500, e);
        }
        // Private: what `cp` mounts under it (volumes, binds) stays in the host's view and never reaches the container.
        Libc.Mount("none", rootfs, "", MsPrivate, null);
    }

    private const ulong MsPrivate = 1 << 18;

    private static bool IsMounted(string path) =>
        File.ReadLines("/proc/self/mountinfo").Any(l => l.Split(' ')[4] == path);

    private void Unmount(Container c)
    {
        var rootfs = Path.Combine(Dir(c.Id), "rootfs");
        if (IsMounted(rootfs)) Libc.Umount2(rootfs, 0);
        if (IsMounted(rootfs)) Libc.Umount2(rootfs, Libc.MNT_DETACH);
    }

    private void WriteGeneratedFiles(Container c, IReadOnlyList<string> linkHosts)
    {
        var cfg = c.Doc.Config!;
        var hostname = cfg.Hostname ?? c.Id[..12];
        // Rewritten in place (not renamed): they are bind-mounted into a running container.
        File.WriteAllText(c.Doc.HostnamePath, hostname + "\n");
        // Host mode shares the host's network: its hosts file (unless extra hosts are asked for) and
        // resolv.conf as they are, local resolvers included, as Docker does.
        var hostMode = c.Doc.HostConfig?.NetworkMode == "host";
        var hosts = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n";
        if (hostMode && c.Doc.HostConfig?.ExtraHosts is not { Count: > 0 } && File.Exists("/etc/hosts")) hosts = File.ReadAllText("/etc/hosts");
        foreach (var extra in c.Doc.HostConfig?.ExtraHosts ?? [])
        {
            var i = extra.IndexOf(':');
            if (i > 0) hosts += $"{extra[(i + 1)..]}\t{extra[..i]}\n";
        }
        foreach (var line in linkHosts) hosts += line + "\n";
        File.WriteAllText(c.Doc.HostsPath, hosts);
        var dns = c.Doc.HostConfig?.Dns is { Count: > 0 } d ? d : _options.Dns;
        var resolv = dns.Count > 0 ? string.Concat(dns.Select(s => $"nameserver {s}\n"))
            : !File.Exists("/etc/resolv.conf") ? ""
            : hostMode ? File.ReadAllText("/etc/resolv.conf")
            : string.Join('\n', File.ReadAllLines("/etc/resolv.conf").Where(l => !l.Contains("127.0.0."))) + "\n";
        File.WriteAllText(c.Doc.ResolvConfPath, resolv);
    }
}
