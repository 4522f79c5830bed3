using Wharf.Cli.Output;
using Wharf.Cli.Parsing;
using Wharf.Cli.Templates;

namespace Wharf.Cli.Commands;

/// <summary>ps / container ls.</summary>
internal static class ContainerListCommand
{
    public static CommandDef Create(string use, string[] aliases) => new CommandDef(use, "List containers")
    {
        Aliases = aliases,
        AliasesLine = "wharf container ls, wharf container list, wharf container ps, wharf ps",
        Args = ArgsRule.None,
        Run = ListAsync,
    }
        .Flag(new FlagDef("all", 'a', FlagType.Bool, "Show all containers (default shows just running)"))
        .Flag(Common.FilterFlag('f'))
        .Flag(Common.FormatFlag(table: true))
        .Flag(new FlagDef("last", 'n', FlagType.Int, "Show n last created containers (includes all states)", "-1"))
        .Flag(new FlagDef("latest", 'l', FlagType.Bool, "Show the latest created container (includes all states)"))
        .Flag(new FlagDef("no-trunc", null, FlagType.Bool, "Don't truncate output"))
        .Flag(new FlagDef("quiet", 'q', FlagType.Bool, "Only display container IDs"))
        .Flag(new FlagDef("size", 's', FlagType.Bool, "Display total file sizes"));

    static async Task<int> ListAsync(CommandContext ctx)
    {
        var f = ctx.Flags;
        var format = f.GetStringOrEmpty("format");
        var quiet = f.GetBool("quiet");
        if (format.Length > 0 && quiet) ctx.Err.Write("WARNING: Ignoring custom format, because both --format and --quiet are set.\n");
        if (format.Length > 0)
        {
            try { GoTemplate.Parse(Formatter.PreFormat(format)); }
            catch (TemplateException e) { throw new CliException("failed to parse template: " + e.GoMessage); }
        }
        var filters = Common.ReadFilters(ctx);
        var limit = f.GetInt("last");
        if (f.GetBool("latest") && limit == -1) limit = 1;
        var size = f.GetBool("size");
        // A template that shows .Size (or the whole row as JSON) makes docker ask for sizes, unless --size=false was given.
        if (format.Length > 0 && !quiet && !size && !f.Changed("size") && format is not "table" && ContainerRows.UsesSize(format)) size = true;
        var containers = await ctx.Client.ListContainersAsync(f.GetBool("all"), limit, size, filters, ctx.Cancel).ConfigureAwait(false);
        var rows = ContainerRows.Build(containers, trunc: !f.GetBool("no-trunc"), ctx.Now);
        ctx.Out.Write(Formatter.Render(ContainerRows.Format(format, quiet, size), ContainerRows.Header(), rows, ContainerRows.Methods));
        return 0;
    }
}
