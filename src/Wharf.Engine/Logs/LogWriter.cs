// This file is compiled into both Wharf.Engine and wharf-shim (linked by Wharf.Shim.csproj):
// the shim writes container logs with it, the engine's tests and tools use the same code.
// Keep it free of reflection, LINQ and large allocations: the shim must stay small.
using System.Runtime.InteropServices;

namespace Wharf.Engine.Logs;

/// <summary>Which container stream a log record came from.</summary>
public enum LogStream : byte
{
    Stdout = 1,
    Stderr = 2,
}

/// <summary>Time helpers: Unix nanoseconds and Go's RFC3339Nano text (the form Docker writes).</summary>
public static partial class LogTime
{
    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Sec;
        public long Nsec;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGettime(int clock, out Timespec ts);

    /// <summary>Wall clock in nanoseconds since the Unix epoch (CLOCK_REALTIME, full resolution).</summary>
    public static long NowNanos()
    {
        if (ClockGettime(0, out var ts) == 0)
        {
            return ts.Sec * 1_000_000_000L + ts.Nsec;
        }
        return (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
    }

    public static long ToNanos(DateTime utc) => (utc.ToUniversalTime() - DateTime.UnixEpoch).Ticks * 100;

    public static DateTime FromNanos(long nanos) => DateTime.UnixEpoch.AddTicks(nanos / 100);

    /// <summary>
    /// Writes <paramref name="nanos"/> as Go's time.RFC3339Nano in UTC ("2006-01-02T15:04:05.999999999Z":
    /// trailing zeros of the fraction trimmed, no fraction when it is zero). Returns bytes written (≤ 30).
    /// </summary>
    public static int FormatRfc3339Nano(long nanos, Span<byte> dest)
    {
        long sec = Math.DivRem(nanos, 1_000_000_000L, out long frac);
        if (frac < 0)
        {
            frac += 1_000_000_000L;
            sec--;
        }
        var dt = DateTime.UnixEpoch.AddSeconds(sec);
        int p = 0;
        Put4(dest, ref p, dt.Year);
        dest[p++] = (byte)'-';
        Put2(dest, ref p, dt.Month);
        dest[p++] = (byte)'-';
        Put2(dest, ref p, dt.Day);
        dest[p++] = (byte)'T';
        Put2(dest, ref p, dt.Hour);
        dest[p++] = (byte)':';
        Put2(dest, ref p, dt.Minute);
        dest[p++] = (byte)':';
        Put2(dest, ref p, dt.Second);
        if (frac != 0)
        {
            dest[p++] = (byte)'.';
            int digits = 9;
            while (frac % 10 == 0)
            {
                frac /= 10;
                digits--;
            }
            for (int i = digits - 1; i >= 0; i--)
            {
                dest[p + i] = (byte)('0' + (int)(frac % 10));
                frac /= 10;
            }
            p += digits;
        }
        dest[p++] = (byte)'Z';
        return p;
    }

    public static string FormatRfc3339Nano(long nanos)
    {
        Span<byte> b = stackalloc byte[40];
        int n = FormatRfc3339Nano(nanos, b);
        return System.Text.Encoding.ASCII.GetString(b[..n]);
    }

    private static void Put2(Span<byte> d, ref int p, int v)
    {
        d[p++] = (byte)('0' + v / 10);
        d[p++] = (byte)('0' + v % 10);
    }

    private static void Put4(Span<byte> d, ref int p, int v)
    {
        d[p++] = (byte)('0' + v / 1000 % 10);
        d[p++] = (byte)('0' + v / 100 % 10);
        d[p++] = (byte)('0' + v / 10 % 10);
        d[p++] = (byte)('0' + v % 10);
    }

    /// <summary>
    /// Parses RFC 3339 with an optional fraction of up to 9 digits and 'Z' or ±hh:mm, into Unix nanoseconds.
    /// </summary>
    public static bool TryParseRfc3339(ReadOnlySpan<byte> s, out long nanos)
    {
        nanos = 0;
        if (s.Length < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
        {
            return false;
        }
        if (!Num(s, 0, 4, out int y) || !Num(s, 5, 2, out int mo) || !Num(s, 8, 2, out int d)
            || !Num(s, 11, 2, out int h) || !Num(s, 14, 2, out int mi) || !Num(s, 17, 2, out int sec))
        {
            return false;
        }
        int p = 19;
        long frac = 0;
        if (p < s.Length && s[p] == '.')
        {
            p++;
            int digits = 0;
            while (p < s.Length && s[p] >= '0' && s[p] <= '9')
            {
                if (digits < 9)
                {
                    frac = frac * 10 + (s[p] - '0');
                    digits++;
                }
                p++;
            }
            if (digits == 0)
            {
                return false;
            }
            for (; digits < 9; digits++)
            {
                frac *= 10;
            }
        }
        long offsetSec = 0;
        if (p >= s.Length)
        {
            return false;
        }
        if (s[p] == 'Z' || s[p] == 'z')
        {
            p++;
        }
        else if ((s[p] == '+' || s[p] == '-') && p + 6 <= s.Length && s[p + 3] == ':'
                 && Num(s, p + 1, 2, out int oh) && Num(s, p + 4, 2, out int om))
        {
            offsetSec = (oh * 3600 + om * 60) * (s[p] == '-' ? -1 : 1);
            p += 6;
        }
        else
        {
            return false;
        }
        if (p != s.Length || mo < 1 || mo > 12 || d < 1 || d > DateTime.DaysInMonth(Math.Max(1, y), mo) || h > 23 || mi > 59 || sec > 60)
        {
            return false;
        }
        long days = (new DateTime(y, mo, d, 0, 0, 0, DateTimeKind.Utc) - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerDay;
        long total = days * 86400 + h * 3600 + mi * 60 + sec - offsetSec;
        nanos = total * 1_000_000_000L + frac;
        return true;
    }

    private static bool Num(ReadOnlySpan<byte> s, int at, int len, out int v)
    {
        v = 0;
        for (int i = at; i < at + len; i++)
        {
            if (s[i] < '0' || s[i] > '9')
            {
                return false;
            }
            v = v * 10 + (s[i] - '0');
        }
        return true;
    }
}

/// <summary>Settings shared by the file log drivers (Docker's --log-opt max-size / max-file).</summary>
public sealed class LogFileOptions
{
    /// <summary>Default max-size here: 20 MiB (Docker's json-file default is unbounded; Wharf bounds it).</summary>
    public const long DefaultMaxSize = 20L * 1024 * 1024;
    public const int DefaultMaxFiles = 5;

    /// <summary>Rotate when the file reaches this many bytes; -1 = never.</summary>
    public long MaxSize { get; set; } = DefaultMaxSize;

    /// <summary>How many files to keep, the live one included (≥ 1).</summary>
    public int MaxFiles { get; set; } = DefaultMaxFiles;

    /// <summary>
    /// Applies one "key=value" log option. Known keys: max-size (Docker's units: 10k, 20m, 1g, plain bytes;
    /// -1 unbounded), max-file. Other keys are accepted and ignored. Returns an error text or null.
    /// </summary>
    public string? Apply(string option)
    {
        int eq = option.IndexOf('=');
        if (eq <= 0)
        {
            return "invalid log-opt \"" + option + "\": expected key=value";
        }
        string key = option[..eq];
        string value = option[(eq + 1)..];
        switch (key)
        {
            case "max-size":
                if (!TryParseSize(value, out long size))
                {
                    return "invalid max-size \"" + value + "\"";
                }
                MaxSize = size;
                return null;
            case "max-file":
                if (!int.TryParse(value, System.Globalization.NumberStyles.None, null, out int files) || files < 1)
                {
                    return "invalid max-file \"" + value + "\": must be a positive integer";
                }
                MaxFiles = files;
                return null;
            default:
                return null;
        }
    }

    /// <summary>Docker's units.RAMInBytes: number with optional b/k/m/g/t/p suffix (binary multiples), or -1.</summary>
    public static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        string s = text.Trim().ToLowerInvariant();
        if (s == "-1")
        {
            bytes = -1;
            return true;
        }
        // Docker's units.RAMInBytes: ^(\d+(\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$ with binary multiples.
        if (s.EndsWith('b'))
        {
            s = s[..^1];
        }
        if (s.EndsWith('i'))
        {
            s = s[..^1];
        }
        long mult = 1;
        if (s.Length > 0)
        {
            switch (s[^1])
            {
                case 'k': mult = 1L << 10; break;
                case 'm': mult = 1L << 20; break;
                case 'g': mult = 1L << 30; break;
                case 't': mult = 1L << 40; break;
                case 'p': mult = 1L << 50; break;
            }
            if (mult != 1)
            {
                s = s[..^1].TrimEnd(' ');
            }
        }
        if (!double.TryParse(s, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out double v) || v <= 0)
        {
            return false;
        }
        bytes = (long)(v * mult);
        return bytes > 0;
    }
}

/// <summary>
/// Turns a container's raw output into log records the way Docker's copier does (lines split at '\n',
/// lines longer than 16 KiB cut into 16 KiB partial records that share the first piece's time), and appends
/// them to a size-rotated set of files: FILE, FILE.1 (older), ... FILE.(max-file - 1), as Docker names them.
/// Not thread-safe. Call <see cref="Flush"/> after each batch of <see cref="Write"/> calls.
/// </summary>
public abstract class LogFileWriter : IDisposable
{
    /// <summary>Docker's copier buffer: a line longer than this becomes several partial records.</summary>
    public const int MaxLineBytes = 16 * 1024;

    private readonly string _path;
    private readonly LogFileOptions _options;
    private FileStream? _file;
    private long _size;
    private byte[] _buf = new byte[4096];
    private int _bufLen;
    private readonly Carry _stdout = new();
    private readonly Carry _stderr = new();

    private sealed class Carry
    {
        public byte[]? Bytes;
        public int Length;
        public long PartialTime; // 0 when no partial record of the current line has been written
    }

    protected LogFileWriter(string path, LogFileOptions? options)
    {
        _path = path;
        _options = options ?? new LogFileOptions();
        Open(truncate: false);
    }

    public string Path => _path;

    /// <summary>Bytes in the live file, including buffered bytes not yet flushed.</summary>
    public long CurrentSize => _size + _bufLen;

    /// <summary>Adds output bytes from <paramref name="stream"/> read at <paramref name="nanos"/>.</summary>
    public void Write(LogStream stream, ReadOnlySpan<byte> data, long nanos)
    {
        var c = stream == LogStream.Stderr ? _stderr : _stdout;
        while (data.Length > 0)
        {
            int nl = data.IndexOf((byte)'\n');
            if (nl >= 0 && c.Length + nl + 1 <= MaxLineBytes)
            {
                // A full line (the carry plus data[..nl]) fits in Docker's buffer.
                if (c.Length == 0)
                {
                    EmitLine(stream, c, data[..nl], nanos);
                }
                else
                {
                    Append(c, data[..nl]);
                    EmitLine(stream, c, c.Bytes.AsSpan(0, c.Length), nanos);
                    c.Length = 0;
                }
                data = data[(nl + 1)..];
                continue;
            }
            // No newline within reach: fill the carry up to 16 KiB; a full carry is a partial record.
            int room = MaxLineBytes - c.Length;
            int take = Math.Min(room, nl >= 0 ? nl : data.Length);
            if (c.Length == 0 && take == MaxLineBytes)
            {
                EmitPartial(stream, c, data[..take], nanos);
                data = data[take..];
                continue;
            }
            Append(c, data[..take]);
            data = data[take..];
            if (c.Length == MaxLineBytes)
            {
                EmitPartial(stream, c, c.Bytes.AsSpan(0, c.Length), nanos);
                c.Length = 0;
            }
        }
    }

    /// <summary>End of a stream: the unterminated rest becomes a partial record (no trailing newline).</summary>
    public void EndOfStream(LogStream stream, long nanos)
    {
        var c = stream == LogStream.Stderr ? _stderr : _stdout;
        if (c.Length > 0)
        {
            EmitPartial(stream, c, c.Bytes.AsSpan(0, c.Length), nanos);
            c.Length = 0;
        }
        c.PartialTime = 0;
        c.Bytes = null;
    }

    private static void Append(Carry c, ReadOnlySpan<byte> data)
    {
        c.Bytes ??= new byte[MaxLineBytes];
        data.CopyTo(c.Bytes.AsSpan(c.Length));
        c.Length += data.Length;
    }

    private void EmitLine(LogStream stream, Carry c, ReadOnlySpan<byte> line, long nanos)
    {
        long t = c.PartialTime != 0 ? c.PartialTime : nanos;
        c.PartialTime = 0;
        Emit(stream, line, partial: false, t);
    }

    private void EmitPartial(LogStream stream, Carry c, ReadOnlySpan<byte> piece, long nanos)
    {
        if (c.PartialTime == 0)
        {
            c.PartialTime = nanos;
        }
        Emit(stream, piece, partial: true, c.PartialTime);
    }

    private void Emit(LogStream stream, ReadOnlySpan<byte> message, bool partial, long nanos)
    {
        if (_options.MaxSize > 0 && CurrentSize >= _options.MaxSize)
        {
            Rotate();
        }
        EnsureRoom(MaxEncodedLength(message.Length));
        _bufLen += Encode(_buf.AsSpan(_bufLen), stream, message, partial, nanos);
        if (_bufLen >= 64 * 1024)
        {
            Flush();
        }
    }

    private void EnsureRoom(int need)
    {
        if (_buf.Length - _bufLen >= need)
        {
            return;
        }
        if (_bufLen > 0)
        {
            Flush(); // may also shrink the buffer
            if (_buf.Length >= need)
            {
                return;
            }
        }
        int size = _buf.Length;
        while (size - _bufLen < need)
        {
            size *= 2;
        }
        Array.Resize(ref _buf, size);
    }

    /// <summary>Writes buffered records to the file (one write call). Large buffers are released.</summary>
    public void Flush()
    {
        if (_bufLen == 0)
        {
            return;
        }
        try
        {
            _file?.Write(_buf, 0, _bufLen);
            _size += _bufLen;
        }
        catch (IOException)
        {
            // Disk full or similar: drop this batch rather than stop reading the container's output.
        }
        _bufLen = 0;
        if (_buf.Length > 64 * 1024)
        {
            _buf = new byte[4096];
        }
    }

    private void Rotate()
    {
        Flush();
        _file?.Dispose();
        _file = null;
        int max = _options.MaxFiles;
        if (max >= 2)
        {
            for (int i = max - 1; i > 1; i--)
            {
                TryRename(_path + "." + (i - 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                          _path + "." + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            TryRename(_path, _path + ".1");
        }
        Open(truncate: true);
    }

    private static void TryRename(string from, string to)
    {
        try
        {
            File.Move(from, to, overwrite: true);
        }
        catch (FileNotFoundException)
        {
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private void Open(bool truncate)
    {
        var fso = new FileStreamOptions
        {
            Mode = truncate ? FileMode.Create : FileMode.Append,
            Access = FileAccess.Write,
            Share = FileShare.ReadWrite | FileShare.Delete,
            BufferSize = 0,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead,
        };
        _file = new FileStream(_path, fso);
        _size = _file.Length;
    }

    /// <summary>Upper bound of the encoded size of a message of <paramref name="length"/> bytes.</summary>
    protected abstract int MaxEncodedLength(int length);

    /// <summary>Encodes one record into <paramref name="dest"/> and returns its length.</summary>
    protected abstract int Encode(Span<byte> dest, LogStream stream, ReadOnlySpan<byte> message, bool partial, long nanos);

    public void Dispose()
    {
        Flush();
        _file?.Dispose();
        _file = null;
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// Docker's json-file format, byte for byte: one JSON object per line,
/// <c>{"log":"text\n","stream":"stdout","time":"2026-11-22T19:42:27.123456789Z"}</c>. The string escaping is
/// Docker's (jsonlog.ffjsonWriteJSONBytesAsString): \" \\ \n \r escaped by name, other control bytes and
/// &lt; &gt; &amp; as \u00XX, invalid UTF-8 as \ufffd per byte, U+2028/U+2029 escaped. A partial record's
/// "log" has no trailing "\n".
/// </summary>
public sealed class JsonFileLogWriter : LogFileWriter
{
    public JsonFileLogWriter(string path, LogFileOptions? options = null) : base(path, options)
    {
    }

    private static ReadOnlySpan<byte> Hex => "0123456789abcdef"u8;

    protected override int MaxEncodedLength(int length) => length * 6 + 96;

    protected override int Encode(Span<byte> dest, LogStream stream, ReadOnlySpan<byte> message, bool partial, long nanos)
    {
        int p = 0;
        "{\"log\":\""u8.CopyTo(dest);
        p += 8;
        p += EscapeDocker(message, dest[p..]);
        if (!partial)
        {
            dest[p++] = (byte)'\\';
            dest[p++] = (byte)'n';
        }
        var mid = stream == LogStream.Stderr ? "\",\"stream\":\"stderr\",\"time\":\""u8 : "\",\"stream\":\"stdout\",\"time\":\""u8;
        mid.CopyTo(dest[p..]);
        p += mid.Length;
        p += LogTime.FormatRfc3339Nano(nanos, dest[p..]);
        "\"}\n"u8.CopyTo(dest[p..]);
        return p + 3;
    }

    /// <summary>Escapes <paramref name="s"/> as Docker's json-file does (without quotes).</summary>
    public static int EscapeDocker(ReadOnlySpan<byte> s, Span<byte> dest)
    {
        int p = 0;
        int i = 0;
        while (i < s.Length)
        {
            byte b = s[i];
            if (b < 0x80)
            {
                if (b >= 0x20 && b != '\\' && b != '"' && b != '<' && b != '>' && b != '&')
                {
                    dest[p++] = b;
                    i++;
                    continue;
                }
                dest[p++] = (byte)'\\';
                switch (b)
                {
                    case (byte)'\\':
                    case (byte)'"':
                        dest[p++] = b;
                        break;
                    case (byte)'\n':
                        dest[p++] = (byte)'n';
                        break;
                    case (byte)'\r':
                        dest[p++] = (byte)'r';
                        break;
                    default:
                        dest[p++] = (byte)'u';
                        dest[p++] = (byte)'0';
                        dest[p++] = (byte)'0';
                        dest[p++] = Hex[b >> 4];
                        dest[p++] = Hex[b & 0xF];
                        break;
                }
                i++;
                continue;
            }
            var status = System.Text.Rune.DecodeFromUtf8(s[i..], out var rune, out int size);
            if (status != System.Buffers.OperationStatus.Done)
            {
                "\\ufffd"u8.CopyTo(dest[p..]);
                p += 6;
                i++;
                continue;
            }
            if (rune.Value == 0x2028 || rune.Value == 0x2029)
            {
                "\\u202"u8.CopyTo(dest[p..]);
                p += 5;
                dest[p++] = Hex[rune.Value & 0xF];
                i += size;
                continue;
            }
            s.Slice(i, size).CopyTo(dest[p..]);
            p += size;
            i += size;
        }
        return p;
    }
}

/// <summary>
/// Wharf's "local" format: compact binary records, readable forwards and backwards.
/// Each record: u32 big-endian N, then N bytes of body — u8 stream (1 stdout, 2 stderr), u8 flags
/// (bit 0: partial, i.e. no line end follows), i64 big-endian Unix nanoseconds, the message bytes
/// (without the '\n' of a full line) — then u32 big-endian N again. Rotation as json-file.
/// </summary>
public sealed class LocalLogWriter : LogFileWriter
{
    public const int RecordOverhead = 4 + 2 + 8 + 4;

    public LocalLogWriter(string path, LogFileOptions? options = null) : base(path, options)
    {
    }

    protected override int MaxEncodedLength(int length) => length + RecordOverhead;

    protected override int Encode(Span<byte> dest, LogStream stream, ReadOnlySpan<byte> message, bool partial, long nanos)
    {
        int body = 2 + 8 + message.Length;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(dest, (uint)body);
        dest[4] = (byte)stream;
        dest[5] = partial ? (byte)1 : (byte)0;
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(dest[6..], nanos);
        message.CopyTo(dest[14..]);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(dest[(14 + message.Length)..], (uint)body);
        return body + 8;
    }
}
