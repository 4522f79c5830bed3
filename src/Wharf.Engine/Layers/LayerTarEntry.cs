namespace Wharf.Engine.Layers;

/// <summary>Kinds of tar entries that can occur in an image layer.</summary>
public enum LayerTarEntryType : byte
{
    RegularFile = (byte)'0',
    HardLink = (byte)'1',
    SymbolicLink = (byte)'2',
    CharacterDevice = (byte)'3',
    BlockDevice = (byte)'4',
    Directory = (byte)'5',
    Fifo = (byte)'6',
}

/// <summary>A point in time as Unix seconds plus nanoseconds (0..999,999,999), as tar/PAX and statx carry it.</summary>
public readonly record struct UnixTimestamp(long Seconds, int Nanoseconds)
{
    public static UnixTimestamp FromDateTimeOffset(DateTimeOffset value)
    {
        long ticks = value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        long seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out long rem);
        if (rem < 0)
        {
            seconds--;
            rem += TimeSpan.TicksPerSecond;
        }
        return new UnixTimestamp(seconds, (int)(rem * 100));
    }

    /// <summary>Converts to <see cref="DateTimeOffset"/> (truncated to 100 ns ticks).</summary>
    public DateTimeOffset ToDateTimeOffset()
        => DateTimeOffset.UnixEpoch.AddTicks(Seconds * TimeSpan.TicksPerSecond + Nanoseconds / 100);

    public override string ToString() => Nanoseconds == 0 ? Seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : $"{Seconds}.{Nanoseconds:D9}";
}

/// <summary>
/// One tar entry of an image layer. Produced by <see cref="LayerTarReader"/> (then <see cref="DataStream"/>
/// is valid until the next entry is read) and consumed by <see cref="LayerTarWriter"/>.
/// </summary>
public sealed class LayerTarEntry
{
    internal static readonly IReadOnlyDictionary<string, byte[]> NoXattrs = new Dictionary<string, byte[]>();

    /// <summary>Path as stored in the archive (after applying PAX/GNU long names), not cleaned.</summary>
    public string Name { get; set; } = "";

    public LayerTarEntryType Type { get; set; } = LayerTarEntryType.RegularFile;

    /// <summary>Symlink target or hardlink target path; empty for other types.</summary>
    public string LinkName { get; set; } = "";

    /// <summary>Permission bits including setuid (04000), setgid (02000) and sticky (01000).</summary>
    public int Mode { get; set; }

    public long Uid { get; set; }

    public long Gid { get; set; }

    public string UserName { get; set; } = "";

    public string GroupName { get; set; } = "";

    /// <summary>Size of the entry data; only regular files have data.</summary>
    public long Size { get; set; }

    public UnixTimestamp ModificationTime { get; set; }

    /// <summary>Access time when the archive carries one (PAX atime), otherwise null.</summary>
    public UnixTimestamp? AccessTime { get; set; }

    public int DevMajor { get; set; }

    public int DevMinor { get; set; }

    /// <summary>Extended attributes with byte-exact values (PAX SCHILY.xattr.*).</summary>
    public IReadOnlyDictionary<string, byte[]> Xattrs { get; set; } = NoXattrs;

    /// <summary>Data of the entry, bounded to <see cref="Size"/>; only valid until the reader moves on.</summary>
    public Stream DataStream { get; internal set; } = Stream.Null;

    /// <summary>Offset in the archive of the first header block that belongs to this entry.</summary>
    public long HeaderOffset { get; internal set; }

    /// <summary>For device and fifo entries: the st_mode file type and the device number mknod takes.</summary>
    internal (uint Kind, ulong Device) NodeOf() => Type switch
    {
        LayerTarEntryType.CharacterDevice => (Native.Libc.S_IFCHR, Native.Libc.MakeDev((uint)DevMajor, (uint)DevMinor)),
        LayerTarEntryType.BlockDevice => (Native.Libc.S_IFBLK, Native.Libc.MakeDev((uint)DevMajor, (uint)DevMinor)),
        _ => (Native.Libc.S_IFIFO, 0),
    };

    public override string ToString() => $"{(char)Type} {Name}";
}
