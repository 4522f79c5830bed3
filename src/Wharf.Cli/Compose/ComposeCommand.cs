using System.Text;
using Wharf.Cli.Parsing;
using Wharf.Compose.Engine;
using Wharf.Compose.Loading;
using Wharf.Compose.Model;
using Wharf.Compose.Yaml;

namespace Wharf.Cli.Compose;

/// <summary>`wharf compose`: the project flags, then one of the compose commands, each a pure Engine API client.</summary>
internal static class ComposeCommand
{
    public static CommandDef Create()
    {
        var cmd = new CommandDef("compose [OPTIONS] COMMAND", "Define and run multi-container applications")
        {
            Long = "Define and run multi-container applications with Docker Compose files.\n\nCommands:\n" + CommandList(),
            Interspersed = false,
            Run = RunAsync,
            Group = "management",
        };
        foreach (var f in ProjectFlags()) cmd.Flag(f);
        return cmd;
    }

    static List<FlagDef> ProjectFlags() =>
    [
        new("file", 'f', FlagType.List, "Compose configuration files"),
        new("project-name", 'p', FlagType.String, "Project name"),
        new("project-directory", null, FlagType.String, "Specify an alternate working directory\n(default: the path of the, first specified, Compose file)"),
        new("env-file", null, FlagType.List, "Specify an alternate environment file"),
        new("profile", null, FlagType.List, "Specify a profile to enable"),
        new("ansi", null, FlagType.String, "Control when to print ANSI control characters (\"never\"|\"always\"|\"auto\")", "auto"),
        new("progress", null, FlagType.String, "Set type of progress output (auto, tty, plain, quiet)", "auto"),
        new("parallel", null, FlagType.Int, "Control max parallelism, -1 for unlimited", "-1"),
        new("compatibility", null, FlagType.Bool, "Run compose in backward compatibility mode"),
        new("dry-run", null, FlagType.Bool, "Execute command in dry run mode") { Hidden = true },
    ];

    static string CommandList()
    {
        var sb = new StringBuilder();
        HelpWriter.AppendCommandList(sb, Commands(null!));
        return sb.ToString().TrimEnd();
    }

    /// <summary>The compose commands; <paramref name="s"/> carries the project flags into their actions.</summary>
    static List<CommandDef> Commands(ComposeSession s) =>
    [
        .. ComposeLifecycleCommands.All(s),
        .. ComposeInfoCommands.All(s),
        .. ComposeRunCommands.All(s),
    ];

    static async Task<int> RunAsync(CommandContext ctx)
    {
        var session = new ComposeSession(ctx);
        var group = new CommandDef("compose", "Docker Compose");
        foreach (var f in ProjectFlags()) group.Flag(f);
        new CommandDef("wharf", "").Add(group);
        group.Add([.. Commands(session)]);
        if (ctx.Args.Count == 0)
        {
            ctx.Out.Write(HelpWriter.CommandHelp(group, ctx.App.HelpColumns));
            return 0;
        }
        var sub = group.FindChild(ctx.Args[0]);
        if (sub is null)
        {
            ctx.Err.Write($"unknown docker command: \"compose {ctx.Args[0]}\"\n");
            return 1;
        }
        FlagParseResult parsed;
        try
        {
            parsed = FlagParser.Parse(sub.Flags, ctx.Args.Skip(1).ToList(), sub.Interspersed);
        }
        catch (FlagParseException e)
        {
            ctx.Err.Write($"{e.Message}\n\nUsage:  {sub.UseLine}\n\nRun '{sub.CommandPath} --help' for more information\n");
            return 1;
        }
        if (parsed.HelpRequested)
        {
            ctx.Out.Write(HelpWriter.CommandHelp(sub, ctx.App.HelpColumns));
            return 0;
        }
        if (sub.Args.Check(sub.CommandPath, parsed.Args.Count) is { } bad)
        {
            ctx.Err.Write($"{bad.Message}\n\nUsage:  {sub.UseLine}\n\n{bad.HintVerb} '{sub.CommandPath} --help' for more information\n");
            return 1;
        }
        var subCtx = new CommandContext { App = ctx.App, Command = sub, Flags = parsed.Flags, Args = parsed.Args };
        try
        {
            return await sub.Run!(subCtx).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ComposeFileException or ComposeException)
        {
            await ctx.Out.FlushAsync().ConfigureAwait(false);
            ctx.Err.Write(e.Message + "\n");
            return 1;
        }
    }
}

/// <summary>The project flags of one `compose` invocation and the project they load, loaded once.</summary>
internal sealed class ComposeSession(CommandContext composeCtx)
{
    ComposeProject? _project;

    public ParsedFlags Flags => composeCtx.Flags;

    public LoadOptions LoadOptions(IEnumerable<string>? enable = null) => new()
    {
        Files = [.. Flags.GetList("file")],
        ProjectName = Flags.GetString("project-name"),
        ProjectDirectory = Flags.GetString("project-directory"),
        EnvFiles = [.. Flags.GetList("env-file")],
        Profiles = [.. Flags.GetList("profile").SelectMany(p => p.Split(',', StringSplitOptions.RemoveEmptyEntries)), .. enable ?? []],
    };

    public ComposeProject Project => _project ??= ProjectLoader.Load(LoadOptions());

    /// <summary>The project name without needing the files when -p is given (down, ps, logs work from anywhere then).</summary>
    public ComposeProject ProjectOrNameOnly()
    {
        if (_project is not null) return _project;
        try
        {
            return Project;
        }
        catch (ComposeException) when (Flags.GetString("project-name") is { Length: > 0 } name)
        {
            return _project = new ComposeProject { Name = ProjectLoader.NormalizeName(name), WorkingDir = Directory.GetCurrentDirectory(), ConfigFiles = [] };
        }
    }

    public ComposeEngine Engine(CommandContext ctx, ComposeProject? project = null)
    {
        // The engine reports from services converging side by side: one line at a time, none lost.
        var gate = new object();
        return new(ctx.Client, project ?? Project, line => { lock (gate) ctx.Err.Write(line + "\n"); })
        {
            Credentials = image => ImageReference.TryParse(image, out var r, out _)
                ? Commands.RegistryClientCommands.AuthFor(ctx, ImageReference.Normalize(r!.Name)) : null,
        };
    }

    public bool Colors(CommandContext ctx) => Flags.GetStringOrEmpty("ansi") switch
    {
        "never" => false,
        "always" => true,
        _ => ctx.Console.OutIsTerminal,
    };
}
