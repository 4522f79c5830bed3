using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace Wharf.Daemon.Http;

/// <summary>
/// Kestrel connection middleware for Docker's hijacked streams (attach, exec): lets an upgrade request
/// carry a body (see <see cref="HttpHeadRewriter"/>) and keeps a hijacked connection open for output
/// after the client half-closes (`echo x | docker run -i img wc -l` closes its sending side first).
/// </summary>
public static class HijackConnectionMiddleware
{
    public static Func<ConnectionDelegate, ConnectionDelegate> Create() => next => async connection =>
    {
        var wrapped = new HijackAwareConnection(connection);
        try
        {
            await next(wrapped);
        }
        finally
        {
            await wrapped.StopAsync();
        }
    };

    private sealed class HijackAwareConnection : ConnectionContext
    {
        private readonly ConnectionContext _inner;
        private readonly Pipe _input = new(new PipeOptions(useSynchronizationContext: false));
        private readonly CancellationTokenSource _closed = new();
        private readonly HttpHeadRewriter _rewriter = new();
        private readonly Task _pump;

        public HijackAwareConnection(ConnectionContext inner)
        {
            _inner = inner;
            Transport = new DuplexPipe(_input.Reader, inner.Transport.Output);
            // The inner token also fires on a clean FIN, which on a hijacked connection is only stdin EOF:
            // the pump turns a FIN into end of input, and only resets, faults and aborts close the connection.
            _pump = PumpAsync();
        }

        private async Task PumpAsync()
        {
            var reader = _inner.Transport.Input;
            try
            {
                while (true)
                {
                    var result = await reader.ReadAsync();
                    if (result.IsCanceled) break;
                    _rewriter.Process(result.Buffer, _input.Writer);
                    reader.AdvanceTo(result.Buffer.End);
                    var flush = await _input.Writer.FlushAsync();
                    if (result.IsCompleted || flush.IsCompleted) break;
                }
                await _input.Writer.CompleteAsync();
            }
            catch (Exception e)
            {
                await _input.Writer.CompleteAsync(e);
                _closed.Cancel();
            }
        }

        public async Task StopAsync()
        {
            // The client may still hold its side open (a terminal's stdin): wake the pump instead of waiting for bytes.
            _inner.Transport.Input.CancelPendingRead();
            _input.Writer.CancelPendingFlush();
            try { await _pump; } catch (Exception) { }
            await _inner.Transport.Input.CompleteAsync();
            _closed.Cancel();
        }

        public override IDuplexPipe Transport { get; set; }
        public override string ConnectionId { get => _inner.ConnectionId; set => _inner.ConnectionId = value; }
        public override IFeatureCollection Features => _inner.Features;
        public override IDictionary<object, object?> Items { get => _inner.Items; set => _inner.Items = value; }
        public override CancellationToken ConnectionClosed { get => _closed.Token; set { } }
        public override EndPoint? LocalEndPoint { get => _inner.LocalEndPoint; set => _inner.LocalEndPoint = value; }
        public override EndPoint? RemoteEndPoint { get => _inner.RemoteEndPoint; set => _inner.RemoteEndPoint = value; }
        public override void Abort(ConnectionAbortedException abortReason)
        {
            _inner.Abort(abortReason);
            _closed.Cancel();
        }

        public override void Abort()
        {
            _inner.Abort();
            _closed.Cancel();
        }
        public override ValueTask DisposeAsync() => _inner.DisposeAsync();
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }
}
