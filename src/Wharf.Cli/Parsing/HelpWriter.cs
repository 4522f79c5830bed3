using System.Text;

namespace Wharf.Cli.Parsing;

/// <summary>Renders help in docker's cobra template, with pflag's wrapped flag usages.</summary>
public static class HelpWriter
{
    public static string CommandHelp(CommandDef cmd, int cols)
    {
        var sb = new StringBuilder();
        if (cmd.IsGroup) sb.Append("Usage:  ").Append(cmd.CommandPath).Append(" COMMAND\n");
        else sb.Append("Usage:  ").Append(cmd.UseLine).Append('\n');
        sb.Append('\n').Append((cmd.Long ?? cmd.Short).Trim()).Append('\n');
        if (cmd.AliasesLine is not null) sb.Append("\nAliases:\n  ").Append(cmd.AliasesLine).Append('\n');
        var visible = cmd.Flags.Where(f => !f.Hidden).ToList();
        if (visible.Count > 0 && cmd.Parent is not null)
        {
            sb.Append("\nOptions:\n").Append(FlagUsagesWrapped(visible, cols).TrimEnd()).Append('\n');
        }
        if (cmd.IsGroup)
        {
            sb.Append("\nCommands:\n");
            AppendCommandList(sb, cmd.Children.Where(c => !c.Hidden));
            sb.Append("\nRun '").Append(cmd.CommandPath).Append(" COMMAND --help' for more information on a command.\n");
        }
        return sb.ToString();
    }

    public static void AppendCommandList(StringBuilder sb, IEnumerable<CommandDef> commands)
    {
        var list = commands.ToList();
        int pad = Math.Max(11, list.Count == 0 ? 0 : list.Max(c => c.Name.Length)) + 1;
        foreach (var c in list.OrderBy(c => c.Name, StringComparer.Ordinal))
            sb.Append("  ").Append(c.Name.PadRight(pad)).Append(c.Short).Append('\n');
    }

    /// <summary>pflag's FlagSet.FlagUsagesWrapped.</summary>
    public static string FlagUsagesWrapped(IEnumerable<FlagDef> flags, int cols)
    {
        var lines = new List<string>();
        int maxlen = 0;
        foreach (var f in flags.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            if (f.Hidden) continue;
            var line = f.Shorthand is { } c && f.ShorthandDeprecated is null ? $"  -{c}, --{f.Name}" : $"      --{f.Name}";
            var (varname, usage) = UnquoteUsage(f);
            if (varname.Length > 0) line += " " + varname;
            line += "\0";
            if (line.Length > maxlen) maxlen = line.Length;
            line += usage;
            if (!f.DefaultIsZero)
            {
                line += f.Type == FlagType.String ? $" (default {FlagParser.GoQuote(f.DefaultValue!)})" : $" (default {f.DefaultValue})";
            }
            lines.Add(line);
        }
        var sb = new StringBuilder();
        foreach (var line in lines)
        {
            var sidx = line.IndexOf('\0');
            var spacing = new string(' ', maxlen - sidx);
            sb.Append(line[..sidx]).Append(' ').Append(spacing).Append(' ').Append(Wrap(maxlen + 2, cols, line[(sidx + 1)..])).Append('\n');
        }
        return sb.ToString();
    }

    static (string Varname, string Usage) UnquoteUsage(FlagDef f)
    {
        var usage = f.Usage;
        var a = usage.IndexOf('`');
        if (a >= 0)
        {
            var b = usage.IndexOf('`', a + 1);
            if (b > a) return (usage[(a + 1)..b], usage[..a] + usage[(a + 1)..b] + usage[(b + 1)..]);
        }
        return (f.TypeName, usage);
    }

    static (string, string) WrapN(int i, int slop, string s)
    {
        if (i + slop > s.Length) return (s, "");
        var w = s[..i].LastIndexOfAny([' ', '\t', '\n']);
        if (w <= 0) return (s, "");
        var nl = s[..i].LastIndexOf('\n');
        if (nl > 0 && nl < w) return (s[..nl], s[(nl + 1)..]);
        return (s[..w], s[(w + 1)..]);
    }

    static string Wrap(int i, int w, string s)
    {
        if (w == 0) return s.Replace("\n", "\n" + new string(' ', i));
        var wrap = w - i;
        var r = "";
        if (wrap < 24)
        {
            i = 16;
            wrap = w - i;
            r += "\n" + new string(' ', i);
        }
        if (wrap < 24) return s.Replace("\n", r);
        const int slop = 5;
        wrap -= slop;
        var (l, rest) = WrapN(wrap, slop, s);
        r += l.Replace("\n", "\n" + new string(' ', i));
        s = rest;
        while (s.Length > 0)
        {
            (var t, s) = WrapN(wrap, slop, s);
            r += "\n" + new string(' ', i) + t.Replace("\n", "\n" + new string(' ', i));
        }
        return r;
    }
}
