using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Wharf.Api.Client;
using Wharf.Cli.Output;
using Wharf.Cli.Parsing;
using Wharf.Cli.Templates;

namespace Wharf.Cli.Commands;

/// <summary>logs, top, port, diff and container inspect.</summary>
internal static class ContainerInfoCommands
{
    // ------------------------------------------------------------------ logs

    public static CommandDef Logs() => new CommandDef("logs [OPTIONS] CONTAINER", "Fetch the logs of a container")
    {
        AliasesLine = "wharf container logs, wharf logs",
        Args = ArgsRule.Exact(1),
        Run = LogsAsync,
    }
        .Flag(new FlagDef("details", null, FlagType.Bool, "Show extra details provided to logs"))
        .Flag(new FlagDef("follow", 'f', FlagType.Bool, "Follow log output"))
        .Flag(new FlagDef("since", null, FlagType.String,
            "Show logs since timestamp (e.g. \"2013-01-02T13:23:37Z\") or relative (e.g. \"42m\" for 42 minutes)"))
        .Flag(new FlagDef("tail", 'n', FlagType.String, "Number of lines to show from the end of the logs", "all"))
        .Flag(new FlagDef("timestamps", 't', FlagType.Bool, "Show timestamps"))
        .Flag(new FlagDef("until", null, FlagType.String,
            "Show logs before a timestamp (e.g. \"2013-01-02T13:23:37Z\") or relative (e.g. \"42m\" for 42 minutes)"));

    static async Task<int> LogsAsync(CommandContext ctx)
    {
        var f = ctx.Flags;
        var c = await ctx.Client.InspectContainerAsync(ctx.Args[0], ct: ctx.Cancel).ConfigureAwait(false);
        var now = ctx.Now;
        var options = new ContainerLogsOptions
        {
            Since = f.GetStringOrEmpty("since") is { Length: > 0 } since ? EventsCommand.GetTimestamp(since, now) : null,
            Until = f.GetStringOrEmpty("until") is { Length: > 0 } until ? EventsCommand.GetTimestamp(until, now) : null,
            Timestamps = f.GetBool("timestamps"),
            Follow = f.GetBool("follow"),
            Tail = f.GetString("tail"),
            Details = f.GetBool("details"),
        };
        await using var body = await ctx.Client.ContainerLogsAsync(c.Id, options, ctx.Cancel).ConfigureAwait(false);
        ctx.Out.Flush();
        if (c.Config?.Tty == true)
        {
            var buffer = new byte[32 * 1024];
            int n;
            while ((n = await body.ReadAsync(buffer, ctx.Cancel).ConfigureAwait(false)) > 0)
            {
                await ctx.Console.OutStream.WriteAsync(buffer.AsMemory(0, n), ctx.Cancel).ConfigureAwait(false);
                await ctx.Console.OutStream.FlushAsync(ctx.Cancel).ConfigureAwait(false);
            }
        }
        else
        {
            await StdCopy.CopyAsync(body, ctx.Console.OutStream, ctx.Console.ErrStream, ctx.Cancel).ConfigureAwait(false);
        }
        return 0;
    }

    // ------------------------------------------------------------------ top

    public static CommandDef Top() => new("top CONTAINER [ps OPTIONS]", "Display the running processes of a container")
    {
        AliasesLine = "wharf container top, wharf top",
        Args = ArgsRule.AtLeast(1),
        Interspersed = false,
        Run = async ctx =>
        {
            var top = await ctx.Client.TopContainerAsync(ctx.Args[0], ctx.Args.Skip(1).ToList(), ctx.Cancel).ConfigureAwait(false);
            var sb = new StringBuilder();
            sb.Append(string.Join('\t', top.Titles)).Append('\n');
            foreach (var p in top.Processes) sb.Append(string.Join('\t', p)).Append('\n');
            var sw = new StringWriter { NewLine = "\n" };
            var tw = new TabWriter(sw, 20, 1, 3, ' ');
            tw.Write(sb.ToString());
            tw.Flush();
            ctx.Out.Write(sw.ToString());
            return 0;
        },
    };

    // ------------------------------------------------------------------ port

