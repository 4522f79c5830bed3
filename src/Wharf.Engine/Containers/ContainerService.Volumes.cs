using Wharf.Api.Models;
using Wharf.Engine.Native;
using Wharf.Engine.Runtime;
using Wharf.Engine.Volumes;

namespace Wharf.Engine.Containers;

/// <summary>
/// A container's mounts: resolved once at create into its Mounts (what inspect shows) — volumes created or
/// found, anonymous ones for Config.Volumes (the image's VOLUME), --volumes-from copied — then turned into
/// the runtime's mounts at each start.
/// </summary>
public sealed partial class ContainerService
{
    /// <summary>The mounts of a container being created, the volumes this creation made, and the hold on every volume it names.</summary>
    private sealed record ResolvedMounts(List<MountPoint> Points, List<string> CreatedVolumes, List<(string Volume, string Destination)> CopyUp, IDisposable Hold);

    /// <summary>The ids of the containers whose mounts name a volume.</summary>
    internal IReadOnlyList<string> VolumeUsers(string name) =>
        _containers.Values.Where(c => c.Doc.Mounts.Any(m => m.Type == "volume" && m.Name == name)).Select(c => c.Id).ToList();

    private static IEnumerable<string> VolumeNames(Container c) =>
        c.Doc.Mounts.Where(m => m.Type == "volume" && !string.IsNullOrEmpty(m.Name)).Select(m => m.Name!);

    private static List<string> MountDestinations(Container c) => c.Doc.Mounts.Select(m => m.Destination ?? "").Where(d => d.Length > 0).ToList();

    /// <summary>Docker's registerMountPoints: --volumes-from, then -v (which wins over it), --mount, then anonymous volumes.</summary>
    private ResolvedMounts ResolveMounts(ContainerConfig config, HostConfig hc)
    {
        var volumes = Engine.Volumes;
        // 400, not 404: the docker CLI takes a 404 from create for a missing image and would try to pull.
        if (hc.VolumeDriver is { Length: > 0 } driver && driver != "local")
            throw new BadRequestException($"error looking up volume plugin {driver}: plugin \"{driver}\" not found");
        var points = new Dictionary<string, (MountPoint Point, MountRequest? Request)>(StringComparer.Ordinal);
        foreach (var spec in hc.VolumesFrom ?? [])
        {
            var (name, mode) = MountParser.ParseVolumesFrom(spec);
            var source = Get(name);
            foreach (var m in source.Doc.Mounts)
            {
                points[m.Destination ?? ""] = (new MountPoint
                {
                    Type = m.Type, Name = m.Name, Source = m.Source, Destination = m.Destination, Driver = m.Driver,
                    Mode = m.Mode, RW = m.RW && mode.Split(',').Contains("ro") == false, Propagation = m.Propagation,
                }, null);
            }
        }
        var explicitDestinations = new HashSet<string>(StringComparer.Ordinal);
        var requests = new List<MountRequest>();
        foreach (var raw in hc.Binds ?? []) requests.Add(MountParser.ParseBind(raw));
        foreach (var m in hc.Mounts ?? []) requests.Add(MountParser.FromApi(m, p => Path.Exists(p)));
        var tmpfs = (hc.Tmpfs ?? []).Keys.Select(MountParser.Clean).ToHashSet(StringComparer.Ordinal);
        foreach (var r in requests)
        {
            if (!explicitDestinations.Add(r.Destination) || tmpfs.Contains(r.Destination))
                throw new BadRequestException($"Duplicate mount point: {r.Destination}");
            points[r.Destination] = (null!, r);
        }
        var anonymousDestinations = new HashSet<string>(StringComparer.Ordinal);
        foreach (var v in (config.Volumes ?? []).Keys)
        {
            var destination = MountParser.ValidateTarget("volume", v);
            if (points.ContainsKey(destination) || tmpfs.Contains(destination)) continue;
            points[destination] = (null!, new MountRequest("volume", "", destination));
            anonymousDestinations.Add(destination);
        }

        // Names are checked before anything is created, so bad input leaves no volume behind.
        foreach (var (_, (_, r)) in points)
        {
            if (r is { Type: "volume", Source.Length: > 0 }) VolumeName.Validate(r.Source);
        }
        var held = new List<string>();
        var created = new List<string>();
        var copyUp = new List<(string, string)>();
        var result = new List<MountPoint>();
        try
        {
            foreach (var (destination, (point, r)) in points)
            {
                if (r is null)
                {
                    if (point.Type == "volume" && point.Name is { Length: > 0 } n)
                    {
                        volumes.CreateRecord(n, "local", null, null, anonymous: false, hold: true);
                        held.Add(n);
                    }
                    result.Add(point);
                    continue;
                }
                switch (r.Type)
                {
                    case "volume":
                    {
                        var (record, isNew) = volumes.CreateRecord(r.Source, "local", r.VolumeOptions, r.VolumeLabels, anonymous: r.Source.Length == 0, hold: true);
                        held.Add(record.Name);
                        if (isNew) created.Add(record.Name);
                        if (!r.NoCopy) copyUp.Add((record.Name, destination));
                        var fromImage = r.Source.Length == 0 && anonymousDestinations.Contains(destination);
                        result.Add(new MountPoint
                        {
                            Type = "volume", Name = record.Name, Source = volumes.DataPath(record.Name), Destination = destination,
                            Driver = "local", Mode = r.Mode.Length > 0 || fromImage ? r.Mode : "z", RW = !r.ReadOnly, Propagation = r.Propagation,
                        });
                        break;
                    }
                    case "bind":
                        result.Add(new MountPoint
                        {
                            Type = "bind", Source = r.Source, Destination = destination, Mode = r.Mode, RW = !r.ReadOnly, Propagation = r.Propagation,
                        });
                        break;
                    default:
                        result.Add(new MountPoint { Type = r.Type, Source = "", Destination = destination, Mode = "", RW = !r.ReadOnly, Propagation = "" });
                        break;
                }
            }
        }
        catch
        {
            volumes.Unhold(held);
            foreach (var n in created) volumes.TryRemoveUnused(n);
            throw;
        }
        var hold = new HoldRelease(() => volumes.Unhold(held));
        result.Sort((a, b) => string.CompareOrdinal(a.Destination, b.Destination));
        return new ResolvedMounts(result, created, copyUp, hold);
    }

