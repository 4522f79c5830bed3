using System.Globalization;
using System.Text.Json;
using Wharf.Api.Json;
using Wharf.Api.Models;
using Wharf.Engine.Native;

namespace Wharf.Engine.Containers.Filesystem;

/// <summary>
/// The `X-Docker-Container-Path-Stat` header: a stat of a path inside a container as base64 JSON, with the
/// mode in Go's os.FileMode bits (the docker CLI tests them: ModeDir, ModeSymlink) and the time in Go's RFC 3339.
/// </summary>
public static class PathStatHeader
{
    public const string Name = "X-Docker-Container-Path-Stat";

    // Go's os.FileMode type bits, as the API model defines them.
    public const uint ModeDir = ContainerPathStat.ModeDir;
    public const uint ModeSymlink = ContainerPathStat.ModeSymlink;
    public const uint ModeDevice = ContainerPathStat.ModeDevice;
    public const uint ModeNamedPipe = ContainerPathStat.ModeNamedPipe;
    public const uint ModeSocket = ContainerPathStat.ModeSocket;
    public const uint ModeSetuid = ContainerPathStat.ModeSetuid;
    public const uint ModeSetgid = ContainerPathStat.ModeSetgid;
    public const uint ModeCharDevice = ContainerPathStat.ModeCharDevice;
    public const uint ModeSticky = ContainerPathStat.ModeSticky;

    /// <summary>A Unix st_mode in Go's os.FileMode encoding (what Go's os.Lstat reports).</summary>
    public static uint GoFileMode(uint unixMode)
    {
        uint mode = unixMode & 0x1FF;
        mode |= (unixMode & Libc.S_IFMT) switch
        {
            Libc.S_IFBLK => ModeDevice,
            Libc.S_IFCHR => ModeDevice | ModeCharDevice,
            Libc.S_IFDIR => ModeDir,
            Libc.S_IFIFO => ModeNamedPipe,
            Libc.S_IFLNK => ModeSymlink,
            Libc.S_IFSOCK => ModeSocket,
            _ => 0,
        };
        if ((unixMode & 0x400) != 0) mode |= ModeSetgid;
        if ((unixMode & 0x800) != 0) mode |= ModeSetuid;
        if ((unixMode & 0x200) != 0) mode |= ModeSticky;
        return mode;
    }

    /// <summary>Go's time.RFC3339Nano in UTC: trailing zeros of the fraction dropped, no fraction when whole.</summary>
    public static string GoTime(long seconds, uint nanoseconds)
    {
        var t = DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime;
        var text = t.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        if (nanoseconds != 0) text += "." + nanoseconds.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
        return text + "Z";
    }

    /// <summary>The stat of a path from its statx, named as Docker names it (the last element of the asked path).</summary>
    internal static ContainerPathStat FromStat(string name, in Libc.StatX st, string linkTarget) => new()
    {
        Name = name,
        Size = (long)st.Size,
        Mode = GoFileMode(st.Mode),
        Mtime = GoTime(st.MTime.Seconds, st.MTime.Nanoseconds),
        LinkTarget = linkTarget,
    };

    public static string Encode(ContainerPathStat stat) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(stat, WharfJsonContext.Default.ContainerPathStat));

    /// <summary>Decodes a header value; throws <see cref="FormatException"/> when it is not base64 JSON of a stat.</summary>
    public static ContainerPathStat Decode(string header)
    {
        try
        {
            return JsonSerializer.Deserialize(Convert.FromBase64String(header), WharfJsonContext.Default.ContainerPathStat)
                ?? throw new FormatException("path stat header is null");
        }
        catch (JsonException e)
        {
            throw new FormatException($"invalid path stat header: {e.Message}", e);
        }
    }
}
