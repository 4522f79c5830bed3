using Wharf.Api.Models;
using Wharf.Engine.Build;
using Wharf.Engine.Runtime.Spec;

namespace Wharf.Engine.Runtime;

public sealed partial class OciSpecBuilder
{
    private static readonly HashSet<string> KeepWritableWithReadonlyRoot = new(StringComparer.Ordinal)
    {
        "/proc", "/dev/pts", "/dev/shm", "/dev/mqueue", "/dev",
    };

    /// <summary>
    /// Docker's order: the default mounts (minus those a user mount replaces, everything under /dev
    /// when the user mounts /dev, /dev/shm with `--ipc none`), the init binary, then the user mounts
    /// — binds and volumes, `--tmpfs` mounts and the generated /etc files — sorted so that parents
    /// come before their children.
    /// </summary>
    private List<OciMount> BuildMounts(OciSpecRequest req, HostConfig hc, ResolvedNamespaces ns, SecurityOptions security, bool useInit)
    {
        // The user's mounts, tmpfs mounts and the generated files, with their destinations cleaned.
        var user = new List<OciMount>();
        foreach (var m in req.Mounts)
        {
            var dest = CleanDestination(m.Destination);
            var options = (m.Options ?? []).ToList();
            if (m.Type == "bind" && !options.Contains("bind") && !options.Contains("rbind"))
            {
                options.Insert(0, "rbind");
            }
            user.Add(new OciMount { Destination = dest, Type = m.Type, Source = m.Source, Options = options });
        }
        foreach (var (target, data) in hc.Tmpfs ?? [])
        {
            var dest = CleanDestination(target);
            if (user.Any(u => u.Destination == dest))
            {
                throw new BadRequestException($"Duplicate mount point: {dest}");
            }
            var options = TmpfsOptions.Merge(["noexec", "nosuid", "nodev", "rprivate", .. (data ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)]);
            user.Add(new OciMount { Destination = dest, Type = "tmpfs", Source = "tmpfs", Options = options });
        }
        foreach (var (dest, source) in new[] { ("/etc/resolv.conf", req.ResolvConfPath), ("/etc/hostname", req.HostnamePath), ("/etc/hosts", req.HostsPath) })
        {
            if (source is null || user.Any(u => u.Destination == dest)) continue;
            List<string> options = hc.ReadonlyRootfs ? ["rbind", "ro", "rprivate"] : ["rbind", "rprivate"];
            user.Add(new OciMount { Destination = dest, Type = "bind", Source = source, Options = options });
        }
        var sortedUser = user.OrderBy(m => m.Destination == "/" ? 0 : m.Destination.Count(c => c == '/')).ToList();
        var userDestinations = sortedUser.Select(m => m.Destination).ToHashSet(StringComparer.Ordinal);

        var shmSize = hc.ShmSize > 0 ? hc.ShmSize : ContainerDefaults.DefaultShmSize;
        var mountsDev = userDestinations.Contains("/dev");
        var result = new List<OciMount>();
        foreach (var m in DefaultMounts.Create(shmSize))
        {
            if (userDestinations.Contains(m.Destination)) continue;
            if (mountsDev && m.Destination.StartsWith("/dev/", StringComparison.Ordinal)) continue;
            if (m.Destination == "/dev/shm")
            {
                if (ns.IpcNone) continue;
                if (req.ShmPath is not null)
                {
                    result.Add(new OciMount { Destination = "/dev/shm", Type = "bind", Source = req.ShmPath, Options = ["rbind", "rprivate"] });
                    continue;
                }
            }
            if (hc.ReadonlyRootfs && !KeepWritableWithReadonlyRoot.Contains(m.Destination) && m.Options?.Contains("ro") == false)
            {
                m.Options.Add("ro");
            }
            if (m.Destination == "/sys" && hc.Privileged)
            {
                m.Options?.Remove("ro");
            }
            if (m.Type == "cgroup" && (security.WritableCgroups ?? hc.Privileged))
            {
                m.Options?.Remove("ro");
            }
            result.Add(m);
        }
        if (useInit)
        {
            if (!File.Exists(req.InitPath))
            {
                throw new WharfException($"exec: \"docker-init\": executable file not found: {req.InitPath} does not exist (install tini-static)");
            }
            result.Add(new OciMount { Destination = InitPathInContainer, Type = "bind", Source = req.InitPath, Options = ["bind", "ro"] });
        }
        result.AddRange(sortedUser);
        return result;
    }

    private static string CleanDestination(string dest)
    {
        if (!dest.StartsWith('/'))
        {
            throw new BadRequestException($"invalid mount config: mount path must be absolute: {dest}");
        }
        return UnixPath.Clean(dest);
    }
}