    /// <summary>Copy-up at create, as Docker: each new, empty volume gets the image's content at its mount point.</summary>
    private void CopyUpVolumes(Container c, ResolvedMounts mounts)
    {
        if (mounts.CopyUp.Count == 0) return;
        var rootfs = Path.Combine(Dir(c.Id), "rootfs");
        MountRootfs(c, rootfs);
        try
        {
            foreach (var (volume, destination) in mounts.CopyUp)
            {
                var source = RootfsPath.Resolve(rootfs, destination);
                if (!source.StartsWith(rootfs + "/", StringComparison.Ordinal)) continue;
                var data = Engine.Volumes.Mount(volume);
                try
                {
                    if (VolumeCopier.CopyIfEmpty(source, data)) Engine.Volumes.MeasureLater([volume]);
                }
                catch (IOException e)
                {
                    throw new WharfException($"copying the image's {destination} into volume {volume}: {e.Message}", 500, e);
                }
                finally
                {
                    Engine.Volumes.Unmount(volume);
                }
            }
        }
        finally
        {
            Unmount(c);
        }
    }

    /// <summary>
    /// At start: the runtime's mounts for the container's Mounts. Volumes with driver options are mounted (and
    /// held until the run ends), missing -v bind sources are created, as Docker does.
    /// </summary>
    private List<UserMount> PrepareMounts(Container c)
    {
        var hc = c.Doc.HostConfig!;
        var fromApi = new Dictionary<string, MountRequest>(StringComparer.Ordinal);
        foreach (var m in hc.Mounts ?? [])
        {
            var r = MountParser.FromApi(m, _ => true);
            fromApi[r.Destination] = r;
        }
        var result = new List<UserMount>();
        try
        {
            foreach (var m in c.Doc.Mounts)
            {
                var destination = m.Destination ?? "";
                fromApi.TryGetValue(destination, out var request);
                var propagation = string.IsNullOrEmpty(m.Propagation) ? "rprivate" : m.Propagation;
                switch (m.Type)
                {
                    case "volume":
                    {
                        var source = Engine.Volumes.Mount(m.Name!);
                        c.HeldVolumes.Add(m.Name!);
                        if (request?.Subpath is { } sub)
                        {
                            source = RootfsPath.Resolve(source, sub);
                            if (!Directory.Exists(source) && !File.Exists(source))
                                throw new BadRequestException($"cannot access path {source}: no such file or directory");
                        }
                        result.Add(new UserMount(source, destination, "bind", m.RW ? ["rbind", propagation] : ["rbind", "ro", propagation]));
                        break;
                    }
                    case "bind":
                    {
                        var source = m.Source ?? "";
                        if (!Path.Exists(source))
                        {
                            if (request is not null && !request.CreateSource)
                                throw new BadRequestException($"invalid mount config for type \"bind\": bind source path does not exist: {source}");
                            Directory.CreateDirectory(source);
                        }
                        var bind = request?.NonRecursive == true ? "bind" : "rbind";
                        result.Add(new UserMount(source, destination, "bind", m.RW ? [bind, propagation] : [bind, "ro", propagation]));
                        break;
                    }
                    case "tmpfs":
                    {
                        var options = TmpfsOptions.Merge(["noexec", "nosuid", "nodev", "rprivate", .. request?.TmpfsOptions ?? [], .. m.RW ? Array.Empty<string>() : ["ro"]]);
                        result.Add(new UserMount("tmpfs", destination, "tmpfs", options));
                        break;
                    }
                }
            }
        }
        catch
        {
            ReleaseMounts(c);
            throw;
        }
        return result;
    }

