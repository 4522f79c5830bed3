using System.Runtime.InteropServices;
using Wharf.Engine.Native;

namespace Wharf.Engine.Volumes;

public sealed partial class VolumeService
{
    // Volumes with driver options (tmpfs, a bind of a host directory, a device) are mounted on their _data
    // while at least one running container uses them: how many do.
    private readonly Dictionary<string, int> _mounts = new(StringComparer.Ordinal);

    /// <summary>
    /// The host path to bind into a container for the volume, mounting a volume with driver options on
    /// its _data first (counted: every call needs one <see cref="Unmount"/>).
    /// </summary>
    internal string Mount(string name)
    {
        var v = Get(name);
        var options = LocalDriverOptions.Parse(name, Options(v));
        var data = DataPath(name);
        if (options is null) return data;
        lock (_lock)
        {
            var count = _mounts.GetValueOrDefault(name);
            if (count == 0 && !IsMountPoint(data))
            {
                var (flags, mountData) = options.MountArguments();
                var type = options.IsBind ? "none" : options.Type;
                if (Libc.Mount(options.Device, data, type, flags, mountData.Length == 0 ? null : mountData) != 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    throw new WharfException($"error while mounting volume '{data}': failed to mount local volume: mount {options.Device}:{data}, flags: 0x{flags:x}, data: {mountData}: {Libc.Error("mount", data, errno).Message}");
                }
            }
            _mounts[name] = count + 1;
        }
        return data;
    }

    /// <summary>Gives back one <see cref="Mount"/>; the last one unmounts a volume with driver options.</summary>
    internal void Unmount(string name)
    {
        lock (_lock)
        {
            if (!_mounts.TryGetValue(name, out var count)) return;
            if (count > 1)
            {
                _mounts[name] = count - 1;
                return;
            }
            _mounts.Remove(name);
            UnmountData(name);
        }
    }

    /// <summary>
    /// After a daemon restart: the containers still running hold one mount each of their volumes; a volume
    /// mounted on its _data that no running container uses is unmounted.
    /// </summary>
    public void Reconcile(IEnumerable<string> usedByRunning)
    {
        lock (_lock)
        {
            _mounts.Clear();
            foreach (var name in usedByRunning)
            {
                if (_volumes.ContainsKey(name)) _mounts[name] = _mounts.GetValueOrDefault(name) + 1;
            }
            foreach (var name in _volumes.Keys)
            {
                if (!_mounts.ContainsKey(name)) UnmountData(name);
            }
        }
    }

    private void UnmountData(string name)
    {
        var data = DataPath(name);
        if (!IsMountPoint(data)) return;
        if (Libc.Umount2(data, 0) != 0) Libc.Umount2(data, Libc.MNT_DETACH);
    }

    private static bool IsMountPoint(string path) =>
        File.ReadLines("/proc/self/mountinfo").Any(l => l.Split(' ')[4] == path);
}
