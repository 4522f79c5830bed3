using Wharf.Api.Models;

namespace Wharf.Cli.Containers;

/// <summary>--device, --gpus and the block I/O device limits, parsed as the docker CLI parses them for a Linux daemon.</summary>
public static class DeviceSpec
{
    static bool ValidMode(string mode)
    {
        if (mode.Length == 0 || mode.Length > 3) return false;
        var seen = new HashSet<char>();
        return mode.All(c => c is 'r' or 'w' or 'm' && seen.Add(c));
    }

    /// <summary>validateLinuxPath then parseLinuxDevice: "host[:container][:mode]".</summary>
    public static DeviceMapping ParseDevice(string device)
    {
        var validated = ValidateLinuxPath(device);
        var arr = validated.Split(':', 4);
        string src = arr[0], dst = "", permissions = "rwm";
        if (arr.Length == 3) permissions = arr[2];
        if (arr.Length >= 2)
        {
            if (ValidMode(arr[1])) permissions = arr[1];
            else dst = arr[1];
        }
        return new DeviceMapping { PathOnHost = src, PathInContainer = dst.Length == 0 ? src : dst, CgroupPermissions = permissions };
    }

    static string ValidateLinuxPath(string val)
    {
        var split = val.Split(':', 3);
        if (val.Count(c => c == ':') > 2 || split[0].Length == 0) throw new FormatException($"bad format for path: {val}");
        string containerPath;
        switch (split.Length)
        {
            case 1:
                containerPath = split[0];
                val = ArchiveCopy.Clean(containerPath);
                break;
            case 2 when ValidMode(split[1]):
                containerPath = split[0];
                val = ArchiveCopy.Clean(containerPath) + ":" + split[1];
                break;
            case 2:
                containerPath = split[1];
                val = split[0] + ":" + ArchiveCopy.Clean(containerPath);
                break;
            default:
                containerPath = split[1];
                if (!ValidMode(split[2])) throw new FormatException($"bad mode specified: {split[2]}");
                break;
        }
        if (!containerPath.StartsWith('/')) throw new FormatException($"{containerPath} is not an absolute path");
        return val;
    }

    /// <summary>opts.GpuOpts: "all", a count, or "count=,device=,capabilities=,driver=,options=".</summary>
    public static DeviceRequest ParseGpus(string value)
    {
        var req = new DeviceRequest();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in CsvRecord.Parse(value))
        {
            var eq = field.IndexOf('=');
            var key = eq < 0 ? field : field[..eq];
            var val = eq < 0 ? "" : field[(eq + 1)..];
            if (!seen.Add(key)) throw new FormatException($"gpu request key '{key}' can be specified only once");
            if (eq < 0)
            {
                seen.Add("count");
                req.Count = ParseCount(key);
                continue;
            }
            switch (key)
            {
                case "driver": req.Driver = val; break;
                case "count": req.Count = ParseCount(val); break;
                case "device": req.DeviceIDs = [.. val.Split(',')]; break;
                case "capabilities": req.Capabilities = [[.. val.Split(','), "gpu"]]; break;
                case "options":
                    List<string> opts;
                    try { opts = CsvRecord.Parse(val); }
                    catch (FormatException e) { throw new FormatException("failed to read gpu options: " + e.Message); }
                    req.Options = KeyValues.ToMap(opts);
                    break;
                default: throw new FormatException($"unexpected key '{key}' in '{field}'");
            }
        }
        if (!seen.Contains("count") && req.DeviceIDs is null) req.Count = 1;
        req.Options ??= [];
        req.Capabilities ??= [["gpu"]];
        return req;
    }

    static int ParseCount(string s)
    {
        if (s == "all") return -1;
        if (GoStrconv.TryAtoi(s, out var i, out var err)) return i;
        var reason = err.Contains("out of range", StringComparison.Ordinal) ? "value out of range" : "invalid syntax";
        throw new FormatException($"invalid count ({s}): value must be either \"all\" or an integer: {reason}");
    }

    static (string Path, string Value) SplitDevice(string val)
    {
        var colon = val.IndexOf(':');
        if (colon <= 0) throw new FormatException($"bad format: {val}");
        var path = val[..colon];
        if (!path.StartsWith("/dev/", StringComparison.Ordinal)) throw new FormatException($"bad format for device path: {val}");
        return (path, val[(colon + 1)..]);
    }

    /// <summary>opts.ValidateThrottleBpsDevice: "/dev/sda:10mb".</summary>
    public static ThrottleDevice ParseThrottleBps(string val)
    {
        var (path, rate) = SplitDevice(val);
        if (!ByteSize.TryParse(rate, out var bytes, out _) || bytes < 0)
            throw new FormatException($"invalid rate for device: {val}. The correct format is <device-path>:<number>[<unit>]. Number must be a positive integer. Unit is optional and can be kb, mb, or gb");
        return new ThrottleDevice { Path = path, Rate = bytes };
    }

    /// <summary>opts.ValidateThrottleIOpsDevice: "/dev/sda:1000".</summary>
    public static ThrottleDevice ParseThrottleIops(string val)
    {
        var (path, rate) = SplitDevice(val);
        if (!GoStrconv.TryParseUint(rate, 10, 64, out var iops, out _))
            throw new FormatException($"invalid rate for device: {val}. The correct format is <device-path>:<number>. Number must be a positive integer");
        return new ThrottleDevice { Path = path, Rate = (long)iops };
    }

    /// <summary>opts.ValidateWeightDevice: "/dev/sda:200" (10-1000, or 0).</summary>
    public static WeightDevice ParseWeight(string val)
    {
        var (path, weight) = SplitDevice(val);
        if (!GoStrconv.TryParseUint(weight, 10, 16, out var w, out _) || (w > 0 && (w < 10 || w > 1000)))
            throw new FormatException($"invalid weight for device: {val}");
        return new WeightDevice { Path = path, Weight = (int)w };
    }
}
