using System.Threading.Channels;
using Wharf.Api.Models;

namespace Wharf.Engine.Events;

/// <summary>In-process publish/subscribe of engine events, with a bounded history for `since`.</summary>
public sealed class EventBus
{
    private const int HistoryLimit = 1024;
    private readonly Lock _lock = new();
    private readonly LinkedList<EventMessage> _history = new();
    private readonly List<Channel<EventMessage>> _subscribers = [];

    public int ListenerCount { get { lock (_lock) return _subscribers.Count; } }

    public void Publish(string type, string action, string id, Dictionary<string, string>? attributes = null)
    {
        var now = DateTimeOffset.UtcNow;
        long nanos = (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        var msg = new EventMessage
        {
            Type = type,
            Action = action,
            Actor = new EventActor { ID = id, Attributes = attributes ?? [] },
            Time = nanos / 1_000_000_000,
            TimeNano = nanos,
        };
        if (type == "container" || type == "image")
        {
            msg.Status = action;
            msg.Id = id;
            if (type == "container" && msg.Actor.Attributes.TryGetValue("image", out var img)) msg.From = img;
        }
        lock (_lock)
        {
            _history.AddLast(msg);
            if (_history.Count > HistoryLimit) _history.RemoveFirst();
            foreach (var s in _subscribers) s.Writer.TryWrite(msg);
        }
    }

    /// <summary>Subscribes; returns past events at or after <paramref name="sinceNanos"/> and a live reader.</summary>
    public (List<EventMessage> Past, ChannelReader<EventMessage> Live, IDisposable Subscription) Subscribe(long? sinceNanos)
    {
        var ch = Channel.CreateUnbounded<EventMessage>(new UnboundedChannelOptions { SingleReader = true });
        lock (_lock)
        {
            var past = sinceNanos is null ? [] : _history.Where(e => e.TimeNano >= sinceNanos).ToList();
            _subscribers.Add(ch);
            return (past, ch.Reader, new Unsubscriber(this, ch));
        }
    }

    private sealed class Unsubscriber(EventBus bus, Channel<EventMessage> ch) : IDisposable
    {
        public void Dispose()
        {
            lock (bus._lock) bus._subscribers.Remove(ch);
            ch.Writer.TryComplete();
        }
    }
}
