using System.Buffers;
using System.Text;

namespace Wharf.Engine.Layers;

/// <summary>
/// Forward-only reader of (uncompressed) layer tar archives: ustar, GNU (<c>L</c>/<c>K</c> long names,
/// base-256 numbers) and PAX (<c>x</c>/<c>g</c> records parsed as raw bytes so that binary
/// <c>SCHILY.xattr.*</c> values stay byte-exact). Works on non-seekable streams. Sparse entries are refused.
/// Malformed input throws <see cref="InvalidDataException"/> naming the offset or the entry.
/// </summary>
public sealed class LayerTarReader : IDisposable
{
    public const int BlockSize = 512;

    /// <summary>Upper bound for PAX header data and GNU long names, to bound memory on hostile input.</summary>
    internal const int MaxSpecialEntrySize = 1 << 20;

    private const string XattrPrefix = "SCHILY.xattr.";

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly byte[] _block = new byte[BlockSize];
    private long _position;
    private long _dataRemaining;
    private int _padding;
    private string _currentName = "";
    private int _generation;
    private bool _reachedEnd;
    private bool _disposed;
    private Dictionary<string, byte[]>? _globalPax;

    public LayerTarReader(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("stream must be readable", nameof(stream));
        }
        _stream = stream;
        _leaveOpen = leaveOpen;
    }

    /// <summary>Number of archive bytes consumed so far.</summary>
    public long Position => _position;

    /// <summary>Reads the next entry, skipping unread data of the previous one; null at the end of the archive.</summary>
    public LayerTarEntry? GetNextEntry() => GetNextEntryCoreAsync(false, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc cref="GetNextEntry"/>
    public ValueTask<LayerTarEntry?> GetNextEntryAsync(CancellationToken cancellationToken = default)
        => GetNextEntryCoreAsync(true, cancellationToken);

    /// <summary>
    /// Reads and discards everything after the end-of-archive marker, so that a digest computed over the
    /// input covers the whole blob. Returns the number of bytes discarded.
    /// </summary>
    public async ValueTask<long> DrainAsync(CancellationToken cancellationToken = default)
    {
        await SkipCurrentAsync(true, cancellationToken).ConfigureAwait(false);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            long total = 0;
            int n;
            while ((n = await _stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += n;
            }
            _position += total;
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _generation++;
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private async ValueTask<LayerTarEntry?> GetNextEntryCoreAsync(bool async, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_reachedEnd)
        {
            return null;
        }
        await SkipCurrentAsync(async, ct).ConfigureAwait(false);
        _generation++;

        long entryStart = _position;
        string? longName = null;
        string? longLink = null;
        Dictionary<string, byte[]>? localPax = null;
        bool pendingSpecial = false;

        while (true)
        {
            ct.ThrowIfCancellationRequested();
            long offset = _position;
            int n = await ReadFullAsync(async, _block, ct).ConfigureAwait(false);
            if (n == 0 || (n == BlockSize && _block.AsSpan().IndexOfAnyExcept((byte)0) < 0))
            {
                if (pendingSpecial)
                {
                    throw new InvalidDataException($"unexpected end of archive after extended header at offset {entryStart}");
                }
                _reachedEnd = true;
                return null;
            }
            if (n < BlockSize)
            {
                throw new InvalidDataException($"unexpected end of archive in tar header at offset {offset}");
            }
            VerifyChecksum(_block, offset);

            byte typeFlag = _block[156];
            long size = ParseNumeric(_block.AsSpan(124, 12), offset, "size");
            if (size < 0)
            {
                throw new InvalidDataException($"invalid tar header at offset {offset}: negative size");
            }

            switch (typeFlag)
            {
                case (byte)'x':
                case (byte)'g':
                {
                    pendingSpecial = true;
                    var target = typeFlag == (byte)'x'
                        ? localPax ??= new Dictionary<string, byte[]>(StringComparer.Ordinal)
                        : _globalPax ??= new Dictionary<string, byte[]>(StringComparer.Ordinal);
                    await ReadSpecialAsync(async, size, offset, typeFlag, target, null, ct).ConfigureAwait(false);
                    continue;
                }
                case (byte)'L':
                case (byte)'K':
                {
                    pendingSpecial = true;
                    var holder = new string?[1];
                    await ReadSpecialAsync(async, size, offset, typeFlag, null, holder, ct).ConfigureAwait(false);
                    if (typeFlag == (byte)'L')
                    {
                        longName = holder[0];
                    }
                    else
                    {
                        longLink = holder[0];
                    }
                    continue;
                }
                case (byte)'V':
                    // GNU volume label: carries no file.
                    _dataRemaining = size;
                    _padding = PaddingFor(size);
                    _currentName = "volume label";
                    await SkipCurrentAsync(async, ct).ConfigureAwait(false);
                    continue;
            }

            return BuildEntry(entryStart, offset, typeFlag, size, longName, longLink, localPax);
        }
    }

    private LayerTarEntry BuildEntry(long entryStart, long offset, byte typeFlag, long size,
        string? longName, string? longLink, Dictionary<string, byte[]>? localPax)
    {
        ReadOnlySpan<byte> h = _block;
        bool posix = h.Slice(257, 6).SequenceEqual("ustar\0"u8);
        bool gnu = h.Slice(257, 8).SequenceEqual("ustar  \0"u8);

        string name = CString(h.Slice(0, 100));
        if (posix)
        {
            var prefix = h.Slice(345, 155);
            if (prefix[0] != 0)
            {
                name = CString(prefix) + "/" + name;
            }
        }

        var entry = new LayerTarEntry
        {
            HeaderOffset = entryStart,
            Name = name,
            LinkName = CString(h.Slice(157, 100)),
            Mode = (int)(ParseNumeric(h.Slice(100, 8), offset, "mode") & 0xFFF),
            Uid = ParseNumeric(h.Slice(108, 8), offset, "uid"),
            Gid = ParseNumeric(h.Slice(116, 8), offset, "gid"),
            ModificationTime = new UnixTimestamp(ParseNumeric(h.Slice(136, 12), offset, "mtime"), 0),
        };
        if (posix || gnu)
        {
            entry.UserName = CString(h.Slice(265, 32));
            entry.GroupName = CString(h.Slice(297, 32));
            if (typeFlag is (byte)'3' or (byte)'4')
            {
                entry.DevMajor = (int)ParseNumeric(h.Slice(329, 8), offset, "devmajor");
                entry.DevMinor = (int)ParseNumeric(h.Slice(337, 8), offset, "devminor");
            }
        }
        if (longName != null)
        {
            entry.Name = longName;
        }
        if (longLink != null)
        {
            entry.LinkName = longLink;
        }
        if (_globalPax != null)
        {
            ApplyPax(entry, _globalPax, offset, global: true, ref size);
        }
        if (localPax != null)
        {
            ApplyPax(entry, localPax, offset, global: false, ref size);
        }

        LayerTarEntryType type;
        bool hasData = true;
        switch (typeFlag)
        {
            case (byte)'0':
            case (byte)'7':
                type = LayerTarEntryType.RegularFile;
                break;
            case 0:
                type = entry.Name.EndsWith('/') ? LayerTarEntryType.Directory : LayerTarEntryType.RegularFile;
                hasData = type == LayerTarEntryType.RegularFile;
                break;
            case (byte)'1':
            case (byte)'2':
            case (byte)'3':
            case (byte)'4':
            case (byte)'5':
            case (byte)'6':
                type = (LayerTarEntryType)typeFlag;
                hasData = false; // header-only types: a size field is ignored, no data follows
                break;
            case (byte)'D':
                type = LayerTarEntryType.Directory; // GNU dump dir: data is a listing, skipped
                break;
            case (byte)'S':
                throw new InvalidDataException($"unsupported sparse tar entry \"{entry.Name}\" at offset {offset}");
            default:
                throw new InvalidDataException(
                    $"unsupported tar entry type '{(char)typeFlag}' for \"{entry.Name}\" at offset {offset}");
        }
        entry.Type = type;
        long dataLength = hasData ? size : 0;
        entry.Size = type == LayerTarEntryType.RegularFile ? dataLength : 0;
        if (type != LayerTarEntryType.HardLink && type != LayerTarEntryType.SymbolicLink)
        {
            entry.LinkName = "";
        }

        _dataRemaining = dataLength;
        _padding = PaddingFor(dataLength);
        _currentName = entry.Name;
        if (entry.Size > 0)
        {
            entry.DataStream = new EntryStream(this, _generation, entry.Size);
        }
        return entry;
    }

    private static void ApplyPax(LayerTarEntry entry, Dictionary<string, byte[]> pax, long offset, bool global, ref long size)
    {
        Dictionary<string, byte[]>? xattrs = null;
        foreach (var (key, value) in pax)
        {
            if (key.StartsWith(XattrPrefix, StringComparison.Ordinal))
            {
                if (xattrs == null)
                {
                    xattrs = entry.Xattrs.Count == 0 ? new Dictionary<string, byte[]>(StringComparer.Ordinal)
                        : new Dictionary<string, byte[]>((IDictionary<string, byte[]>)entry.Xattrs, StringComparer.Ordinal);
                    entry.Xattrs = xattrs;
                }
                xattrs[key.Substring(XattrPrefix.Length)] = value;
                continue;
            }
            if (key.StartsWith("GNU.sparse.", StringComparison.Ordinal))
            {
                throw new InvalidDataException($"unsupported sparse tar entry (PAX {key}) at offset {offset}");
            }
            if (value.Length == 0)
            {
                continue; // an empty value cancels a global default: keep the header field
            }
            switch (key)
            {
                case "path" when !global:
                    entry.Name = Encoding.UTF8.GetString(value);
                    break;
                case "linkpath" when !global:
                    entry.LinkName = Encoding.UTF8.GetString(value);
                    break;
                case "uname":
                    entry.UserName = Encoding.UTF8.GetString(value);
                    break;
                case "gname":
                    entry.GroupName = Encoding.UTF8.GetString(value);
                    break;
                case "uid":
                    entry.Uid = ParsePaxInteger(value, key, offset);
                    break;
                case "gid":
                    entry.Gid = ParsePaxInteger(value, key, offset);
                    break;
                case "size":
                    size = ParsePaxInteger(value, key, offset);
                    if (size < 0)
                    {
                        throw new InvalidDataException($"invalid PAX header at offset {offset}: negative size");
                    }
                    break;
                case "mtime":
                    entry.ModificationTime = ParsePaxTime(value, key, offset);
                    break;
                case "atime":
                    entry.AccessTime = ParsePaxTime(value, key, offset);
                    break;
            }
        }
    }

    private async ValueTask ReadSpecialAsync(bool async, long size, long offset, byte typeFlag,
        Dictionary<string, byte[]>? pax, string?[]? text, CancellationToken ct)
    {
        if (size > MaxSpecialEntrySize)
        {
            throw new InvalidDataException(
                $"invalid tar header at offset {offset}: '{(char)typeFlag}' entry of {size} bytes exceeds the limit of {MaxSpecialEntrySize}");
        }
        int length = (int)size;
        int padded = length + PaddingFor(length);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(padded, 1));
        try
        {
            int n = await ReadFullAsync(async, buffer.AsMemory(0, padded), ct).ConfigureAwait(false);
            if (n < padded)
            {
                throw new InvalidDataException($"unexpected end of archive in extended header at offset {offset}");
            }
            var data = buffer.AsSpan(0, length);
            if (pax != null)
            {
                ParsePaxRecords(data, pax, offset);
            }
            else
            {
                text![0] = CString(data);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    internal static void ParsePaxRecords(ReadOnlySpan<byte> data, Dictionary<string, byte[]> into, long offset)
    {
        while (!data.IsEmpty && data[0] != 0)
        {
            int space = data.IndexOf((byte)' ');
            if (space <= 0)
            {
                throw BadPax(offset);
            }
            long length = 0;
            foreach (byte c in data[..space])
            {
                if (c < '0' || c > '9' || length > int.MaxValue / 10)
                {
                    throw BadPax(offset);
                }
                length = length * 10 + (c - '0');
            }
            if (length < space + 3 || length > data.Length || data[(int)length - 1] != (byte)'\n')
            {
                throw BadPax(offset);
            }
            var record = data[(space + 1)..((int)length - 1)];
            int eq = record.IndexOf((byte)'=');
            if (eq <= 0)
            {
                throw BadPax(offset);
            }
            into[Encoding.UTF8.GetString(record[..eq])] = record[(eq + 1)..].ToArray();
            data = data[(int)length..];
        }
    }

    private static InvalidDataException BadPax(long offset) => new($"invalid PAX header at offset {offset}: malformed record");

    private static long ParsePaxInteger(byte[] value, string key, long offset)
    {
        var s = value.AsSpan();
        bool negative = false;
        if (s.Length > 0 && s[0] == '-')
        {
            negative = true;
            s = s[1..];
        }
        if (s.IsEmpty || s.Length > 18)
        {
            throw new InvalidDataException($"invalid PAX header at offset {offset}: bad {key}");
        }
        long v = 0;
        foreach (byte c in s)
        {
            if (c < '0' || c > '9')
            {
                throw new InvalidDataException($"invalid PAX header at offset {offset}: bad {key}");
            }
            v = v * 10 + (c - '0');
        }
        return negative ? -v : v;
    }

    private static UnixTimestamp ParsePaxTime(byte[] value, string key, long offset)
    {
        int dot = Array.IndexOf(value, (byte)'.');
        if (dot < 0)
        {
            return new UnixTimestamp(ParsePaxInteger(value, key, offset), 0);
        }
        long seconds = ParsePaxInteger(value[..dot], key, offset);
        bool negative = value.Length > 0 && value[0] == '-';
        int nanos = 0;
        int digits = 0;
        for (int i = dot + 1; i < value.Length; i++)
        {
            byte c = value[i];
            if (c < '0' || c > '9')
            {
                throw new InvalidDataException($"invalid PAX header at offset {offset}: bad {key}");
            }
            if (digits < 9)
            {
                nanos = nanos * 10 + (c - '0');
                digits++;
            }
        }
        for (; digits < 9; digits++)
        {
            nanos *= 10;
        }
        if (negative && nanos != 0)
        {
            seconds--;
            nanos = 1_000_000_000 - nanos;
        }
        return new UnixTimestamp(seconds, nanos);
    }

    private static void VerifyChecksum(ReadOnlySpan<byte> block, long offset)
    {
        long stored;
        try
        {
            stored = ParseNumeric(block.Slice(148, 8), offset, "checksum");
        }
        catch (InvalidDataException)
        {
            throw new InvalidDataException($"invalid tar header at offset {offset}: checksum mismatch");
        }
        long unsignedSum = 8 * ' ';
        long signedSum = 8 * ' ';
        for (int i = 0; i < BlockSize; i++)
        {
            if (i >= 148 && i < 156)
            {
                continue;
            }
            unsignedSum += block[i];
            signedSum += (sbyte)block[i];
        }
        if (stored != unsignedSum && stored != signedSum)
        {
            throw new InvalidDataException($"invalid tar header at offset {offset}: checksum mismatch");
        }
    }

    /// <summary>Parses an octal (space/NUL padded) or GNU base-256 numeric header field.</summary>
    internal static long ParseNumeric(ReadOnlySpan<byte> field, long offset, string what)
    {
        if (field.Length > 0 && (field[0] & 0x80) != 0)
        {
            byte inv = (field[0] & 0x40) != 0 ? (byte)0xFF : (byte)0;
            ulong x = 0;
            for (int i = 0; i < field.Length; i++)
            {
                byte c = (byte)(field[i] ^ inv);
                if (i == 0)
                {
                    c &= 0x7F;
                }
                if ((x >> 56) != 0)
                {
                    throw new InvalidDataException($"invalid tar header at offset {offset}: {what} overflows");
                }
                x = (x << 8) | c;
            }
            if ((x >> 63) != 0)
            {
                throw new InvalidDataException($"invalid tar header at offset {offset}: {what} overflows");
            }
            return inv == 0xFF ? ~(long)x : (long)x;
        }
        field = field.Trim(" \0"u8);
        long value = 0;
        foreach (byte c in field)
        {
            if (c < '0' || c > '7')
            {
                throw new InvalidDataException($"invalid tar header at offset {offset}: bad {what} field");
            }
            if (value > (long.MaxValue >> 3))
            {
                throw new InvalidDataException($"invalid tar header at offset {offset}: {what} overflows");
            }
            value = (value << 3) | (long)(c - '0');
        }
        return value;
    }

    private static string CString(ReadOnlySpan<byte> field)
    {
        int nul = field.IndexOf((byte)0);
        if (nul >= 0)
        {
            field = field[..nul];
        }
        return field.IsEmpty ? "" : Encoding.UTF8.GetString(field);
    }

    internal static int PaddingFor(long size) => (int)((BlockSize - (size % BlockSize)) % BlockSize);

    private async ValueTask<int> ReadFullAsync(bool async, Memory<byte> buffer, CancellationToken ct)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = async
                ? await _stream.ReadAsync(buffer[total..], ct).ConfigureAwait(false)
                : _stream.Read(buffer.Span[total..]);
            if (n == 0)
            {
                break;
            }
            total += n;
        }
        _position += total;
        return total;
    }

    private async ValueTask SkipCurrentAsync(bool async, CancellationToken ct)
    {
        long remaining = _dataRemaining + _padding;
        if (remaining == 0)
        {
            return;
        }
        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(remaining, 256 * 1024));
        try
        {
            while (remaining > 0)
            {
                int want = (int)Math.Min(remaining, buffer.Length);
                int n = async
                    ? await _stream.ReadAsync(buffer.AsMemory(0, want), ct).ConfigureAwait(false)
                    : _stream.Read(buffer, 0, want);
                if (n == 0)
                {
                    throw Truncated();
                }
                remaining -= n;
                _position += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        _dataRemaining = 0;
        _padding = 0;
    }

    private InvalidDataException Truncated() => new($"unexpected end of archive in entry \"{_currentName}\"");

    private int ReadData(int generation, Span<byte> buffer)
    {
        CheckGeneration(generation);
        if (_dataRemaining == 0 || buffer.IsEmpty)
        {
            return 0;
        }
        int want = (int)Math.Min(buffer.Length, _dataRemaining);
        int n = _stream.Read(buffer[..want]);
        return AccountData(n);
    }

    private async ValueTask<int> ReadDataAsync(int generation, Memory<byte> buffer, CancellationToken ct)
    {
        CheckGeneration(generation);
        if (_dataRemaining == 0 || buffer.IsEmpty)
        {
            return 0;
        }
        int want = (int)Math.Min(buffer.Length, _dataRemaining);
        int n = await _stream.ReadAsync(buffer[..want], ct).ConfigureAwait(false);
        return AccountData(n);
    }

    private int AccountData(int n)
    {
        if (n == 0)
        {
            throw Truncated();
        }
        _dataRemaining -= n;
        _position += n;
        return n;
    }

    private void CheckGeneration(int generation)
    {
        if (generation != _generation)
        {
            throw new InvalidOperationException("the entry's data stream is no longer valid: the reader moved to another entry");
        }
    }

    /// <summary>Bounded, forward-only view of the current entry's data.</summary>
    private sealed class EntryStream(LayerTarReader reader, int generation, long length) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;

        public override long Position
        {
            get => _read;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = reader.ReadData(generation, buffer);
            _read += n;
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int n = await reader.ReadDataAsync(generation, buffer, cancellationToken).ConfigureAwait(false);
            _read += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
