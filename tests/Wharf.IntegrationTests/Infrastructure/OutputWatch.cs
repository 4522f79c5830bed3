using System.Text;

namespace Wharf.IntegrationTests.Infrastructure;

/// <summary>
/// Output of a process collected as it arrives, so a test can wait for a marker before it types the
/// next keys (a terminal swallows flow-control keys such as Ctrl-Q until the client made it raw).
/// </summary>
public sealed class OutputWatch : Stream
{
    private readonly MemoryStream _bytes = new();
    private readonly List<(string Text, TaskCompletionSource Seen)> _waiters = [];

    public string Text
    {
        get { lock (_bytes) return Encoding.UTF8.GetString(_bytes.ToArray()); }
    }

    public byte[] Bytes
    {
        get { lock (_bytes) return _bytes.ToArray(); }
    }

    /// <summary>Completes once the output contains <paramref name="text"/>; fails with the output so far after the timeout.</summary>
    public async Task WaitForAsync(string text, TimeSpan? timeout = null)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_bytes)
        {
            if (Encoding.UTF8.GetString(_bytes.ToArray()).Contains(text, StringComparison.Ordinal)) return;
            _waiters.Add((text, seen));
        }
        try
        {
            await seen.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"output never contained '{text}'; it was: {Text}");
        }
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        lock (_bytes)
        {
            _bytes.Write(buffer, offset, count);
            var now = Encoding.UTF8.GetString(_bytes.ToArray());
            foreach (var w in _waiters.Where(w => now.Contains(w.Text, StringComparison.Ordinal)).ToList())
            {
                w.Seen.TrySetResult();
                _waiters.Remove(w);
            }
        }
    }

    public override void Flush()
    {
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
