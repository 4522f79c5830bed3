using System.Buffers;
using System.Text;

namespace Wharf.Daemon.Http;

/// <summary>
/// Follows HTTP/1.1 request boundaries on a connection's input and rewrites one case Kestrel refuses:
/// an upgrade request that carries a body (`docker exec -i` sends its JSON with `Upgrade: tcp`). Its
/// Content-Length is moved to `X-Wharf-Hijack-Body-Length`, so Kestrel upgrades and the handler reads the
/// body from the upgraded stream. After an upgrade every byte passes through untouched.
/// </summary>
public sealed class HttpHeadRewriter
{
    public const string BodyLengthHeader = "X-Wharf-Hijack-Body-Length";
    private const int MaxHead = 64 * 1024;

    private enum State { Head, Body, ChunkSize, ChunkData, ChunkDataEnd, Trailers, Raw }

    private State _state = State.Head;
    private readonly List<byte> _line = [];
    private long _remaining;

    /// <summary>True once an upgrade request went through: the connection is a raw stream from then on.</summary>
    public bool Upgraded => _state == State.Raw;

    /// <summary>Consumes input bytes and writes what Kestrel should see.</summary>
    public void Process(ReadOnlySequence<byte> input, IBufferWriter<byte> output)
    {
        foreach (var segment in input)
        {
            var span = segment.Span;
            while (span.Length > 0)
            {
                int used = Step(span, output);
                span = span[used..];
            }
        }
    }

    /// <summary>Bytes buffered because a head is incomplete (they are emitted once it completes).</summary>
    public int Pending => _line.Count;

    private int Step(ReadOnlySpan<byte> span, IBufferWriter<byte> output)
    {
        switch (_state)
        {
            case State.Raw:
                output.Write(span);
                return span.Length;
            case State.Body or State.ChunkData:
            {
                int n = (int)Math.Min(span.Length, _remaining);
                output.Write(span[..n]);
                _remaining -= n;
                if (_remaining == 0) _state = _state == State.Body ? State.Head : State.ChunkDataEnd;
                return n;
            }
            case State.Head:
            {
                // Collect until the empty line that ends the head. Lines may end in CRLF or a bare LF
                // (Docker.DotNet sends LF-only headers, and Kestrel accepts them).
                int i = 0;
                for (; i < span.Length; i++)
                {
                    _line.Add(span[i]);
                    if (span[i] != '\n') continue;
                    int c = _line.Count;
                    int lineStart = c - 1;
                    while (lineStart > 0 && _line[lineStart - 1] != '\n') lineStart--;
                    int lineLength = c - lineStart;
                    bool emptyLine = lineLength == 1 || (lineLength == 2 && _line[c - 2] == '\r');
                    if (!emptyLine) continue;
                    if (lineStart == 0)
                    {
                        // Stray empty lines between requests are allowed before a request line.
                        output.Write(_line.ToArray());
                        _line.Clear();
                        continue;
                    }
                    EmitHead(output);
                    return i + 1;
                }
                if (_line.Count > MaxHead) { FlushAsIs(output); _state = State.Raw; }
                return i;
            }
            default:
            {
                // Chunked framing: size line, data, CRLF, ... then trailers ending in an empty line.
                int i = 0;
                for (; i < span.Length; i++)
                {
                    _line.Add(span[i]);
                    if (span[i] != '\n') continue;
                    var line = Encoding.ASCII.GetString(_line.ToArray());
                    output.Write(_line.ToArray());
                    _line.Clear();
                    switch (_state)
                    {
                        case State.ChunkSize:
                            var size = line.Split(';')[0].Trim();
                            _remaining = long.TryParse(size, System.Globalization.NumberStyles.HexNumber, null, out var n) ? n : 0;
                            _state = _remaining == 0 ? State.Trailers : State.ChunkData;
                            break;
                        case State.ChunkDataEnd:
                            _state = State.ChunkSize;
                            break;
                        case State.Trailers:
                            if (line is "\r\n" or "\n") _state = State.Head;
                            break;
                    }
                    return i + 1;
                }
                return i;
            }
        }
    }

    private void FlushAsIs(IBufferWriter<byte> output)
    {
        output.Write(_line.ToArray());
        _line.Clear();
    }

    private void EmitHead(IBufferWriter<byte> output)
    {
        var head = Encoding.Latin1.GetString(_line.ToArray());
        _line.Clear();
        var lines = head.Split('\n');
        bool upgrade = false, chunked = false;
        long length = 0;
        int lengthLine = -1;
        for (int i = 1; i < lines.Length; i++)
        {
            int colon = lines[i].IndexOf(':');
            if (colon <= 0) continue;
            var name = lines[i][..colon].Trim();
            var value = lines[i][(colon + 1)..].Trim();
            if (name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase)) upgrade = true;
            else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && long.TryParse(value, out var l)) { length = l; lengthLine = i; }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && value.Contains("chunked", StringComparison.OrdinalIgnoreCase)) chunked = true;
        }
        if (upgrade && !chunked)
        {
            if (length > 0)
            {
                lines[lengthLine] = $"{BodyLengthHeader}: {length}" + (lines[lengthLine].EndsWith('\r') ? "\r" : "");
                head = string.Join('\n', lines);
            }
            output.Write(Encoding.Latin1.GetBytes(head));
            _state = State.Raw;
            return;
        }
        output.Write(Encoding.Latin1.GetBytes(head));
        if (chunked) _state = State.ChunkSize;
        else if (length > 0) { _remaining = length; _state = State.Body; }
        else _state = State.Head;
    }
}
