using System.Globalization;
using Wharf.Api.Models;
using Wharf.Engine.Build;

namespace Wharf.Engine.Volumes;

/// <summary>
/// Docker's Linux mount parser: -v specs ([source:]destination[:mode]), --mount objects and --volumes-from
/// specs, with its validation and its error messages. Pure: nothing on disk is touched, except that a
/// --mount bind source must exist.
/// </summary>
public static class MountParser
{
    private static readonly HashSet<string> Propagations = new(StringComparer.Ordinal)
    {
        "private", "rprivate", "shared", "rshared", "slave", "rslave",
    };

    // Files in /proc that may be mounted over (what runc allows, e.g. for lxcfs).
    private static readonly HashSet<string> ProcFilesAllowed = new(StringComparer.Ordinal)
    {
        "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat", "/proc/swaps", "/proc/uptime",
        "/proc/loadavg", "/proc/slabinfo", "/proc/net/dev", "/proc/sys/kernel/ns_last_pid",
    };

    /// <summary>Whether a -v mode ("ro,z,rshared") is valid: known words, at most one of each kind.</summary>
    public static bool ValidMode(string mode)
    {
        if (mode.Length == 0) return true;
        int rw = 0, label = 0, propagation = 0, copy = 0, consistency = 0;
        foreach (var o in mode.Split(','))
        {
            switch (o)
            {
                case "rw" or "ro": rw++; break;
                case "z" or "Z": label++; break;
                case "nocopy": copy++; break;
                case "consistent" or "cached" or "delegated" or "default": consistency++; break;
                default:
                    if (Propagations.Contains(o)) propagation++;
                    else return false;
                    break;
            }
        }
        return rw <= 1 && label <= 1 && propagation <= 1 && copy <= 1 && consistency <= 1;
    }

    private static bool HasWord(string mode, string word) => mode.Split(',').Contains(word);

    /// <summary>A HostConfig.Binds entry: `name:/dst`, `/host:/dst[:mode]` or `/dst`.</summary>
    public static MountRequest ParseBind(string raw)
    {
        var parts = raw.Split(':', 4);
        if (parts[0].Length == 0) throw InvalidSpec(raw);
        string source = "", target, mode = "";
        switch (parts.Length)
        {
            case 1:
                target = parts[0];
                break;
            case 2:
                // A destination and a mode is not a volume: volumes cannot have a mode without a source.
                if (ValidMode(parts[1])) throw InvalidSpec(raw);
                (source, target) = (parts[0], parts[1]);
                break;
            case 3:
                (source, target, mode) = (parts[0], parts[1], parts[2]);
                break;
            default:
                throw InvalidSpec(raw);
        }
        if (!ValidMode(mode)) throw new BadRequestException($"invalid mode: {mode}");
        var type = source.StartsWith('/') ? "bind" : "volume";
        var readOnly = HasWord(mode, "ro");
        var propagation = mode.Split(',').FirstOrDefault(Propagations.Contains) ?? "";
        if (type == "bind" && HasWord(mode, "nocopy")) throw new BadRequestException($"invalid mode: {mode}");
        try
        {
            var destination = ValidateTarget(type, target);
            if (type == "volume" && source.Length == 0 && readOnly)
                throw MountConfig(type, "must not set ReadOnly mode when using anonymous volumes");
            if (type == "bind") source = Clean(source);
            return new MountRequest(type, source, destination, readOnly, mode,
                type == "bind" && propagation.Length == 0 ? "rprivate" : propagation,
                NoCopy: HasWord(mode, "nocopy"), CreateSource: true);
        }
        catch (BadRequestException e)
        {
            throw new BadRequestException($"invalid volume specification: '{raw}': {e.Message}", e);
        }
    }

