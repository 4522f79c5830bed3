using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Wharf.Api.Models;
using Wharf.Cli.Output;
using Wharf.Cli.Parsing;

namespace Wharf.Cli.Commands;

/// <summary>events / system events.</summary>
internal static class EventsCommand
{
    public static CommandDef Create(string use) => new CommandDef(use, "Get real time events from the server")
    {
        AliasesLine = "wharf system events, wharf events",
        Args = ArgsRule.None,
        Run = RunAsync,
    }
        .Flag(Common.FilterFlag('f'))
        .Flag(Common.FormatFlag(table: false))
        .Flag(new FlagDef("since", null, FlagType.String, "Show all events created since timestamp"))
        .Flag(new FlagDef("until", null, FlagType.String, "Stream events until this timestamp"));

    static async Task<int> RunAsync(CommandContext ctx)
    {
        var filters = Common.ReadFilters(ctx);
        var now = ctx.Now;
        var since = ctx.Flags.GetStringOrEmpty("since");
        var until = ctx.Flags.GetStringOrEmpty("until");
        since = since.Length == 0 ? null : GetTimestamp(since, now);
        until = until.Length == 0 ? null : GetTimestamp(until, now);
        var format = ctx.Flags.GetStringOrEmpty("format");
        GoTemplateRunner? tmpl = format.Length > 0 ? new GoTemplateRunner(Formatter.PreFormat(format)) : null;
        try
        {
            await foreach (var ev in ctx.Client.EventsAsync(since, until, filters, ctx.Cancel).ConfigureAwait(false))
            {
                if (tmpl is not null)
                {
                    ctx.Out.Write(tmpl.Execute(ToGoJson(ev)) + "\n");
                }
                else ctx.Out.Write(PrettyLine(ev));
                await ctx.Out.FlushAsync(ctx.Cancel).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ctx.Cancel.IsCancellationRequested)
        {
        }
        return 0;
    }

    /// <summary>events.Message in Go field order, legacy fields omitted when empty, for --format.</summary>
    public static JsonObject ToGoJson(EventMessage ev)
    {
        var o = new JsonObject();
        if (!string.IsNullOrEmpty(ev.Status)) o["status"] = ev.Status;
        if (!string.IsNullOrEmpty(ev.Id)) o["id"] = ev.Id;
        if (!string.IsNullOrEmpty(ev.From)) o["from"] = ev.From;
        o["Type"] = ev.Type;
        o["Action"] = ev.Action;
        var attrs = new JsonObject();
        foreach (var (k, v) in ev.Actor.Attributes) attrs[k] = v;
        o["Actor"] = new JsonObject { ["ID"] = ev.Actor.ID, ["Attributes"] = attrs };
        o["scope"] = ev.Scope;
        o["time"] = ev.Time;
        o["timeNano"] = ev.TimeNano;
        return o;
    }

    /// <summary>docker's prettyPrintEvent.</summary>
    public static string PrettyLine(EventMessage ev)
    {
        var sb = new StringBuilder();
        if (ev.TimeNano != 0) sb.Append(GoTime.Rfc3339NanoFixed(ev.TimeNano)).Append(' ');
        else if (ev.Time != 0) sb.Append(GoTime.Rfc3339NanoFixed(ev.Time * 1_000_000_000L)).Append(' ');
        sb.Append(ev.Type).Append(' ').Append(ev.Action).Append(' ').Append(ev.Actor.ID);
        if (ev.Actor.Attributes.Count > 0)
        {
            var attrs = ev.Actor.Attributes.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value);
            sb.Append(" (").Append(string.Join(", ", attrs)).Append(')');
        }
        return sb.Append('\n').ToString();
    }

