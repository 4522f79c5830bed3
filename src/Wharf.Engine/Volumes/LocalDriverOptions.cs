namespace Wharf.Engine.Volumes;

/// <summary>
/// The local driver's options, as Docker's: `type` (filesystem type, "none" for a bind), `device` (what to mount)
/// and `o` (mount options, comma separated; flags such as ro, bind, nosuid are split from the data such as size=64m).
/// A volume with options is mounted on its _data directory while a container uses it.
/// </summary>
public sealed record LocalDriverOptions(string Type, string Device, string MountOptions)
{
    private static readonly Dictionary<string, string[]> Requires = new(StringComparer.Ordinal)
    {
        ["device"] = ["type"], ["type"] = ["device"], ["o"] = ["device"],
    };

    private static readonly Dictionary<string, (ulong Set, ulong Clear)> Flags = new(StringComparer.Ordinal)
    {
        ["ro"] = (MsRdonly, 0), ["rw"] = (0, MsRdonly), ["nosuid"] = (2, 0), ["suid"] = (0, 2),
        ["nodev"] = (4, 0), ["dev"] = (0, 4), ["noexec"] = (8, 0), ["exec"] = (0, 8),
        ["sync"] = (16, 0), ["async"] = (0, 16), ["noatime"] = (1024, 0), ["atime"] = (0, 1024),
        ["nodiratime"] = (2048, 0), ["diratime"] = (0, 2048), ["bind"] = (MsBind, 0), ["rbind"] = (MsBind | MsRec, 0),
        ["relatime"] = (1 << 21, 0), ["norelatime"] = (0, 1 << 21), ["strictatime"] = (1 << 24, 0),
        ["defaults"] = (0, 0),
    };

    private const ulong MsRdonly = 1, MsBind = 4096, MsRec = 16384;

    /// <summary>Null when the volume is a plain directory (no options).</summary>
    public static LocalDriverOptions? Parse(string name, IReadOnlyDictionary<string, string>? options)
    {
        if (options is null || options.Count == 0) return null;
        foreach (var key in options.Keys)
        {
            if (key is not ("type" or "device" or "o" or "size"))
                throw new BadRequestException($"create {name}: invalid option: \"{key}\"");
        }
        foreach (var (key, needs) in Requires)
        {
            if (!options.ContainsKey(key)) continue;
            foreach (var need in needs)
                if (!options.ContainsKey(need)) throw new BadRequestException($"create {name}: missing required option: \"{need}\"");
        }
        if (options.ContainsKey("size"))
            throw new BadRequestException($"create {name}: quota size requested but no quota support");
        var o = options.GetValueOrDefault("o") ?? "";
        var (flags, _) = Split(o);
        var type = options["type"];
        var device = options["device"];
        if ((flags & MsBind) != 0 && !device.StartsWith('/'))
            throw new BadRequestException($"create {name}: invalid option: \"device\": a bind needs an absolute host path, not {device}");
        if ((flags & MsBind) == 0 && (type is "" or "none"))
            throw new BadRequestException($"create {name}: invalid option: \"type\": {(type.Length == 0 ? "empty" : type)} needs o=bind");
        return new LocalDriverOptions(type, device, o);
    }

    /// <summary>The mount(2) flags and the data string of <see cref="MountOptions"/>.</summary>
    public (ulong Flags, string Data) MountArguments() => Split(MountOptions);

    public bool IsBind => (MountArguments().Flags & MsBind) != 0;

    private static (ulong Flags, string Data) Split(string o)
    {
        ulong flags = 0;
        var data = new List<string>();
        foreach (var part in o.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Flags.TryGetValue(part, out var f))
            {
                flags = (flags | f.Set) & ~f.Clear;
            }
            else
            {
                data.Add(part);
            }
        }
        return (flags, string.Join(',', data));
    }
}
