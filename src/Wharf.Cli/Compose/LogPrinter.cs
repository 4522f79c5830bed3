using System.Text;
using Wharf.Api.Client;
using Wharf.Api.Models;
using Wharf.Compose.Engine;

namespace Wharf.Cli.Compose;

/// <summary>Container logs as Compose shows them: "name  | line", a colour per container on a terminal.</summary>
internal sealed class LogPrinter(CommandContext ctx, bool colors, bool prefix)
{
    static readonly string[] Palette = ["36", "33", "32", "35", "34", "36;1", "33;1", "32;1", "35;1", "34;1"];

    readonly Lock _lock = new();
    readonly Dictionary<string, string> _color = new(StringComparer.Ordinal);
    int _width;

    public void Register(IEnumerable<ContainerSummary> containers)
    {
        lock (_lock)
            foreach (var c in containers)
            {
                var name = ComposeEngine.Name(c);
                _width = Math.Max(_width, name.Length);
                if (!_color.ContainsKey(name)) _color[name] = Palette[_color.Count % Palette.Length];
            }
    }

    public void Line(ContainerSummary c, string text, bool system = false)
    {
        var name = ComposeEngine.Name(c);
        var sb = new StringBuilder();
        lock (_lock)
        {
            if (prefix || system)
            {
                var label = name.PadRight(_width) + (system ? "  " : "  | ");
                if (colors && _color.TryGetValue(name, out var col)) sb.Append("\u001b[").Append(col).Append('m').Append(label).Append("\u001b[0m");
                else sb.Append(label);
            }
            sb.Append(text).Append('\n');
            ctx.Out.Write(sb.ToString());
            ctx.Out.Flush();
        }
    }

    /// <summary>Prints each container's logs (following them when <paramref name="follow"/>); <paramref name="onExit"/> gets each exit code.</summary>
    public Task FollowAsync(ComposeEngine engine, List<ContainerSummary> containers, bool timestamps, string? tail,
        Action<ContainerSummary, int>? onExit, CancellationToken ct, bool follow = true, string? since = null, string? until = null)
    {
        Register(containers);
        return Task.WhenAll(containers.Select(async c =>
        {
            var doc = await engine.Client.InspectContainerAsync(c.Id, ct: ct).ConfigureAwait(false);
            var options = new ContainerLogsOptions { Follow = follow, Timestamps = timestamps, Tail = tail ?? "all", Since = since, Until = until };
            try
            {
                await using var body = await engine.Client.ContainerLogsAsync(c.Id, options, ct).ConfigureAwait(false);
                await using var sink = new LineSink(line => Line(c, line));
                if (doc.Config?.Tty == true) await body.CopyToAsync(sink, ct).ConfigureAwait(false);
                else await StdCopy.CopyAsync(body, sink, sink, ct).ConfigureAwait(false);
            }
            catch (IOException) when (ct.IsCancellationRequested) { }
            if (onExit is not null && !ct.IsCancellationRequested)
            {
                var state = (await engine.Client.InspectContainerAsync(c.Id, ct: ct).ConfigureAwait(false)).State;
                onExit(c, state?.ExitCode ?? 0);
            }
        }));
    }

    /// <summary>A write-only stream that hands on complete lines.</summary>
    sealed class LineSink(Action<string> line) : Stream
    {
        readonly MemoryStream _pending = new();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            foreach (var b in buffer)
            {
                if (b == (byte)'\n')
                {
                    Emit();
                    continue;
                }
                _pending.WriteByte(b);
            }
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        void Emit()
        {
            var text = Encoding.UTF8.GetString(_pending.GetBuffer(), 0, (int)_pending.Length).TrimEnd('\r');
            _pending.SetLength(0);
            line(text);
        }

        public override ValueTask DisposeAsync()
        {
            if (_pending.Length > 0) Emit();
            return ValueTask.CompletedTask;
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
