using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace Wharf.Engine.Logs;

/// <summary>
/// One log entry. <see cref="Bytes"/> is what `docker logs` prints for it: the line with its trailing '\n',
/// or, for a partial record (a piece of a line longer than 16 KiB, or an unterminated last line), the bytes
/// without one.
/// </summary>
public readonly record struct LogRecord(LogStream Stream, long TimeNanos, byte[] Bytes)
{
    public bool Partial => Bytes.Length == 0 || Bytes[^1] != (byte)'\n';
    public DateTime Time => LogTime.FromNanos(TimeNanos);
}

/// <summary>What to read (Docker's `logs` options).</summary>
public sealed class LogReadOptions
{
    /// <summary>Only records at or after this time (Unix nanoseconds).</summary>
    public long? SinceNanos { get; set; }

    /// <summary>Only records at or before this time (Unix nanoseconds); reading stops at the first later one.</summary>
    public long? UntilNanos { get; set; }

    /// <summary>Only the last N records (found by reading backwards from the end); -1 = all.
    /// As in Docker, tail is applied first, then since/until.</summary>
    public int Tail { get; set; } = -1;

    /// <summary>Keep reading as the writer appends, across rotations, until cancelled or <see cref="StopFollowing"/>.</summary>
    public bool Follow { get; set; }

    /// <summary>When this completes (e.g. the container exited), a follow reads what is left and ends.</summary>
    public Task? StopFollowing { get; set; }

    /// <summary>How often a follow looks for new data.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    public static LogReadOptions Since(DateTime utc) => new() { SinceNanos = LogTime.ToNanos(utc) };
}

/// <summary>
/// Reads a rotated log set written by <see cref="LogFileWriter"/> (or by Docker, for json-file): FILE.(n) ...
/// FILE.1, FILE, oldest first.
/// </summary>
public abstract partial class RotatedLogReader
{
    private const int ChunkSize = 64 * 1024;

    protected RotatedLogReader(string path)
    {
        Path = path;
    }

    public string Path { get; }

    protected enum ParseResult
    {
        Incomplete,
        Record,
        Skip,
    }

    /// <summary>Parses one record at the start of <paramref name="data"/>.</summary>
    protected abstract ParseResult TryParse(ReadOnlySpan<byte> data, out LogRecord record, out int consumed);

    /// <summary>
    /// Finds where the last <paramref name="need"/> records of the file's first <paramref name="end"/> bytes
    /// start, reading backwards; lowers <paramref name="need"/> by the records passed (0 when all were found).
    /// </summary>
    protected abstract long FindTailStart(SafeFileHandle file, long end, ref int need);

    /// <summary>Synchronous read without follow.</summary>
    public List<LogRecord> ReadAll(LogReadOptions? options = null)
    {
        var o = options ?? new LogReadOptions();
        if (o.Follow)
        {
            throw new ArgumentException("use ReadAsync to follow", nameof(options));
        }
        var list = new List<LogRecord>();
        var e = ReadAsync(o).GetAsyncEnumerator();
        try
        {
            while (e.MoveNextAsync().AsTask().GetAwaiter().GetResult())
            {
                list.Add(e.Current);
            }
        }
        finally
        {
            e.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return list;
    }

    /// <summary>The files of the set that exist, oldest first.</summary>
    public List<string> ExistingFiles()
    {
        var rotated = new List<string>();
        for (int i = 1; ; i++)
        {
            string p = Path + "." + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!File.Exists(p))
            {
                break;
            }
            rotated.Add(p);
        }
        rotated.Reverse();
        if (File.Exists(Path))
        {
            rotated.Add(Path);
        }
        return rotated;
    }

    private sealed class OpenFile : IDisposable
    {
        public required SafeFileHandle Handle;
        public required ulong Inode;
        public long Position;

        public void Dispose() => Handle.Dispose();
    }

