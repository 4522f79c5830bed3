using System.Buffers;
using System.Globalization;
using System.Text;

namespace Wharf.Engine.Layers;

/// <summary>
/// Writes layer tar archives: POSIX ustar headers, preceded by a PAX extended header (<c>x</c>) whenever a
/// value does not fit ustar: long names or link targets, large ids/sizes, sub-second or out-of-range
/// times, access times, and extended attributes (<c>SCHILY.xattr.*</c>, values byte-exact). Large numbers
/// are also written base-256 in the ustar field for GNU readers. <see cref="Finish"/> writes the two zero
/// blocks that end the archive; disposing does not, so an aborted archive is never mistaken for a complete one.
/// </summary>
public sealed class LayerTarWriter : IDisposable, IAsyncDisposable
{
    private const int BlockSize = LayerTarReader.BlockSize;
    private const int CopyBufferSize = 1 << 20;
    private const long MaxOctal7 = 0x1FFFFF;        // 07777777
    private const long MaxOctal11 = 0x1FFFFFFFF;    // 077777777777

    private static readonly byte[] Zeros = new byte[BlockSize * 2];

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly ArrayBufferWriter<byte> _pax = new(1024);
    private readonly byte[] _headers = new byte[BlockSize * 3];
    private bool _finished;
    private bool _disposed;

