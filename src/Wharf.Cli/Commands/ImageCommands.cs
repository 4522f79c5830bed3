using System.Text;
using System.Text.Json.Nodes;
using Wharf.Api.Client;
using Wharf.Cli.Output;
using Wharf.Cli.Parsing;

namespace Wharf.Cli.Commands;

/// <summary>images / image ls, history, tag, rmi / image rm.</summary>
internal static class ImageCommands
{
    // ------------------------------------------------------------------ images, image ls

    public static CommandDef List(string use, string[] aliases) => new CommandDef(use, "List images")
    {
        Aliases = aliases,
        AliasesLine = "wharf image ls, wharf image list, wharf images",
        Args = ArgsRule.AtMost(1),
        Run = ListAsync,
    }
        .Flag(new FlagDef("all", 'a', FlagType.Bool, "Show all images (default hides intermediate images)"))
        .Flag(new FlagDef("digests", null, FlagType.Bool, "Show digests"))
        .Flag(Common.FilterFlag('f'))
        .Flag(Common.FormatFlag(table: true))
        .Flag(new FlagDef("no-trunc", null, FlagType.Bool, "Don't truncate output"))
        .Flag(new FlagDef("quiet", 'q', FlagType.Bool, "Only show image IDs"));

    static async Task<int> ListAsync(CommandContext ctx)
    {
        var filters = Common.ReadFilters(ctx);
        if (ctx.Args.Count == 1) filters.Add("reference", ctx.Args[0]);
        var quiet = ctx.Flags.GetBool("quiet");
        var digests = ctx.Flags.GetBool("digests");
        var format = ImageRows.ImageFormat(ctx.Flags.GetString("format"), quiet, digests);
        var images = await ctx.Client.ListImagesAsync(ctx.Flags.GetBool("all"), filters, ct: ctx.Cancel).ConfigureAwait(false);
        var rows = ImageRows.Build(images, trunc: !ctx.Flags.GetBool("no-trunc"), digests, ctx.Now);
        ctx.Out.Write(Formatter.Render(format, ImageRows.ImageHeader(), rows));
        return 0;
    }

    // ------------------------------------------------------------------ history

    public static CommandDef History(string use) => new CommandDef(use, "Show the history of an image")
    {
        AliasesLine = "wharf image history, wharf history",
        Args = ArgsRule.Exact(1),
        Run = HistoryAsync,
    }
        .Flag(Common.FormatFlag(table: true))
        .Flag(new FlagDef("human", 'H', FlagType.Bool, "Print sizes and dates in human readable format", "true"))
        .Flag(new FlagDef("no-trunc", null, FlagType.Bool, "Don't truncate output"))
        .Flag(Common.PlatformFlag("Show history for the given platform. Formatted as \"os[/arch[/variant]]\" (e.g., \"linux/amd64\")"))
        .Flag(new FlagDef("quiet", 'q', FlagType.Bool, "Only show image IDs"));

    static async Task<int> HistoryAsync(CommandContext ctx)
    {
        var items = await ctx.Client.ImageHistoryAsync(ctx.Args[0], ctx.Cancel).ConfigureAwait(false);
        var format = ctx.Flags.GetString("format");
        if (string.IsNullOrEmpty(format) || format == Formatter.TableKey)
            format = ctx.Flags.GetBool("quiet") ? ImageRows.QuietFormat : ImageRows.HistoryTable;
        var rows = ImageRows.History(items, trunc: !ctx.Flags.GetBool("no-trunc"), human: ctx.Flags.GetBool("human"), ctx.Now);
        ctx.Out.Write(Formatter.Render(format, ImageRows.HistoryHeader(ctx.Flags.GetBool("human")), rows));
        return 0;
    }

    // ------------------------------------------------------------------ tag

    public static CommandDef Tag(string use) => new(use, "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE")
    {
        AliasesLine = "wharf image tag, wharf tag",
        Args = ArgsRule.Exact(2),
        Run = TagAsync,
    };

    static async Task<int> TagAsync(CommandContext ctx)
    {
        var source = ctx.Args[0];
        var target = ctx.Args[1];
        if (!ImageReference.TryParse(source, out _, out var srcErr))
            throw new CliException($"Error parsing reference: {FlagParser.GoQuote(source)} is not a valid repository/tag: {srcErr}");
        if (!ImageReference.TryParse(target, out var tref, out var err))
            throw new CliException($"Error parsing reference: {FlagParser.GoQuote(target)} is not a valid repository/tag: {err}");
        if (tref!.Digest is not null) throw new CliException("refusing to create a tag with a digest reference");
        await ctx.Client.TagImageAsync(source, tref.Name, tref.Tag ?? "latest", ctx.Cancel).ConfigureAwait(false);
        return 0;
    }

    // ------------------------------------------------------------------ rmi, image rm

    public static CommandDef Remove(string use, string[] aliases) => new CommandDef(use, "Remove one or more images")
    {
        Aliases = aliases,
        AliasesLine = "wharf image rm, wharf image remove, wharf rmi",
        Args = ArgsRule.AtLeast(1),
        Run = RemoveAsync,
    }
        .Flag(new FlagDef("force", 'f', FlagType.Bool, "Force removal of the image"))
        .Flag(new FlagDef("no-prune", null, FlagType.Bool, "Do not delete untagged parents"))
        .Flag(Common.PlatformFlag("Remove only the given platform variant. Formatted as \"os[/arch[/variant]]\" (e.g., \"linux/amd64\")",
            FlagType.Strings));