    private static OpenFile? TryOpen(string path)
    {
        try
        {
            var h = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return new OpenFile { Handle = h, Inode = FdInode(h) };
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    public async IAsyncEnumerable<LogRecord> ReadAsync(LogReadOptions options, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var files = new List<OpenFile>();
        try
        {
            // Open the whole set at once so a rotation while we read moves names, not our handles.
            var names = ExistingFiles();
            foreach (var n in names)
            {
                var f = TryOpen(n);
                if (f != null)
                {
                    files.Add(f);
                }
            }
            bool liveOpen = names.Count > 0 && names[^1] == Path && files.Count > 0;
            int first = 0;
            if (options.Tail >= 0)
            {
                int need = options.Tail;
                first = files.Count;
                for (int i = files.Count - 1; i >= 0 && need > 0; i--)
                {
                    long len = RandomAccess.GetLength(files[i].Handle);
                    files[i].Position = FindTailStart(files[i].Handle, len, ref need);
                    first = i;
                }
                if (options.Tail == 0)
                {
                    first = files.Count;
                    if (files.Count > 0)
                    {
                        files[^1].Position = RandomAccess.GetLength(files[^1].Handle);
                        first = files.Count - 1;
                    }
                }
            }
            var reader = new ChunkReader(this);
            for (int i = first; i < files.Count; i++)
            {
                bool isLive = liveOpen && i == files.Count - 1;
                foreach (var r in reader.ReadAvailable(files[i], final: !(isLive && options.Follow)))
                {
                    if (Filter(r, options, out bool stop))
                    {
                        yield return r;
                    }
                    if (stop)
                    {
                        yield break;
                    }
                }
                if (!isLive)
                {
                    reader.Reset();
                }
            }
            if (!options.Follow)
            {
                yield break;
            }

            OpenFile? live = liveOpen ? files[^1] : null;
            while (true)
            {
                bool stopping = options.StopFollowing is { IsCompleted: true };
                if (live == null)
                {
                    live = TryOpen(Path);
                    if (live != null)
                    {
                        files.Add(live);
                        reader.Reset();
                    }
                }
                bool progressed = false;
                if (live != null)
                {
                    long len = RandomAccess.GetLength(live.Handle);
                    if (len < live.Position)
                    {
                        live.Position = 0; // truncated in place (max-file=1)
                        reader.Reset();
                    }
                    foreach (var r in reader.ReadAvailable(live, final: false))
                    {
                        progressed = true;
                        if (Filter(r, options, out bool stop))
                        {
                            yield return r;
                        }
                        if (stop)
                        {
                            yield break;
                        }
                    }
                    if (!progressed && LstatInode(Path) is var now && now != live.Inode)
                    {
                        // Rotated: finish the old file, then any files rotated after it, then the new live file.
                        foreach (var r in reader.ReadAvailable(live, final: true))
                        {
                            if (Filter(r, options, out bool stop))
                            {
                                yield return r;
                            }
                            if (stop)
                            {
                                yield break;
                            }
                        }
                        reader.Reset();
                        var (rotatedFiles, newLive) = OpenRotatedSince(live.Inode);
                        foreach (var f in rotatedFiles)
                        {
                            files.Add(f);
                            foreach (var r in reader.ReadAvailable(f, final: true))
                            {
                                if (Filter(r, options, out bool stop))
                                {
                                    yield return r;
                                }
                                if (stop)
                                {
                                    yield break;
                                }
                            }
                            reader.Reset();
                        }
                        live = newLive;
                        if (live is not null) files.Add(live);
                        continue;
                    }
                }
                if (stopping)
                {
                    yield break;
                }
                if (!progressed)
                {
                    try
                    {
                        if (options.StopFollowing != null)
                        {
                            await Task.WhenAny(Task.Delay(options.PollInterval, ct), options.StopFollowing).ConfigureAwait(false);
                            ct.ThrowIfCancellationRequested();
                        }
                        else
                        {
                            await Task.Delay(options.PollInterval, ct).ConfigureAwait(false);
                        }
                    }
                    catch (OperationCanceledException)
                    {
                        yield break;
                    }
                }
            }
        }
        finally
        {
            foreach (var f in files)
            {
                f.Dispose();
            }
        }
    }

    private static bool Filter(in LogRecord r, LogReadOptions o, out bool stop)
    {
        stop = false;
        if (o.UntilNanos is long until && r.TimeNanos > until)
        {
            stop = true;
            return false;
        }
        return o.SinceNanos is not long since || r.TimeNanos >= since;
    }

    /// <summary>Forward reading with a carry-over buffer for records split across reads.</summary>
    private sealed class ChunkReader(RotatedLogReader owner)
    {
        private byte[] _buf = new byte[ChunkSize];
        private int _start;
        private int _end;

        public void Reset()
        {
            _start = 0;
            _end = 0;
        }

        public IEnumerable<LogRecord> ReadAvailable(OpenFile f, bool final)
        {
            while (true)
            {
                // Parse what is buffered.
                while (_start < _end)
                {
                    var res = owner.TryParse(_buf.AsSpan(_start, _end - _start), out var rec, out int used);
                    if (res == ParseResult.Incomplete)
                    {
                        break;
                    }
                    _start += used;
                    if (res == ParseResult.Record)
                    {
                        yield return rec;
                    }
                }
                // Make room and read more.
                if (_start > 0)
                {
                    Buffer.BlockCopy(_buf, _start, _buf, 0, _end - _start);
                    _end -= _start;
                    _start = 0;
                }
                if (_end == _buf.Length)
                {
                    Array.Resize(ref _buf, _buf.Length * 2);
                }
                int n = RandomAccess.Read(f.Handle, _buf.AsSpan(_end), f.Position);
                if (n <= 0)
                {
                    if (final)
                    {
                        Reset(); // an unterminated tail in a finished file is a torn write: dropped
                    }
                    yield break;
                }
                f.Position += n;
                _end += n;
            }
        }
    }

    private static ulong FdInode(SafeFileHandle h) => Native.Libc.TryFstat(h, out var st) ? st.Ino : 0;

    /// <summary>
    /// Opens, oldest first, the files rotated after the one with inode <paramref name="oldLive"/>. The writer
    /// may rotate again while we look, renaming every file: the scan is repeated until two scans agree
    /// and each opened handle is the file the scan saw, so no file is skipped or read twice.
    /// </summary>
    private (List<OpenFile> Rotated, OpenFile? Live) OpenRotatedSince(ulong oldLive)
    {
        for (int attempt = 0; ; attempt++)
        {
            var seen = ScanRotated(oldLive);
            var liveInode = LstatInode(Path);
            var opened = new List<OpenFile>();
            bool ok = true;
            foreach (var (p, ino) in seen)
            {
                var f = TryOpen(p);
                if (f is null || f.Inode != ino)
                {
                    f?.Dispose();
                    ok = false;
                    break;
                }
                opened.Add(f);
            }
            // The live file belongs to the same snapshot: opening it by name later could skip one rotated meanwhile.
            var live = ok && liveInode != 0 ? TryOpen(Path) : null;
            if (live is not null && live.Inode != liveInode) ok = false;
            if (ok && (attempt >= 50 || (ScanRotated(oldLive).SequenceEqual(seen) && LstatInode(Path) == liveInode)))
            {
                opened.Reverse();
                return (opened, live);
            }
            live?.Dispose();
            foreach (var f in opened) f.Dispose();
        }
    }

    private List<(string Path, ulong Inode)> ScanRotated(ulong oldLive)
    {
        var list = new List<(string, ulong)>();
        for (int k = 1; k < 1000; k++)
        {
            string p = Path + "." + k.ToString(System.Globalization.CultureInfo.InvariantCulture);
            ulong ino = LstatInode(p);
            if (ino == 0 || ino == oldLive)
            {
                break;
            }
            list.Add((p, ino));
        }
        return list;
    }

    /// <summary>Inode of the file at <paramref name="path"/>, 0 if it does not exist.</summary>
    private static ulong LstatInode(string path) => Native.Libc.TryLstat(path, out var st) ? st.Ino : 0;

    /// <summary>Reads the bytes [from, to) of a file.</summary>
    protected static void ReadAt(SafeFileHandle h, Span<byte> dest, long offset)
    {
        while (dest.Length > 0)
        {
            int n = RandomAccess.Read(h, dest, offset);
            if (n <= 0)
            {
                throw new EndOfStreamException();
            }
            dest = dest[n..];
            offset += n;
        }
    }
}

/// <summary>Reads Docker's json-file logs (FILE-json.log, FILE-json.log.1, ...).</summary>
public sealed class JsonFileLogReader : RotatedLogReader
{
    public JsonFileLogReader(string path) : base(path)
    {
    }

    protected override ParseResult TryParse(ReadOnlySpan<byte> data, out LogRecord record, out int consumed)
    {
        record = default;
        int nl = data.IndexOf((byte)'\n');
        if (nl < 0)
        {
            consumed = 0;
            return ParseResult.Incomplete;
        }
        consumed = nl + 1;
        return TryParseLine(data[..nl], out record) ? ParseResult.Record : ParseResult.Skip;
    }

    /// <summary>Parses one json-file line (without its newline).</summary>
    public static bool TryParseLine(ReadOnlySpan<byte> line, out LogRecord record)
    {
        record = default;
        byte[]? log = null;
        var stream = LogStream.Stdout;
        long time = 0;
        bool haveTime = false;
        try
        {
            var r = new Utf8JsonReader(line);
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                if (r.ValueTextEquals("log"u8))
                {
                    r.Read();
                    if (r.TokenType != JsonTokenType.String)
                    {
                        return false;
                    }
                    log = UnescapedBytes(ref r);
                }
                else if (r.ValueTextEquals("stream"u8))
                {
                    r.Read();
                    stream = r.ValueTextEquals("stderr"u8) ? LogStream.Stderr : LogStream.Stdout;
                }
                else if (r.ValueTextEquals("time"u8))
                {
                    r.Read();
                    if (r.TokenType == JsonTokenType.String)
                    {
                        haveTime = LogTime.TryParseRfc3339(UnescapedBytes(ref r), out time);
                    }
                }
                else
                {
                    r.Read();
                    r.Skip();
                }
            }
        }
        catch (JsonException)
        {
            return false;
        }
        if (log == null || !haveTime)
        {
            return false;
        }
        record = new LogRecord(stream, time, log);
        return true;
    }

    private static byte[] UnescapedBytes(ref Utf8JsonReader r)
    {
        if (!r.ValueIsEscaped && !r.HasValueSequence)
        {
            return r.ValueSpan.ToArray();
        }
        int max = r.HasValueSequence ? checked((int)r.ValueSequence.Length) : r.ValueSpan.Length;
        var buf = new byte[max];
        int n = r.CopyString(buf);
        return n == buf.Length ? buf : buf.AsSpan(0, n).ToArray();
    }

    protected override long FindTailStart(SafeFileHandle file, long end, ref int need)
    {
        var buf = new byte[64 * 1024];
        long pos = end;
        bool first = true;
        long lastNewline = -1; // index of the newline that ends the last complete line
        int found = 0;
        while (pos > 0)
        {
            int n = (int)Math.Min(buf.Length, pos);
            pos -= n;
            ReadAt(file, buf.AsSpan(0, n), pos);
            for (int i = n - 1; i >= 0; i--)
            {
                if (buf[i] != (byte)'\n')
                {
                    continue;
                }
                if (first)
                {
                    first = false;
                    lastNewline = pos + i;
                    continue;
                }
                found++;
                if (found == need)
                {
                    need = 0;
                    return pos + i + 1;
                }
            }
        }
        if (lastNewline >= 0)
        {
            found++; // the first line of the file
        }
        need -= found;
        return 0;
    }
}

/// <summary>Reads the "local" format written by <see cref="LocalLogWriter"/>.</summary>
public sealed class LocalLogReader : RotatedLogReader
{
    public LocalLogReader(string path) : base(path)
    {
    }

