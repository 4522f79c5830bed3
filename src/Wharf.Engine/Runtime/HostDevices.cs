using Wharf.Engine.Native;
using Wharf.Engine.Runtime.Spec;

namespace Wharf.Engine.Runtime;

/// <summary>Device nodes of the host; faked in tests.</summary>
public interface IHostDevices
{
    /// <summary>Every device under /dev (what a privileged container gets), as runc would create them.</summary>
    IReadOnlyList<OciLinuxDevice> All();

    /// <summary>The device at a host path (following symlinks), or null when it is not a device node.</summary>
    OciLinuxDevice? Get(string path);
}

/// <summary>The host's /dev, walked like runc's HostDevices: skips pts, shm, mqueue, fd and /dev/console.</summary>
public sealed class HostDevices : IHostDevices
{
    private static readonly HashSet<string> SkippedDirs = new(StringComparer.Ordinal) { "pts", "shm", "fd", "mqueue", ".lxc", ".lxd-mounts", ".udev" };

    public static HostDevices Instance { get; } = new();

    public IReadOnlyList<OciLinuxDevice> All()
    {
        var result = new List<OciLinuxDevice>();
        Walk("/dev", result);
        return result;
    }

    public OciLinuxDevice? Get(string path)
    {
        try
        {
            var resolved = new FileInfo(path).ResolveLinkTarget(true)?.FullName ?? path;
            return Libc.TryLstat(resolved, out var st) ? FromStat(path, st) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static void Walk(string dir, List<OciLinuxDevice> into)
    {
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateFileSystemEntries(dir).Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        foreach (var entry in entries)
        {
            if (!Libc.TryLstat(entry, out var st)) continue;
            if (st.IsDirectory)
            {
                if (!SkippedDirs.Contains(Path.GetFileName(entry))) Walk(entry, into);
                continue;
            }
            if (entry == "/dev/console") continue;
            if (FromStat(entry, st) is { } d) into.Add(d);
        }
    }

    private static OciLinuxDevice? FromStat(string path, Libc.StatX st)
    {
        var type = st.FileType switch
        {
            Libc.S_IFCHR => "c",
            Libc.S_IFBLK => "b",
            Libc.S_IFIFO => "p",
            _ => null,
        };
        if (type is null) return null;
        return new OciLinuxDevice
        {
            Path = path, Type = type, Major = st.RDevMajor, Minor = st.RDevMinor,
            FileMode = (uint)(st.Mode & 0xFFF), Uid = st.Uid, Gid = st.Gid,
        };
    }
}
