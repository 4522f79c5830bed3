namespace Wharf.IntegrationTests.Infrastructure;

/// <summary>
/// Keyboard input for a process under `script`: each step waits (for output or a delay), then types its
/// bytes. After the last step the input stays open until <paramref name="holdOpen"/> completes, because
/// `script` turns the end of its input into an end-of-file character for the program inside.
/// </summary>
public sealed class ScriptedInput(IEnumerable<(Func<Task> Before, byte[] Keys)> steps, Func<Task> holdOpen) : Stream
{
    private readonly IEnumerator<(Func<Task> Before, byte[] Keys)> _steps = steps.GetEnumerator();
    private byte[] _pending = [];
    private int _offset;
    private bool _done;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_offset == _pending.Length)
        {
            if (_done) return 0;
            if (!_steps.MoveNext())
            {
                _done = true;
                try
                {
                    await holdOpen().WaitAsync(cancellationToken);
                }
                catch (TimeoutException)
                {
                    // The test's assertions say what was missing.
                }
                return 0;
            }
            await _steps.Current.Before();
            _pending = _steps.Current.Keys;
            _offset = 0;
        }
        var n = Math.Min(buffer.Length, _pending.Length - _offset);
        _pending.AsMemory(_offset, n).CopyTo(buffer);
        _offset += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