    public LayerTarWriter(Stream output, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!output.CanWrite)
        {
            throw new ArgumentException("stream must be writable", nameof(output));
        }
        _stream = output;
        _leaveOpen = leaveOpen;
    }

    /// <summary>Writes one entry. <paramref name="data"/> must supply exactly <see cref="LayerTarEntry.Size"/> bytes for regular files.</summary>
    public void WriteEntry(LayerTarEntry entry, Stream? data = null)
        => WriteEntryCoreAsync(false, entry, data, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc cref="WriteEntry"/>
    public Task WriteEntryAsync(LayerTarEntry entry, Stream? data = null, CancellationToken cancellationToken = default)
        => WriteEntryCoreAsync(true, entry, data, cancellationToken).AsTask();

    /// <summary>Writes the end-of-archive marker (two zero blocks) and flushes.</summary>
    public void Finish()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_finished)
        {
            return;
        }
        _finished = true;
        _stream.Write(Zeros);
        _stream.Flush();
    }

    /// <inheritdoc cref="Finish"/>
    public async Task FinishAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_finished)
        {
            return;
        }
        _finished = true;
        await _stream.WriteAsync(Zeros, cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (!_leaveOpen)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask WriteEntryCoreAsync(bool async, LayerTarEntry entry, Stream? data, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_finished)
        {
            throw new InvalidOperationException("the archive is already finished");
        }
        long size = entry.Type == LayerTarEntryType.RegularFile ? entry.Size : 0;
        if (size < 0)
        {
            throw new ArgumentException($"negative size for \"{entry.Name}\"", nameof(entry));
        }
        if (size > 0 && data == null)
        {
            throw new ArgumentException($"no data given for \"{entry.Name}\" of {size} bytes", nameof(data));
        }

        int headerLength = BuildHeaders(entry, size, out byte[]? paxBlock, out int paxLength);
        if (paxBlock != null)
        {
            // PAX: header block + padded records
            await WriteAsync(async, _headers.AsMemory(0, BlockSize), ct).ConfigureAwait(false);
            await WriteAsync(async, _pax.WrittenMemory, ct).ConfigureAwait(false);
            int pad = LayerTarReader.PaddingFor(paxLength);
            if (pad > 0)
            {
                await WriteAsync(async, Zeros.AsMemory(0, pad), ct).ConfigureAwait(false);
            }
            await WriteAsync(async, _headers.AsMemory(BlockSize, BlockSize), ct).ConfigureAwait(false);
        }
        else
        {
            await WriteAsync(async, _headers.AsMemory(0, headerLength), ct).ConfigureAwait(false);
        }

        if (size == 0)
        {
            return;
        }
        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(size, CopyBufferSize));
        try
        {
            long remaining = size;
            while (remaining > 0)
            {
                int want = (int)Math.Min(remaining, buffer.Length);
                int n = async
                    ? await data!.ReadAsync(buffer.AsMemory(0, want), ct).ConfigureAwait(false)
                    : data!.Read(buffer, 0, want);
                if (n == 0)
                {
                    throw new IOException($"data for \"{entry.Name}\" ended after {size - remaining} of {size} bytes");
                }
                await WriteAsync(async, buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                remaining -= n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        int padding = LayerTarReader.PaddingFor(size);
        if (padding > 0)
        {
            await WriteAsync(async, Zeros.AsMemory(0, padding), ct).ConfigureAwait(false);
        }
    }

    private ValueTask WriteAsync(bool async, ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        if (async)
        {
            return _stream.WriteAsync(bytes, ct);
        }
        _stream.Write(bytes.Span);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Fills <see cref="_headers"/>: either just the ustar header (returns 512) or, when PAX records are
    /// needed, the PAX header at 0 and the ustar header at 512 with the records in <see cref="_pax"/>.
    /// </summary>
    private int BuildHeaders(LayerTarEntry e, long size, out byte[]? paxBlock, out int paxLength)
    {
        _pax.Clear();
        Array.Clear(_headers);
        Span<byte> h = _headers.AsSpan(BlockSize, BlockSize);

        byte[] name = Encoding.UTF8.GetBytes(e.Name);
        if (name.Length <= 100)
        {
            name.CopyTo(h);
        }
        else if (TrySplitUstarName(name, out int slash))
        {
            name.AsSpan(0, slash).CopyTo(h.Slice(345, 155));
            name.AsSpan(slash + 1).CopyTo(h);
        }
        else
        {
            AddPaxRecord("path", name);
            name.AsSpan(0, 100).CopyTo(h);
        }

        WriteOctal(h.Slice(100, 8), e.Mode & 0xFFF);
        WriteId(h.Slice(108, 8), e.Uid, "uid", e.Name);
        WriteId(h.Slice(116, 8), e.Gid, "gid", e.Name);
        if (size <= MaxOctal11)
        {
            WriteOctal(h.Slice(124, 12), size);
        }
        else
        {
            AddPaxRecord("size", size.ToString(CultureInfo.InvariantCulture));
            WriteBase256(h.Slice(124, 12), size);
        }

        var mtime = e.ModificationTime;
        if (mtime.Seconds >= 0 && mtime.Seconds <= MaxOctal11)
        {
            WriteOctal(h.Slice(136, 12), mtime.Seconds);
        }
        if (mtime.Nanoseconds != 0 || mtime.Seconds < 0 || mtime.Seconds > MaxOctal11)
        {
            AddPaxRecord("mtime", FormatTime(mtime));
        }
        if (e.AccessTime is { } atime)
        {
            AddPaxRecord("atime", FormatTime(atime));
        }

        h[156] = (byte)e.Type;
        if (e.Type is LayerTarEntryType.HardLink or LayerTarEntryType.SymbolicLink)
        {
            byte[] link = Encoding.UTF8.GetBytes(e.LinkName);
            if (link.Length <= 100)
            {
                link.CopyTo(h.Slice(157, 100));
            }
            else
            {
                AddPaxRecord("linkpath", link);
                link.AsSpan(0, 100).CopyTo(h.Slice(157, 100));
            }
        }
        "ustar\0"u8.CopyTo(h.Slice(257, 6));
        "00"u8.CopyTo(h.Slice(263, 2));
        WriteName(h.Slice(265, 32), e.UserName, "uname");
        WriteName(h.Slice(297, 32), e.GroupName, "gname");
        if (e.Type is LayerTarEntryType.CharacterDevice or LayerTarEntryType.BlockDevice)
        {
            WriteId(h.Slice(329, 8), e.DevMajor, "devmajor", e.Name);
            WriteId(h.Slice(337, 8), e.DevMinor, "devminor", e.Name);
        }
        else
        {
            WriteOctal(h.Slice(329, 8), 0);
            WriteOctal(h.Slice(337, 8), 0);
        }

        if (e.Xattrs.Count > 0)
        {
            string[] keys = e.Xattrs.Keys.ToArray();
            Array.Sort(keys, StringComparer.Ordinal);
            foreach (string key in keys)
            {
                AddPaxRecord("SCHILY.xattr." + key, e.Xattrs[key]);
            }
        }
        SetChecksum(h);

        if (_pax.WrittenCount == 0)
        {
            h.CopyTo(_headers);
            paxBlock = null;
            paxLength = 0;
            return BlockSize;
        }

        paxLength = _pax.WrittenCount;
        Span<byte> p = _headers.AsSpan(0, BlockSize);
        // Name of the extended header: "PaxHeaders.0/<last component>", informational only.
        string baseName = e.Name.TrimEnd('/');
        baseName = baseName[(baseName.LastIndexOf('/') + 1)..];
        var paxName = Encoding.UTF8.GetBytes("PaxHeaders.0/" + baseName);
        paxName.AsSpan(0, Math.Min(paxName.Length, 100)).CopyTo(p);
        WriteOctal(p.Slice(100, 8), 0x1A4); // 0644
        WriteOctal(p.Slice(108, 8), 0);
        WriteOctal(p.Slice(116, 8), 0);
        WriteOctal(p.Slice(124, 12), paxLength);
        WriteOctal(p.Slice(136, 12), Math.Clamp(mtime.Seconds, 0, MaxOctal11));
        p[156] = (byte)'x';
        "ustar\0"u8.CopyTo(p.Slice(257, 6));
        "00"u8.CopyTo(p.Slice(263, 2));
        SetChecksum(p);
        paxBlock = _headers;
        return BlockSize * 2;

        void WriteId(Span<byte> field, long value, string key, string entryName)
        {
            if (value < 0)
            {
                throw new ArgumentException($"negative {key} for \"{entryName}\"", nameof(e));
            }
            if (value <= MaxOctal7)
            {
                WriteOctal(field, value);
            }
            else
            {
                AddPaxRecord(key, value.ToString(CultureInfo.InvariantCulture));
                WriteBase256(field, value);
            }
        }

        void WriteName(Span<byte> field, string value, string key)
        {
            if (value.Length == 0)
            {
                return;
            }
            byte[] bytes = Encoding.UTF8.GetBytes(value);
            if (bytes.Length <= field.Length)
            {
                bytes.CopyTo(field);
            }
            else
            {
                AddPaxRecord(key, bytes);
            }
        }
    }

    private static bool TrySplitUstarName(byte[] name, out int slash)
    {
        // prefix (<= 155 bytes) + '/' + name (1..100 bytes)
        int start = Math.Min(name.Length - 1, 155);
        for (int i = start; i > 0; i--)
        {
            if (name[i] == (byte)'/' && name.Length - i - 1 <= 100 && name.Length - i - 1 > 0)
            {
                slash = i;
                return true;
            }
        }
        slash = -1;
        return false;
    }

    private static string FormatTime(UnixTimestamp t)
    {
        if (t.Nanoseconds == 0)
        {
            return t.Seconds.ToString(CultureInfo.InvariantCulture);
        }
        long seconds = t.Seconds;
        int nanos = t.Nanoseconds;
        string sign = "";
        if (seconds < 0)
        {
            // -1.25 is stored as Seconds=-2, Nanoseconds=750000000
            seconds = -(seconds + 1);
            nanos = 1_000_000_000 - nanos;
            sign = "-";
        }
        string frac = nanos.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
        return $"{sign}{seconds.ToString(CultureInfo.InvariantCulture)}.{frac}";
    }

    private void AddPaxRecord(string key, string value) => AddPaxRecord(key, Encoding.UTF8.GetBytes(value));

    private void AddPaxRecord(string key, ReadOnlySpan<byte> value)
    {
        int keyLength = Encoding.UTF8.GetByteCount(key);
        int payload = 1 + keyLength + 1 + value.Length + 1; // ' ' key '=' value '\n'
        int digits = Digits(payload);
        if (Digits(payload + digits) > digits)
        {
            digits++;
        }
        int total = payload + digits;
        Span<byte> dst = _pax.GetSpan(total);
        total.TryFormat(dst, out int w, default, CultureInfo.InvariantCulture);
        dst[w++] = (byte)' ';
        w += Encoding.UTF8.GetBytes(key, dst[w..]);
        dst[w++] = (byte)'=';
        value.CopyTo(dst[w..]);
        w += value.Length;
        dst[w++] = (byte)'\n';
        _pax.Advance(w);
    }

    private static int Digits(int v) => v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : v < 100000 ? 5
        : v < 1000000 ? 6 : v < 10000000 ? 7 : v < 100000000 ? 8 : v < 1000000000 ? 9 : 10;

    private static void WriteOctal(Span<byte> field, long value)
    {
        // zero-padded digits followed by NUL
        int i = field.Length - 2;
        field[^1] = 0;
        for (; i >= 0; i--)
        {
            field[i] = (byte)('0' + (value & 7));
            value >>= 3;
        }
    }

    private static void WriteBase256(Span<byte> field, long value)
    {
        for (int i = field.Length - 1; i > 0; i--)
        {
            field[i] = (byte)value;
            value >>= 8;
        }
        field[0] = 0x80;
    }

    private static void SetChecksum(Span<byte> header)
    {
        header.Slice(148, 8).Fill((byte)' ');
        int sum = 0;
        foreach (byte b in header)
        {
            sum += b;
        }
        // six octal digits, NUL, space
        Span<byte> f = header.Slice(148, 8);
        for (int i = 5; i >= 0; i--)
        {
            f[i] = (byte)('0' + (sum & 7));
            sum >>= 3;
        }
        f[6] = 0;
        f[7] = (byte)' ';
    }
}
