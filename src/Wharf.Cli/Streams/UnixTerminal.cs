using System.Runtime.InteropServices;

namespace Wharf.Cli.Streams;

/// <summary>termios and TIOCGWINSZ through libc: raw mode as cfmakeraw sets it, restored exactly as it was.</summary>
public sealed partial class UnixTerminal : ITerminal
{
    const int StdinFd = 0;
    const int StdoutFd = 1;
    const int TcsaNow = 0;
    const ulong TiocGwinsz = 0x5413;
    // glibc's struct termios is 60 bytes on Linux; room to spare.
    const int TermiosSize = 128;

    [StructLayout(LayoutKind.Sequential)]
    struct WinSize
    {
        public ushort Rows;
        public ushort Cols;
        public ushort XPixel;
        public ushort YPixel;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int tcgetattr(int fd, byte* termios);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int tcsetattr(int fd, int optionalActions, byte* termios);

    [LibraryImport("libc")]
    private static unsafe partial void cfmakeraw(byte* termios);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int ioctl(int fd, ulong request, ref WinSize size);

    [LibraryImport("libc")]
    private static partial int isatty(int fd);

    /// <summary>isatty(fd).</summary>
    public static bool IsTerminal(int fd) => isatty(fd) == 1;

    public IDisposable MakeStdinRaw()
    {
        if (isatty(StdinFd) != 1) throw new IOException("the input device is not a TTY");
        var saved = new byte[TermiosSize];
        unsafe
        {
            fixed (byte* p = saved)
            {
                if (tcgetattr(StdinFd, p) != 0) throw new IOException($"tcgetattr failed: errno {Marshal.GetLastPInvokeError()}");
            }
            var raw = (byte[])saved.Clone();
            fixed (byte* p = raw)
            {
                cfmakeraw(p);
                if (tcsetattr(StdinFd, TcsaNow, p) != 0) throw new IOException($"tcsetattr failed: errno {Marshal.GetLastPInvokeError()}");
            }
        }
        var restorer = new Restorer(saved);
        // Also when the CLI is ended by a signal while the terminal is raw.
        AppDomain.CurrentDomain.ProcessExit += restorer.OnExit;
        return restorer;
    }

    public (int Rows, int Cols)? OutputSize()
    {
        var ws = default(WinSize);
        if (isatty(StdoutFd) != 1 || ioctl(StdoutFd, TiocGwinsz, ref ws) != 0) return null;
        return (ws.Rows, ws.Cols);
    }

    sealed class Restorer(byte[] saved) : IDisposable
    {
        int _done;

        public void OnExit(object? sender, EventArgs e) => Dispose();

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) != 0) return;
            AppDomain.CurrentDomain.ProcessExit -= OnExit;
            unsafe
            {
                fixed (byte* p = saved) tcsetattr(StdinFd, TcsaNow, p);
            }
        }
    }
}
