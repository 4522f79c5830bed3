using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Wharf.Api.Client;
using Wharf.Cli.Output;
using Wharf.Cli.Parsing;

namespace Wharf.Cli.Commands;

/// <summary>
/// stats: one stats stream per container, the table redrawn in place every 500 ms (or printed once with --no-stream).
/// Without names it follows the running containers (all with -a), looking for new and gone ones every second.
/// </summary>
internal static class StatsCommand
{
    public static CommandDef Create() => new CommandDef("stats [OPTIONS] [CONTAINER...]",
        "Display a live stream of container(s) resource usage statistics")
    {
        AliasesLine = "wharf container stats, wharf stats",
        Args = ArgsRule.Any,
        Run = StatsAsync,
    }
        .Flag(new FlagDef("all", 'a', FlagType.Bool, "Show all containers (default shows just running)"))
        .Flag(Common.FormatFlag(table: true))
        .Flag(new FlagDef("no-stream", null, FlagType.Bool, "Disable streaming stats and only pull the first result"))
        .Flag(new FlagDef("no-trunc", null, FlagType.Bool, "Do not truncate output"));

    /// <summary>The latest numbers of one container and its collector.</summary>
    sealed class Collector
    {
        public required string Container { get; init; }
        public StatsEntry Entry = new();
        public string? Error;
        public readonly TaskCompletionSource First = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly CancellationTokenSource Stop = new();
    }

    static async Task<int> StatsAsync(CommandContext ctx)
    {
        var noStream = ctx.Flags.GetBool("no-stream");
        var trunc = !ctx.Flags.GetBool("no-trunc");
        var showAll = ctx.Args.Count == 0;
        var format = StatsRows.Format(ctx.Flags.GetString("format"));
        var collectors = new ConcurrentDictionary<string, Collector>(StringComparer.Ordinal);
        var order = new List<string>();

        void Add(string container)
        {
            var c = new Collector { Container = container, Entry = new StatsEntry { Container = container } };
            if (!collectors.TryAdd(container, c)) return;
            lock (order) order.Add(container);
            _ = CollectAsync(ctx, c, !noStream);
        }

        void Remove(string container)
        {
            if (!collectors.TryRemove(container, out var c)) return;
            c.Stop.Cancel();
            lock (order) order.Remove(container);
        }

        async Task<HashSet<string>> RefreshAsync()
        {
            var list = await ctx.Client.ListContainersAsync(ctx.Flags.GetBool("all"), ct: ctx.Cancel).ConfigureAwait(false);
            var ids = list.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var id in ids) Add(id);
            foreach (var gone in collectors.Keys.Where(k => !ids.Contains(k)).ToList()) Remove(gone);
            return ids;
        }

        if (showAll) await RefreshAsync().ConfigureAwait(false);
        else foreach (var name in ctx.Args) Add(name);

        // Like docker, wait for every container's first sample (or its error) before printing.
        await Task.WhenAll(collectors.Values.Select(c => c.First.Task.WaitAsync(TimeSpan.FromSeconds(5))))
            .ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        if (!showAll)
        {
            var errors = order.Select(n => collectors[n].Error).OfType<string>().ToList();
            if (errors.Count > 0 && (noStream || errors.Count == order.Count)) throw new CliException(string.Join("\n", errors));
        }

        if (noStream)
        {
            ctx.Out.Write(Render(format, Snapshot(collectors, order), trunc));
            return 0;
        }

        var lastRefresh = DateTime.UtcNow;
        while (!ctx.Cancel.IsCancellationRequested)
        {
            var entries = Snapshot(collectors, order);
            var text = Render(format, entries, trunc);
            var frame = new StringBuilder("\x1b[H");
            foreach (var line in text.TrimEnd('\n').Split('\n')) frame.Append(line).Append("\x1b[K\n");
            frame.Append("\x1b[J");
            ctx.Out.Write(frame.ToString());
            ctx.Out.Flush();
            if (!showAll && collectors.Values.All(c => c.Error is not null)) return 0;
            try { await Task.Delay(500, ctx.Cancel).ConfigureAwait(false); }
            catch (OperationCanceledException) { break; }
            if (showAll && DateTime.UtcNow - lastRefresh > TimeSpan.FromSeconds(1))
            {
                lastRefresh = DateTime.UtcNow;
                try { await RefreshAsync().ConfigureAwait(false); }
                catch (WharfApiException) { }
            }
        }
        return 130;
    }

    static List<StatsEntry> Snapshot(ConcurrentDictionary<string, Collector> collectors, List<string> order)
    {
        lock (order) return order.Where(collectors.ContainsKey).Select(n => collectors[n].Entry).ToList();
    }

    static string Render(string format, List<StatsEntry> entries, bool trunc) =>
        Formatter.Render(format, StatsRows.Header(), entries.Select(e => (JsonNode?)StatsRows.Row(e, trunc)));

    /// <summary>Reads one container's stats frames into its collector until stopped or the stream ends.</summary>
    static async Task CollectAsync(CommandContext ctx, Collector c, bool stream)
    {
        try
        {
            await foreach (var frame in ctx.Client.ContainerStatsAsync(c.Container, stream, ct: c.Stop.Token).ConfigureAwait(false))
            {
                c.Entry = StatsEntry.From(c.Container, frame);
                c.Error = null;
                c.First.TrySetResult();
                if (!stream) break;
            }
        }
        catch (WharfApiException e)
        {
            c.Error = "Error response from daemon: " + e.Message;
            c.Entry = c.Entry with { IsInvalid = true };
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
        {
            c.Entry = c.Entry with { IsInvalid = true };
        }
        finally
        {
            c.First.TrySetResult();
        }
    }
}
