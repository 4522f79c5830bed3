using System.Text;

namespace Wharf.Cli;

/// <summary>The process's standard streams and whether each is a terminal; tests build their own.</summary>
public sealed class CliConsole
{
    public required TextWriter Out { get; init; }
    public required TextWriter Err { get; init; }

    /// <summary>Raw stdout for binary output (save); flush <see cref="Out"/> before writing to it.</summary>
    public required Stream OutStream { get; init; }

    public required Stream InStream { get; init; }
    public bool InIsTerminal { get; init; }
    public bool OutIsTerminal { get; init; }
    public bool ErrIsTerminal { get; init; }

    static readonly UTF8Encoding Utf8NoBom = new(false);

    public static CliConsole FromProcess()
    {
        var outStream = Console.OpenStandardOutput();
        var errStream = Console.OpenStandardError();
        return new CliConsole
        {
            OutStream = outStream,
            Out = new StreamWriter(outStream, Utf8NoBom, 65536) { AutoFlush = false, NewLine = "\n" },
            Err = new StreamWriter(errStream, Utf8NoBom, 4096) { AutoFlush = true, NewLine = "\n" },
            InStream = Console.OpenStandardInput(),
            InIsTerminal = !Console.IsInputRedirected,
            OutIsTerminal = !Console.IsOutputRedirected,
            ErrIsTerminal = !Console.IsErrorRedirected,
        };
    }

    /// <summary>A console writing to memory, for tests.</summary>
    public static CliConsole ForTest(StringWriter output, StringWriter error, Stream? input = null, Stream? outStream = null,
        bool inIsTerminal = false, bool outIsTerminal = false) => new()
    {
        Out = output,
        Err = error,
        OutStream = outStream ?? Stream.Null,
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
