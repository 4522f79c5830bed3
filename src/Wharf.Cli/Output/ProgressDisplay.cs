using Wharf.Api.Models;
using Wharf.Cli.Parsing;

namespace Wharf.Cli.Output;

/// <summary>docker's jsonmessage display: status lines, per-id progress lines redrawn in place on a terminal.</summary>
public static class ProgressDisplay
{
    public static async Task DisplayAsync(IAsyncEnumerable<ProgressMessage> stream, TextWriter output, bool isTerminal,
        CancellationToken ct = default)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var jm in stream.WithCancellation(ct).ConfigureAwait(false))
        {
            if (jm.ErrorDetail is not null || jm.Error is not null)
            {
                await output.FlushAsync(ct).ConfigureAwait(false);
                var msg = jm.ErrorDetail?.Message is { Length: > 0 } m ? m : jm.Error ?? "unknown error";
                throw new CliException(msg);
            }
            int diff = 0;
            var hasProgress = jm.ProgressDetail is not null || !string.IsNullOrEmpty(jm.Progress);
            if (!string.IsNullOrEmpty(jm.Id) && hasProgress)
            {
                if (!ids.TryGetValue(jm.Id, out var line))
                {
                    line = ids.Count;
                    ids[jm.Id] = line;
                    if (isTerminal) output.Write("\n");
                }
                diff = ids.Count - line;
                if (isTerminal && diff > 0) output.Write($"\x1b[{diff}A");
            }
            else
            {
                ids.Clear();
            }
            Display(jm, output, isTerminal);
            if (!string.IsNullOrEmpty(jm.Id) && isTerminal && diff > 0) output.Write($"\x1b[{diff}B");
            if (isTerminal) await output.FlushAsync(ct).ConfigureAwait(false);
        }
        await output.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>JSONMessage.Display for one message (errors handled by the caller).</summary>
    public static void Display(ProgressMessage jm, TextWriter output, bool isTerminal)
    {
        var endl = "";
        var bar = jm.ProgressDetail is null ? "" : ProgressBar(jm.ProgressDetail.Current, jm.ProgressDetail.Total);
        if (isTerminal && jm.Stream is null && jm.ProgressDetail is not null)
        {
            output.Write("\x1b[2K");
            endl = "\r";
            output.Write(endl);
        }
        else if (jm.ProgressDetail is not null && bar.Length > 0)
        {
            return; // no progress bars off a terminal
        }
        if (!string.IsNullOrEmpty(jm.Id)) output.Write(jm.Id + ": ");
        if (jm.ProgressDetail is not null && isTerminal)
            output.Write($"{jm.Status} {(string.IsNullOrEmpty(jm.Progress) ? bar : jm.Progress)}{endl}");
        else if (!string.IsNullOrEmpty(jm.Progress))
            output.Write($"{jm.Status} {jm.Progress}{endl}");
        else if (!string.IsNullOrEmpty(jm.Stream))
            output.Write(jm.Stream + endl);
        else
            output.Write($"{jm.Status}{endl}\n");
    }

    /// <summary>JSONProgress.String at a wide terminal: "[=====>      ]  1.2MB/4.5MB".</summary>
    public static string ProgressBar(long current, long total)
    {
        if (current <= 0 && total <= 0) return "";
        if (total <= 0) return HumanUnits.HumanSize(current).PadLeft(8);
        var pct = (int)((double)current / total * 100) / 2;
        if (pct > 50) pct = 50;
        var box = "[" + new string('=', pct) + ">" + new string(' ', Math.Max(0, 50 - pct)) + "] ";
        var numbers = current > total
            ? HumanUnits.HumanSize(current).PadLeft(8)
            : HumanUnits.HumanSize(current).PadLeft(8) + "/" + HumanUnits.HumanSize(total);
        return box + numbers;
    }
}
