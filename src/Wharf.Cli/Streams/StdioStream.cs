using System.Runtime.InteropServices;

namespace Wharf.Cli.Streams;

/// <summary>
/// stdin, stdout or stderr as a stream over read(2)/write(2). A FileStream on a descriptor that is a
/// regular file keeps its own position and uses pread/pwrite, so it never moves the offset the shell
/// shares between the commands of a script: <c>{ wharf ps; wharf images; } &gt; out</c> would have the
/// second command overwrite the first. read/write use and advance that shared offset, as every Unix tool does.
/// </summary>
internal sealed partial class StdioStream(int fd, bool write) : Stream
{
    private const int EINTR = 4;
    private const int EAGAIN = 11;

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint SysRead(int fd, byte* buf, nint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint SysWrite(int fd, byte* buf, nint count);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int cmd);

    /// <summary>The stream, or null when the descriptor is closed.</summary>
    public static Stream? Open(int fd, bool write) => Fcntl(fd, 1 /* F_GETFD */) < 0 ? null : new StdioStream(fd, write);

    public override bool CanRead => !write;
    public override bool CanWrite => write;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override unsafe int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty) return 0;
        fixed (byte* p = buffer)
        {
            while (true)
            {
                var n = SysRead(fd, p, buffer.Length);
                if (n >= 0) return (int)n;
                var errno = Marshal.GetLastPInvokeError();
                if (errno == EINTR) continue;
                if (errno == EAGAIN) { Thread.Sleep(1); continue; }
                throw new IOException($"read: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
            }
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    // Reads block a thread-pool thread; stdin has nothing better to offer (no epoll on every file type).
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
        new(Task.Run(() => Read(buffer.Span), ct));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override unsafe void Write(ReadOnlySpan<byte> buffer)
    {
        fixed (byte* start = buffer)
        {
            var p = start;
            var left = (nint)buffer.Length;
            while (left > 0)
            {
                var n = SysWrite(fd, p, left);
                if (n >= 0) { p += n; left -= n; continue; }
                var errno = Marshal.GetLastPInvokeError();
                if (errno == EINTR) continue;
                if (errno == EAGAIN) { Thread.Sleep(1); continue; }
                throw new IOException($"write: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
            }
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override void Flush() { }
    public override Task FlushAsync(CancellationToken ct) => Task.CompletedTask;
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