    /// <summary>
    /// docker's timetypes.GetTimestamp: a Go duration ("10m") is now minus it in whole seconds; "0" and unix timestamps
    /// pass through; RFC 3339 and shorter date forms (local time unless a zone is given) become "seconds.nanoseconds".
    /// </summary>
    public static string GetTimestamp(string value, DateTimeOffset now)
    {
        if (value != "0" && TryParseGoDuration(value, out var d))
            return (now - d).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var inLocation = value.IndexOfAny(['z', 'Z', '+']) < 0 && value.Count(c => c == '-') != 3;
        string[] formats;
        if (value.Contains('.'))
            formats = inLocation ? ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFF"] : ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"];
        else if (value.Contains('T'))
        {
            var colons = value.Count(c => c == ':');
            if (!inLocation && value.IndexOfAny(['z', 'Z']) < 0 && colons > 0) colons--;
            formats = colons switch
            {
                0 => inLocation ? ["yyyy-MM-dd'T'HH"] : ["yyyy-MM-dd'T'HHK"],
                1 => inLocation ? ["yyyy-MM-dd'T'HH:mm"] : ["yyyy-MM-dd'T'HH:mmK"],
                _ => inLocation ? ["yyyy-MM-dd'T'HH:mm:ss"] : ["yyyy-MM-dd'T'HH:mm:ssK"],
            };
        }
        else formats = inLocation ? ["yyyy-MM-dd"] : ["yyyy-MM-ddK"];
        if (DateTimeOffset.TryParseExact(value, formats, CultureInfo.InvariantCulture,
                inLocation ? DateTimeStyles.AssumeUniversal : DateTimeStyles.None, out var t))
        {
            if (inLocation)
            {
                var offset = GoTime.Zone.GetUtcOffset(t.DateTime);
                t = new DateTimeOffset(DateTime.SpecifyKind(t.DateTime, DateTimeKind.Unspecified), offset);
            }
            return Unix(t);
        }
        if (value.Contains('-')) throw new CliException($"parsing time {FlagParser.GoQuote(value)}: invalid format");
        var parts = value.Split('.');
        if (parts.Length <= 2 && parts.All(p => p.Length > 0 && p.All(char.IsAsciiDigit)))
            return value;
        throw new CliException($"failed to parse value as time or duration: {FlagParser.GoQuote(value)}");
    }

    static string Unix(DateTimeOffset t)
    {
        var ticks = t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var secs = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var rem);
        if (rem < 0) { secs--; rem += TimeSpan.TicksPerSecond; }
        return secs.ToString(CultureInfo.InvariantCulture) + "." + (rem * 100).ToString("000000000", CultureInfo.InvariantCulture);
    }

    /// <summary>Go's time.ParseDuration for the units ns, us, µs, ms, s, m, h.</summary>
    public static bool TryParseGoDuration(string s, out TimeSpan result)
    {
        result = TimeSpan.Zero;
        if (s.Length == 0) return false;
        int i = 0;
        bool neg = false;
        if (s[0] is '-' or '+')
        {
            neg = s[0] == '-';
            i++;
        }
        if (i >= s.Length) return false;
        if (s[i..] == "0") return true;
        double totalNs = 0;
        while (i < s.Length)
        {
            int start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.')) i++;
            if (i == start) return false;
            if (!double.TryParse(s[start..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var num)) return false;
            int us = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.') i++;
            double mult = s[us..i] switch
            {
                "ns" => 1,
                "us" or "µs" or "μs" => 1e3,
                "ms" => 1e6,
                "s" => 1e9,
                "m" => 60e9,
                "h" => 3600e9,
                _ => -1,
            };
            if (mult < 0) return false;
            totalNs += num * mult;
        }
        result = TimeSpan.FromTicks((long)(totalNs / 100) * (neg ? -1 : 1));
        return true;
    }
}

/// <summary>A parsed template reused across rows.</summary>
internal sealed class GoTemplateRunner(string template)
{
    readonly Templates.GoTemplate _t = Templates.GoTemplate.Parse(template);

    public string Execute(JsonNode? data) => _t.Execute(data);
}
