using System.Text;

namespace Wharf.Cli;

/// <summary>The process's standard streams and whether each is a terminal; tests build their own.</summary>
public sealed class CliConsole
{
    public required TextWriter Out { get; init; }
    public required TextWriter Err { get; init; }

    /// <summary>Raw stdout for binary output (save, logs, attach); flush <see cref="Out"/> before writing to it.</summary>
    public required Stream OutStream { get; init; }

    /// <summary>Raw stderr for container output; <see cref="Err"/> is flushed on every write.</summary>
    public required Stream ErrStream { get; init; }

    /// <summary>The controlling terminal: raw mode for stdin, window size of stdout.</summary>
    public ITerminal Terminal { get; init; } = Streams.NoTerminal.Instance;

    public required Stream InStream { get; init; }
    public bool InIsTerminal { get; init; }
    public bool OutIsTerminal { get; init; }
    public bool ErrIsTerminal { get; init; }

    static readonly UTF8Encoding Utf8NoBom = new(false);

    /// <summary>
    /// The process's fds 0, 1 and 2 as plain streams. System.Console's streams are avoided on purpose: on a terminal
    /// they read stdin line by line with their own echo and write terminal mode sequences, which `run -it` cannot have.
    /// </summary>
    public static CliConsole FromProcess()
    {
        var outStream = FdStream(1, FileAccess.Write);
        var errStream = FdStream(2, FileAccess.Write);
        return new CliConsole
        {
            OutStream = outStream,
            Out = new StreamWriter(outStream, Utf8NoBom, 65536) { AutoFlush = false, NewLine = "\n" },
            Err = new StreamWriter(errStream, Utf8NoBom, 4096) { AutoFlush = true, NewLine = "\n" },
            ErrStream = errStream,
            InStream = FdStream(0, FileAccess.Read),
            InIsTerminal = Streams.UnixTerminal.IsTerminal(0),
            OutIsTerminal = Streams.UnixTerminal.IsTerminal(1),
            ErrIsTerminal = Streams.UnixTerminal.IsTerminal(2),
            Terminal = new Streams.UnixTerminal(),
        };
    }

    // A closed stdio descriptor reads as empty and swallows writes.
    static Stream FdStream(int fd, FileAccess access) => Streams.StdioStream.Open(fd, access == FileAccess.Write) ?? Stream.Null;

    /// <summary>A console writing to memory, for tests.</summary>
    public static CliConsole ForTest(StringWriter output, StringWriter error, Stream? input = null, Stream? outStream = null,
        bool inIsTerminal = false, bool outIsTerminal = false, ITerminal? terminal = null) => new()
    {
        Out = output,
        Err = error,
        OutStream = outStream ?? new Streams.TextWriterStream(output),
        ErrStream = new Streams.TextWriterStream(error),
        Terminal = terminal ?? Streams.NoTerminal.Instance,
        InStream = input ?? Stream.Null,
        InIsTerminal = inIsTerminal,
        OutIsTerminal = outIsTerminal,
    };

    /// <summary>Reads one line from stdin (prompts), without buffering past it.</summary>
    public string? ReadLine()
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            int n = InStream.Read(one, 0, 1);
            if (n <= 0) return bytes.Count == 0 ? null : Encoding.UTF8.GetString(bytes.ToArray());
            if (one[0] == '\n') return Encoding.UTF8.GetString(bytes.ToArray()).TrimEnd('\r');
            bytes.Add(one[0]);
        }
    }
}