    public static CommandDef Port() => new("port CONTAINER [PRIVATE_PORT[/PROTO]]", "List port mappings or a specific mapping for the container")
    {
        AliasesLine = "wharf container port, wharf port",
        Args = ArgsRule.Range(1, 2),
        Run = async ctx =>
        {
            var c = await ctx.Client.InspectContainerAsync(ctx.Args[0], ct: ctx.Cancel).ConfigureAwait(false);
            var ports = c.NetworkSettings?.Ports ?? [];
            var output = new List<string>();
            if (ctx.Args.Count > 1)
            {
                var spec = ctx.Args[1];
                var slash = spec.IndexOf('/');
                var port = slash < 0 ? spec : spec[..slash];
                var proto = slash < 0 || slash == spec.Length - 1 ? "tcp" : spec[(slash + 1)..];
                if (!ushort.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                    throw new CliException($"Error: invalid port ({port}): strconv.ParseUint: parsing {FlagParser.GoQuote(port)}: " +
                                           (port.Length > 0 && port.All(char.IsAsciiDigit) ? "value out of range" : "invalid syntax"));
                if (!ports.TryGetValue(port + "/" + proto, out var frontends) || frontends is not { Count: > 0 })
                    throw new CliException($"Error: No public port '{spec}' published for {ctx.Args[0]}");
                output.AddRange(frontends.Select(b => JoinHostPort(b.HostIp ?? "", b.HostPort ?? "")));
            }
            else
            {
                foreach (var (from, frontends) in ports)
                    foreach (var b in frontends ?? [])
                        output.Add($"{from} -> {JoinHostPort(b.HostIp ?? "", b.HostPort ?? "")}");
            }
            output.Sort(NaturalCompare);
            if (output.Count > 0) ctx.Out.Write(string.Join("\n", output) + "\n");
            return 0;
        },
    };

    static string JoinHostPort(string host, string port) => host.Contains(':') ? $"[{host}]:{port}" : $"{host}:{port}";

    /// <summary>sortorder.NaturalLess: digit runs compare as numbers.</summary>
    internal static int NaturalCompare(string a, string b)
    {
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            if (char.IsAsciiDigit(a[i]) && char.IsAsciiDigit(b[j]))
            {
                int si = i, sj = j;
                while (i < a.Length && char.IsAsciiDigit(a[i])) i++;
                while (j < b.Length && char.IsAsciiDigit(b[j])) j++;
                var na = a[si..i].TrimStart('0');
                var nb = b[sj..j].TrimStart('0');
                if (na.Length != nb.Length) return na.Length.CompareTo(nb.Length);
                var c = string.CompareOrdinal(na, nb);
                if (c != 0) return c;
                continue;
            }
            if (a[i] != b[j]) return a[i].CompareTo(b[j]);
            i++;
            j++;
        }
        return (a.Length - i).CompareTo(b.Length - j);
    }

    // ------------------------------------------------------------------ diff

    public static CommandDef Diff() => new("diff CONTAINER", "Inspect changes to files or directories on a container's filesystem")
    {
        AliasesLine = "wharf container diff, wharf diff",
        Args = ArgsRule.Exact(1),
        Run = async ctx =>
        {
            var changes = await ctx.Client.ContainerChangesAsync(ctx.Args[0], ctx.Cancel).ConfigureAwait(false);
            var rows = changes.Select(c => (JsonNode?)new JsonObject { ["Path"] = c.Path, ["Type"] = c.KindLetter });
            ctx.Out.Write(Formatter.Render("{{.Type}} {{.Path}}", new JsonObject { ["Path"] = "PATH", ["Type"] = "CHANGE TYPE" }, rows));
            return 0;
        },
    };

    // ------------------------------------------------------------------ container inspect

    public static CommandDef Inspect() => new CommandDef("inspect [OPTIONS] CONTAINER [CONTAINER...]",
        "Display detailed information on one or more containers")
    {
        Args = ArgsRule.AtLeast(1),
        Run = ctx => ImageCommands.InspectObjectsAsync(ctx, "container"),
    }
        .Flag(Common.FormatFlag(table: false, 'f'))
        .Flag(new FlagDef("size", 's', FlagType.Bool, "Display total file sizes"));
}