    /// <summary>A HostConfig.Mounts entry (--mount). <paramref name="sourceExists"/> is asked about bind sources.</summary>
    public static MountRequest FromApi(Mount m, Func<string, bool> sourceExists)
    {
        var type = m.Type ?? "";
        var source = m.Source ?? "";
        switch (type)
        {
            case "bind":
            {
                var destination = ValidateTarget(type, m.Target);
                if (source.Length == 0) throw MountConfig(type, "field Source must not be empty");
                if (!source.StartsWith('/')) throw MountConfig(type, $"invalid mount path: '{source}' mount path must be absolute");
                if (m.VolumeOptions is not null) throw MountConfig(type, "field VolumeOptions must not be specified");
                if (m.TmpfsOptions is not null) throw MountConfig(type, "field TmpfsOptions must not be specified");
                var b = m.BindOptions;
                var propagation = b?.Propagation ?? "";
                if (propagation.Length > 0 && !Propagations.Contains(propagation))
                    throw MountConfig(type, $"invalid propagation mode: {propagation}");
                var create = b?.CreateMountpoint == true;
                source = Clean(source);
                if (!create && !sourceExists(source)) throw MountConfig(type, $"bind source path does not exist: {source}");
                return new MountRequest(type, source, destination, m.ReadOnly, "", propagation.Length == 0 ? "rprivate" : propagation,
                    NonRecursive: b?.NonRecursive == true, CreateSource: create);
            }
            case "volume":
            {
                var destination = ValidateTarget(type, m.Target);
                if (m.BindOptions is not null) throw MountConfig(type, "field BindOptions must not be specified");
                if (m.TmpfsOptions is not null) throw MountConfig(type, "field TmpfsOptions must not be specified");
                if (source.Length == 0 && m.ReadOnly) throw MountConfig(type, "must not set ReadOnly mode when using anonymous volumes");
                var v = m.VolumeOptions;
                if (v?.DriverConfig?.Name is { Length: > 0 } driver && driver != "local")
                    throw new BadRequestException($"error looking up volume plugin {driver}: plugin \"{driver}\" not found");
                var subpath = v?.Subpath;
                if (!string.IsNullOrEmpty(subpath))
                {
                    if (subpath.StartsWith('/') || subpath.Split('/').Contains(".."))
                        throw MountConfig(type, $"subpath must be a relative path within the volume: {subpath}");
                }
                return new MountRequest(type, source, destination, m.ReadOnly, "", "", NoCopy: v?.NoCopy == true)
                {
                    VolumeOptions = v?.DriverConfig?.Options,
                    VolumeLabels = v?.Labels,
                    Subpath = string.IsNullOrEmpty(subpath) ? null : subpath,
                };
            }
            case "tmpfs":
            {
                var destination = ValidateTarget(type, m.Target);
                if (source.Length > 0) throw MountConfig(type, "field Source must not be specified");
                if (m.BindOptions is not null) throw MountConfig(type, "field BindOptions must not be specified");
                if (m.VolumeOptions is not null) throw MountConfig(type, "field VolumeOptions must not be specified");
                var t = m.TmpfsOptions;
                if (t is { SizeBytes: < 0 }) throw MountConfig(type, $"invalid tmpfs size: {t.SizeBytes}");
                var options = new List<string>();
                if (t is { SizeBytes: > 0 }) options.Add("size=" + (t.SizeBytes / 1024).ToString(CultureInfo.InvariantCulture) + "k");
                if (t is { Mode: > 0 }) options.Add("mode=" + Convert.ToString(t.Mode, 8));
                foreach (var o in t?.Options ?? [])
                {
                    if (o.Count == 1) options.Add(o[0]);
                    else if (o.Count == 2) options.Add(o[0] + "=" + o[1]);
                    else throw MountConfig(type, "tmpfs options must be a flag or a key and a value");
                }
                if (m.ReadOnly) options.Add("ro");
                return new MountRequest(type, "", destination, m.ReadOnly) { TmpfsOptions = options };
            }
            case "":
                throw MountConfig(type, "mount type unknown");
            default:
                throw MountConfig(type, "mount type unknown");
        }
    }

    /// <summary>A HostConfig.VolumesFrom entry: `container[:ro|rw]`.</summary>
    public static (string Container, string Mode) ParseVolumesFrom(string spec)
    {
        if (spec.Length == 0) throw new BadRequestException("volumes-from specification cannot be an empty string");
        var parts = spec.Split(':', 2);
        var mode = "rw";
        if (parts.Length == 2)
        {
            mode = parts[1];
            if (!ValidMode(mode) || mode.Split(',').Any(o => Propagations.Contains(o) || o == "nocopy"))
                throw new BadRequestException($"invalid mode: {mode}");
        }
        return (parts[0], mode);
    }

    /// <summary>The destination, cleaned, or Docker's error: empty, relative, "/" or (as runc refuses) inside /proc.</summary>
    public static string ValidateTarget(string type, string? target)
    {
        if (string.IsNullOrEmpty(target)) throw MountConfig(type, "field Target must not be empty");
        if (!target.StartsWith('/')) throw MountConfig(type, $"invalid mount path: '{target}' mount path must be absolute");
        var clean = Clean(target);
        if (clean == "/") throw MountConfig(type, "invalid specification: destination can't be '/'");
        if ((clean == "/proc" || clean.StartsWith("/proc/", StringComparison.Ordinal)) && !ProcFilesAllowed.Contains(clean))
            throw MountConfig(type, $"invalid mount path: '{clean}' cannot be mounted because it is inside /proc");
        return clean;
    }

    /// <summary>Go's path.Clean.</summary>
    public static string Clean(string path) => UnixPath.Clean(path);

    private static BadRequestException InvalidSpec(string raw) => new($"invalid volume specification: '{raw}'");

    private static BadRequestException MountConfig(string type, string message) =>
        new($"invalid mount config for type \"{type}\": {message}");
}
