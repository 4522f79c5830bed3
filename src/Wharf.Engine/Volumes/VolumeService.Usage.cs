using Wharf.Engine.Metadata;
using Wharf.Api.Models;
using Wharf.Engine.Native;

namespace Wharf.Engine.Volumes;

public sealed partial class VolumeService
{
    private readonly HashSet<string> _measuring = new(StringComparer.Ordinal);

    /// <summary>
    /// The volumes for GET /system/df, with sizes from the metadata store. Sizes are kept up to date
    /// incrementally: a volume is measured (its own tree only) when it is created, filled by copy-up or
    /// `cp`, and when a container that used it stops — never by walking every volume on each call.
    /// A volume a running container writes to shows its size as of its last measurement.
    /// </summary>
    public List<Volume> DiskUsage()
    {
        var list = new List<Volume>();
        foreach (var v in All())
        {
            var api = ToApi(v);
            api.UsageData = new VolumeUsageData { Size = SizeOf(v), RefCount = UsersOf(v.Name).Count };
            list.Add(api);
        }
        return list;
    }

    /// <summary>The recorded size, measured now if it never was.</summary>
    private long SizeOf(VolumeRecord v)
    {
        if (v.Size >= 0) return v.Size;
        return Measure(v.Name);
    }

    /// <summary>Measures a volume's data now and records the size.</summary>
    internal long Measure(string name)
    {
        var size = TreeSize(DataPath(name));
        lock (_lock)
        {
            if (!_volumes.TryGetValue(name, out var v)) return size;
            _volumes[name] = v with { Size = size };
        }
        _db.SetVolumeSize(name, size);
        return size;
    }

    /// <summary>Schedules a measurement of the volumes in the background (coalesced per volume).</summary>
    internal void MeasureLater(IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            lock (_measuring)
            {
                if (!_measuring.Add(name)) continue;
            }
            _ = Task.Run(() =>
            {
                try
                {
                    lock (_measuring) _measuring.Remove(name);
                    Measure(name);
                }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            });
        }
    }

    /// <summary>Bytes of the regular files under a directory (hard links counted once), without following links or leaving the filesystem.</summary>
    internal static long TreeSize(string root)
    {
        if (!Libc.TryLstat(root, out var top)) return 0;
        long total = 0;
        var seen = new HashSet<(ulong, ulong)>();
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            IEnumerable<string> entries;
            try { entries = Directory.EnumerateFileSystemEntries(dir); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            foreach (var e in entries)
            {
                if (!Libc.TryLstat(e, out var st)) continue;
                if (st.IsDirectory)
                {
                    if (st.DevMajor == top.DevMajor && st.DevMinor == top.DevMinor) pending.Push(e);
                    continue;
                }
                if (!st.IsRegular) continue;
                if (st.NLink > 1 && !seen.Add((st.Ino, ((ulong)st.DevMajor << 32) | st.DevMinor))) continue;
                total += (long)st.Size;
            }
        }
        return total;
    }
}