    protected override ParseResult TryParse(ReadOnlySpan<byte> data, out LogRecord record, out int consumed)
    {
        record = default;
        consumed = 0;
        if (data.Length < 4)
        {
            return ParseResult.Incomplete;
        }
        uint body = BinaryPrimitives.ReadUInt32BigEndian(data);
        if (body < 10 || body > 1 << 24)
        {
            consumed = data.Length; // corrupt: give up on what is buffered
            return ParseResult.Skip;
        }
        int total = (int)body + 8;
        if (data.Length < total)
        {
            return ParseResult.Incomplete;
        }
        consumed = total;
        if (BinaryPrimitives.ReadUInt32BigEndian(data[(total - 4)..]) != body)
        {
            return ParseResult.Skip;
        }
        var stream = data[4] == 2 ? LogStream.Stderr : LogStream.Stdout;
        bool partial = (data[5] & 1) != 0;
        long nanos = BinaryPrimitives.ReadInt64BigEndian(data[6..]);
        var msg = data.Slice(14, (int)body - 10);
        byte[] bytes = new byte[msg.Length + (partial ? 0 : 1)];
        msg.CopyTo(bytes);
        if (!partial)
        {
            bytes[^1] = (byte)'\n';
        }
        record = new LogRecord(stream, nanos, bytes);
        return ParseResult.Record;
    }

    protected override long FindTailStart(SafeFileHandle file, long end, ref int need)
    {
        Span<byte> len = stackalloc byte[4];
        long pos = end;
        while (need > 0 && pos >= LocalLogWriter.RecordOverhead)
        {
            ReadAt(file, len, pos - 4);
            long body = BinaryPrimitives.ReadUInt32BigEndian(len);
            long start = pos - body - 8;
            if (body < 10 || start < 0)
            {
                break;
            }
            ReadAt(file, len, start);
            if (BinaryPrimitives.ReadUInt32BigEndian(len) != body)
            {
                break;
            }
            pos = start;
            need--;
        }
        return pos;
    }
}
