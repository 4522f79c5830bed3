using System.Text.Json.Nodes;
using Wharf.Api.Client;
using Wharf.Api.Models;
using Wharf.Cli.Output;
using Wharf.Cli.Parsing;

namespace Wharf.Cli.Commands;

/// <summary>Flags and helpers several commands share.</summary>
internal static class Common
{
    public const string FormatUsageTable =
        "Format output using a custom template:\n" +
        "'table':            Print output in table format with column headers (default)\n" +
        "'table TEMPLATE':   Print output in table format using the given Go template\n" +
        "'json':             Print in JSON format\n" +
        "'TEMPLATE':         Print output using the given Go template.\n" +
        "Refer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates";

    public const string FormatUsagePlain =
        "Format output using a custom template:\n" +
        "'json':             Print in JSON format\n" +
        "'TEMPLATE':         Print output using the given Go template.\n" +
        "Refer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates";

    public static FlagDef FormatFlag(bool table, char? shorthand = null) =>
        new("format", shorthand, FlagType.String, table ? FormatUsageTable : FormatUsagePlain);

    public static FlagDef FilterFlag(char? shorthand, string usage = "Filter output based on conditions provided") =>
        new("filter", shorthand, FlagType.Filter, usage)
        {
            Validate = v => v.Length == 0 || v.Contains('=') ? null : Filters.BadFormatMessage,
        };

    public static FlagDef PlatformFlag(string usage, FlagType type = FlagType.String) => new("platform", null, type, usage);

    public static Filters ReadFilters(CommandContext ctx, string name = "filter")
    {
        var f = new Filters();
        foreach (var v in ctx.Flags.GetList(name))
        {
            if (!Filters.TryParseArg(v, f, out var err)) throw new CliException(err!, 125);
        }
        return f;
    }

    /// <summary>stringid.TruncateID: drop the algorithm prefix, keep 12 characters.</summary>
    public static string TruncateId(string id)
    {
        var i = id.IndexOf(':');
        if (i >= 0) id = id[(i + 1)..];
        return id.Length > 12 ? id[..12] : id;
    }

    /// <summary>formatter.Ellipsis for ASCII/BMP text: cut to width-1 and add "…".</summary>
    public static string Ellipsis(string s, int maxWidth)
    {
        if (maxWidth <= 0) return "";
        var runes = s.EnumerateRunes().ToList();
        if (runes.Count <= maxWidth) return s;
        if (maxWidth == 1) return runes[0].ToString();
        return string.Concat(runes.Take(maxWidth - 1).Select(r => r.ToString())) + "…";
    }

    public static async Task WriteAsync(CommandContext ctx, string text)
    {
        await ctx.Out.WriteAsync(text).ConfigureAwait(false);
    }

    /// <summary>Docker's yes/no prompt; true only for "y" or "Y".</summary>
    public static bool Confirm(CommandContext ctx, string message)
    {
        ctx.Out.Write(message + " [y/N] ");
        ctx.Out.Flush();
        var line = ctx.Console.ReadLine();
        if (line is null) return false;
        var answer = line.Trim();
        return answer is "y" or "Y";
    }

    public static JsonObject Obj(params (string Key, string Value)[] fields)
    {
        var o = new JsonObject();
        foreach (var (k, v) in fields) o[k] = v;
        return o;
    }

    /// <summary>Renders the daemon's JSON message stream like jsonmessage.DisplayJSONMessagesStream.</summary>
    public static Task DisplayStreamAsync(CommandContext ctx, IAsyncEnumerable<ProgressMessage> stream, bool isTerminal) =>
        ProgressDisplay.DisplayAsync(stream, ctx.Out, isTerminal, ctx.Cancel);
}