    static async Task<int> RemoveAsync(CommandContext ctx)
    {
        var errors = new List<string>();
        foreach (var name in ctx.Args)
        {
            try
            {
                var dels = await ctx.Client.RemoveImageAsync(name, ctx.Flags.GetBool("force"), ctx.Flags.GetBool("no-prune"), ctx.Cancel)
                    .ConfigureAwait(false);
                var sb = new StringBuilder();
                foreach (var d in dels)
                {
                    if (!string.IsNullOrEmpty(d.Deleted)) sb.Append("Deleted: ").Append(d.Deleted).Append('\n');
                    else if (!string.IsNullOrEmpty(d.Untagged)) sb.Append("Untagged: ").Append(d.Untagged).Append('\n');
                }
                ctx.Out.Write(sb.ToString());
            }
            catch (WharfApiException e)
            {
                errors.Add("Error response from daemon: " + e.Message);
            }
        }
        if (errors.Count > 0) throw new CliException(string.Join("\n", errors));
        return 0;
    }

    // ------------------------------------------------------------------ image inspect, inspect

    public static CommandDef ImageInspect() => new CommandDef("inspect [OPTIONS] IMAGE [IMAGE...]",
        "Display detailed information on one or more images")
    {
        Args = ArgsRule.AtLeast(1),
        Run = ctx => InspectObjectsAsync(ctx, "image"),
    }
        .Flag(Common.FormatFlag(table: false, 'f'))
        .Flag(Common.PlatformFlag("Inspect a specific platform of the multi-platform image.\nIf the image or the server is not multi-platform capable, the command will error out if the platform does not match.\n'os[/arch[/variant]]': Explicit platform (eg. linux/amd64)"));

    static readonly string[] ValidTypes = ["config", "container", "image", "network", "node", "plugin", "secret", "service", "task", "volume"];

    public static CommandDef Inspect() => new CommandDef("inspect [OPTIONS] NAME|ID [NAME|ID...]", "Return low-level information on Wharf objects")
    {
        Args = ArgsRule.AtLeast(1),
        Run = ctx =>
        {
            var type = ctx.Flags.GetStringOrEmpty("type");
            if (type.Length > 0 && !ValidTypes.Contains(type))
                throw new CliException($"unknown type: {FlagParser.GoQuote(type)}: must be one of " +
                                       string.Join(", ", ValidTypes.Select(FlagParser.GoQuote)));
            return InspectObjectsAsync(ctx, type);
        },
    }
        .Flag(Common.FormatFlag(table: false, 'f'))
        .Flag(new FlagDef("size", 's', FlagType.Bool, "Display total file sizes if the type is container"))
        .Flag(new FlagDef("type", null, FlagType.String, "Only inspect objects of the given type"));

    static string PathFor(string type, string name, bool size) => type switch
    {
        "container" => "/containers/" + Uri.EscapeDataString(name) + "/json" + (size ? "?size=1" : ""),
        "image" => "/images/" + Uri.EscapeDataString(name) + "/json",
        "network" => "/networks/" + Uri.EscapeDataString(name),
        "volume" => "/volumes/" + Uri.EscapeDataString(name),
        "plugin" => "/plugins/" + Uri.EscapeDataString(name) + "/json",
        _ => "/" + type + "s/" + Uri.EscapeDataString(name),
    };

    /// <summary>docker's inspect: each name as the given type (or the first type that knows it), as JSON or through -f.</summary>
    internal static async Task<int> InspectObjectsAsync(CommandContext ctx, string type)
    {
        var format = ctx.Flags.GetStringOrEmpty("format");
        var size = ctx.Command.Flags.Any(f => f.Name == "size") && ctx.Flags.GetBool("size");
        var raws = new List<byte[]>();
        var errors = new List<string>();
        foreach (var name in ctx.Args)
        {
            if (type.Length > 0)
            {
                try
                {
                    raws.Add(await ctx.Client.GetRawAsync(PathFor(type, name, size), ctx.Cancel).ConfigureAwait(false));
                }
                catch (WharfApiException e)
                {
                    errors.Add("Error response from daemon: " + e.Message);
                }
                continue;
            }
            byte[]? found = null;
            foreach (var t in new[] { "container", "image", "network", "volume" })
            {
                try
                {
                    found = await ctx.Client.GetRawAsync(PathFor(t, name, size), ctx.Cancel).ConfigureAwait(false);
                    break;
                }
                catch (WharfApiException e) when (e.StatusCode is 404 or 400 or 501)
                {
                }
            }
            if (found is null) errors.Add("Error: No such object: " + name);
            else raws.Add(found);
        }
        if (format.Length == 0 || Formatter.IsJson(format))
        {
            if (Formatter.IsJson(format))
            {
                ctx.Out.Write("[" + string.Join(",", raws.Select(r => JsonCompact.Compact(r))) + "]\n");
            }
            else if (raws.Count == 0) ctx.Out.Write("[]\n");
            else
            {
                var joined = new List<byte> { (byte)'[' };
                for (int i = 0; i < raws.Count; i++)
                {
                    if (i > 0) joined.Add((byte)',');
                    joined.AddRange(raws[i]);
                }
                joined.Add((byte)']');
                ctx.Out.Write(JsonIndent.Indent(joined.ToArray()) + "\n");
            }
        }
        else
        {
            var template = Formatter.PreFormat(format);
            foreach (var r in raws) ctx.Out.Write(Formatter.Execute(template, JsonNode.Parse(r)) + "\n");
        }
        if (errors.Count > 0) throw new CliException(string.Join("\n", errors));
        return 0;
    }
}
