using Wharf.Api.Json;
using Wharf.Daemon.Http;
using Wharf.Engine;
using Wharf.Engine.Events;

namespace Wharf.Daemon.Endpoints;

/// <summary>GET /events: past events since `since`, then live ones until `until` or the client leaves.</summary>
public static class EventEndpoints
{
    public static void Map(ApiRouter r, WharfEngine engine)
    {
        r.Get("/events", async ctx =>
        {
            var filter = new EventFilter(ctx.Filters());
            long? since = ParseTime(ctx.Query("since"), "since");
            long? until = ParseTime(ctx.Query("until"), "until");
            if (since is not null && until is not null && since > until)
                throw new BadRequestException("`since` time is after `until` time");
            var (past, live, sub) = engine.Events.Subscribe(since);
            using var _ = sub;
            await ctx.BeginStreamAsync();
            foreach (var e in past)
            {
                if (until is not null && e.TimeNano > until) break;
                if (filter.Matches(e)) await ctx.StreamLineAsync(e, WharfJsonContext.Default.EventMessage);
            }
            var nowNanos = (DateTimeOffset.UtcNow.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
            if (until is not null && until <= nowNanos) return;
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.Aborted);
            if (until is not null) cts.CancelAfter(TimeSpan.FromTicks((until.Value - nowNanos) / 100));
            try
            {
                await foreach (var e in live.ReadAllAsync(cts.Token))
                {
                    if (until is not null && e.TimeNano > until) break;
                    if (filter.Matches(e)) await ctx.StreamLineAsync(e, WharfJsonContext.Default.EventMessage);
                }
            }
            catch (OperationCanceledException) { }
        });
    }

    /// <summary>Docker's timestamps: unix seconds with optional fraction, RFC 3339, or a Go duration ago.</summary>
    internal static long? ParseTime(string? value, string name)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (decimal.TryParse(value, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var secs))
            return (long)(secs * 1_000_000_000m);
        if (DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var t))
            return (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        if (GoDuration.TryParse(value, out var d))
            return (DateTimeOffset.UtcNow.Add(-d).UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        throw new BadRequestException($"invalid value for {name}: {value}");
    }
}