    /// <summary>When a run ends (or its start failed): volumes with options are unmounted when no run uses them; sizes are measured again.</summary>
    private void ReleaseMounts(Container c)
    {
        var held = c.HeldVolumes.ToList();
        c.HeldVolumes.Clear();
        foreach (var name in held) Engine.Volumes.Unmount(name);
        Engine.Volumes.MeasureLater(held.Distinct(StringComparer.Ordinal));
    }

    /// <summary>`rm -v`: the container's anonymous volumes go, unless another container uses them; named volumes stay.</summary>
    private void RemoveAnonymousVolumes(Container c)
    {
        foreach (var name in VolumeNames(c).Distinct(StringComparer.Ordinal))
        {
            if (Engine.Volumes.IsAnonymousVolume(name)) Engine.Volumes.TryRemoveUnused(name);
        }
    }

    /// <summary>
    /// For `cp`: the container's volumes and binds mounted at their places in the host's view of its root
    /// (a private mount, so the running container never sees these); returns the mount points to undo.
    /// </summary>
    private List<string> BindMountsIntoRootfs(Container c, string rootfs)
    {
        var bound = new List<string>();
        foreach (var m in c.Doc.Mounts.Where(m => m.Type is "volume" or "bind").OrderBy(m => m.Destination!.Count(ch => ch == '/')))
        {
            var source = m.Source ?? "";
            if (!Libc.TryLstat(source, out var st)) continue;
            string target;
            try
            {
                target = RootfsPath.Resolve(rootfs, m.Destination!);
                if (!target.StartsWith(rootfs + "/", StringComparison.Ordinal)) continue;
                if (st.IsDirectory) Directory.CreateDirectory(target);
                else if (!File.Exists(target))
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    File.WriteAllBytes(target, []);
                }
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }
            if (Libc.Mount(source, target, "", MsBind | MsRec, null) != 0) continue;
            bound.Add(target);
            if (!m.RW) Libc.Mount("", target, "", MsBind | MsRemount | MsRdonly, null);
        }
        return bound;
    }

    private static void UnmountAll(List<string> bound)
    {
        for (var i = bound.Count - 1; i >= 0; i--)
        {
            if (Libc.Umount2(bound[i], 0) != 0) Libc.Umount2(bound[i], Libc.MNT_DETACH);
        }
    }

    /// <summary>The container's mount that holds an in-container path, if any (the deepest).</summary>
    private static MountPoint? MountHolding(Container c, string path) =>
        c.Doc.Mounts.Where(m => m.Destination is { } d && (path == d || path.StartsWith(d + "/", StringComparison.Ordinal)))
            .OrderByDescending(m => m.Destination!.Length).FirstOrDefault();

    private sealed class HoldRelease(Action release) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) release();
        }
    }

    private const ulong MsRdonly = 1, MsRemount = 32, MsBind = 4096, MsRec = 16384;
}
