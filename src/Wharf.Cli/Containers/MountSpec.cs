using Wharf.Api.Models;
using Wharf.Cli.Parsing;

namespace Wharf.Cli.Containers;

/// <summary>`--mount` (opts.MountOpt) and `-v`/`--volume` (the compose volume spec) as the docker CLI reads them.</summary>
public static class MountSpec
{
    /// <summary>Parses one --mount value; throws <see cref="FormatException"/> with docker's message.</summary>
    public static Mount ParseMount(string value)
    {
        var m = new Mount { Type = "volume" };
        MountVolumeOptions Vol() => m.VolumeOptions ??= new MountVolumeOptions { Labels = [], DriverConfig = new MountDriverConfig() };
        MountBindOptions Bind() => m.BindOptions ??= new MountBindOptions();
        MountTmpfsOptions Tmpfs() => m.TmpfsOptions ??= new MountTmpfsOptions();
        static void SetOnMap(Dictionary<string, string> target, string kv)
        {
            var eq = kv.IndexOf('=');
            var k = eq < 0 ? kv : kv[..eq];
            if (k.Length > 0) target[k] = eq < 0 ? "" : kv[(eq + 1)..];
        }
        foreach (var field in CsvRecord.Parse(value))
        {
            var eq = field.IndexOf('=');
            var key = (eq < 0 ? field : field[..eq]).ToLowerInvariant();
            var val = eq < 0 ? "" : field[(eq + 1)..];
            if (eq < 0)
            {
                switch (key)
                {
                    case "readonly" or "ro": m.ReadOnly = true; continue;
                    case "volume-nocopy": Vol().NoCopy = true; continue;
                    case "bind-nonrecursive": Bind().NonRecursive = true; continue;
                    default: throw new FormatException($"invalid field '{field}' must be a key=value pair");
                }
            }
            switch (key)
            {
                case "type": m.Type = val.ToLowerInvariant(); break;
                case "source" or "src": m.Source = AbsoluteIfRelative(val); break;
                case "target" or "dst" or "destination": m.Target = val; break;
                case "readonly" or "ro": m.ReadOnly = ParseBool(key, val); break;
                case "consistency": m.Consistency = val.ToLowerInvariant(); break;
                case "bind-propagation": Bind().Propagation = val.ToLowerInvariant(); break;
                case "bind-nonrecursive": Bind().NonRecursive = ParseBool(key, val); break;
                case "bind-recursive":
                    switch (val)
                    {
                        case "enabled": break;
                        case "disabled": Bind().NonRecursive = true; break;
                        case "writable": Bind().ReadOnlyNonRecursive = true; break;
                        case "readonly": Bind().ReadOnlyForceRecursive = true; break;
                        default: throw new FormatException($"invalid value for {key}: {val} (must be \"enabled\", \"disabled\", \"writable\", or \"readonly\")");
                    }
                    break;
                case "volume-subpath": Vol().Subpath = val; break;
                case "volume-nocopy":
                    Vol().NoCopy = ParsedFlags.ParseBool(val) ?? throw new FormatException($"invalid value for volume-nocopy: {val}");
                    break;
                case "volume-label": SetOnMap(Vol().Labels!, val); break;
                case "volume-driver": Vol().DriverConfig!.Name = val; break;
                case "volume-opt": SetOnMap(Vol().DriverConfig!.Options ??= [], val); break;
                case "image-subpath": (m.ImageOptions ??= new MountImageOptions()).Subpath = val; break;
                case "tmpfs-size":
                    Tmpfs().SizeBytes = ByteSize.TryParse(val, out var size, out _) ? size : throw new FormatException($"invalid value for {key}: {val}");
                    break;
                case "tmpfs-mode":
                    Tmpfs().Mode = GoStrconv.TryParseUint(val, 8, 32, out var mode, out _) ? (int)mode : throw new FormatException($"invalid value for {key}: {val}");
                    break;
                default: throw new FormatException($"unexpected key '{key}' in '{field}'");
            }
        }
        if (string.IsNullOrEmpty(m.Type)) throw new FormatException("type is required");
        if (string.IsNullOrEmpty(m.Target)) throw new FormatException("target is required");
        if (m.VolumeOptions is not null && m.Type != "volume") throw new FormatException($"cannot mix 'volume-*' options with mount type '{m.Type}'");
        if (m.ImageOptions is not null && m.Type != "image") throw new FormatException($"cannot mix 'image-*' options with mount type '{m.Type}'");
        if (m.BindOptions is not null && m.Type != "bind") throw new FormatException($"cannot mix 'bind-*' options with mount type '{m.Type}'");
        if (m.TmpfsOptions is not null && m.Type != "tmpfs") throw new FormatException($"cannot mix 'tmpfs-*' options with mount type '{m.Type}'");
        if (m.BindOptions is { ReadOnlyNonRecursive: true } && !m.ReadOnly)
            throw new FormatException("option 'bind-recursive=writable' requires 'readonly' to be specified in conjunction");
        if (m.BindOptions is { ReadOnlyForceRecursive: true })
        {
            if (!m.ReadOnly) throw new FormatException("option 'bind-recursive=readonly' requires 'readonly' to be specified in conjunction");
            if (m.BindOptions.Propagation != "rprivate")
                throw new FormatException("option 'bind-recursive=readonly' requires 'bind-propagation=rprivate' to be specified in conjunction");
        }
        return m;
    }

    static bool ParseBool(string key, string val) =>
        ParsedFlags.ParseBool(val) ?? throw new FormatException($"invalid value for {key}: {val}");

    static string AbsoluteIfRelative(string path) =>
        !Path.IsPathRooted(path) && path.StartsWith('.') ? Path.GetFullPath(path) : path;

    /// <summary>A flag validator for --mount.</summary>
    public static string? Validate(string value)
    {
        try
        {
            ParseMount(value);
            return null;
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }

    /// <summary>The compose volume spec behind -v: [source:]target[:options]; what matters to the CLI is whether it binds.</summary>
    public sealed record VolumeSpec(string Source, string Target, string Type);

    /// <summary>loader.ParseVolume; throws <see cref="FormatException"/> ("invalid spec: x: too many colons").</summary>
    public static VolumeSpec ParseVolume(string spec)
    {
        if (spec.Length == 0) throw new FormatException("invalid empty volume spec");
        if (spec.Length <= 2) return new VolumeSpec("", spec, "volume");
        string source = "", target = "";
        var buffer = new System.Text.StringBuilder();
        var chars = spec + '\0';
        foreach (var c in chars)
        {
            if (c == ':' && buffer.Length == 1 && char.IsLetter(buffer[0]))
            {
                buffer.Append(c);
                continue;
            }
            if (c is not (':' or '\0'))
            {
                buffer.Append(c);
                continue;
            }
            var text = buffer.ToString();
            buffer.Clear();
            string? error = null;
            if (text.Length == 0) error = "empty section between colons";
            else if (source.Length == 0 && c == '\0') target = text;
            else if (source.Length == 0) source = text;
            else if (target.Length == 0) target = text;
            else if (c == ':') error = "too many colons";
            if (error is not null) throw new FormatException($"invalid spec: {spec}: {error}");
        }
        var type = source.Length > 0 && IsFilePath(source) ? "bind" : "volume";
        return new VolumeSpec(source, target, type);
    }

    static bool IsFilePath(string source)
    {
        if (source[0] is '.' or '/' or '~') return true;
        if (source.Length == 1) return false;
        if (source.StartsWith(@"\\", StringComparison.Ordinal)) return true;
        return source.Length > 1 && char.IsLetter(source[0]) && source[1] == ':';
    }
}
