namespace Wharf.Cli.Parsing;

/// <summary>A command or command group, like a cobra.Command.</summary>
public sealed class CommandDef
{
    /// <param name="use">Name and synopsis, e.g. "images [OPTIONS] [REPOSITORY[:TAG]]".</param>
    public CommandDef(string use, string shortDescription)
    {
        Use = use;
        Short = shortDescription;
        var sp = use.IndexOf(' ');
        Name = sp < 0 ? use : use[..sp];
    }

    public string Name { get; }
    public string Use { get; }
    public string Short { get; }
    public string? Long { get; init; }

    /// <summary>Other names that dispatch here ("list" for "ls").</summary>
    public string[] Aliases { get; init; } = [];

    /// <summary>docker's "aliases" annotation: the full paths shown under "Aliases:" (with "wharf").</summary>
    public string? AliasesLine { get; init; }

    public List<FlagDef> Flags { get; } = [];
    public ArgsRule Args { get; init; } = ArgsRule.Any;

    /// <summary>When false, flags end at the first positional argument (run, exec).</summary>
    public bool Interspersed { get; init; } = true;

    /// <summary>The action; null for pure groups.</summary>
    public Func<CommandContext, Task<int>>? Run { get; init; }

    public List<CommandDef> Children { get; } = [];
    public CommandDef? Parent { get; private set; }
    public bool Hidden { get; init; }

    /// <summary>Root help section: "common", "management" or "" (plain commands).</summary>
    public string Group { get; set; } = "";

    public CommandDef Add(params CommandDef[] children)
    {
        foreach (var c in children)
        {
            c.Parent = this;
            Children.Add(c);
        }
        return this;
    }

    public CommandDef Flag(FlagDef flag)
    {
        Flags.Add(flag);
        return this;
    }

    public string CommandPath => Parent is null ? Name : Parent.CommandPath + " " + Name;

    public string UseLine => Parent is null ? Use : Parent.CommandPath + " " + Use;

    public bool IsGroup => Children.Count > 0;

    public CommandDef? FindChild(string name) =>
        Children.FirstOrDefault(c => c.Name == name) ?? Children.FirstOrDefault(c => c.Aliases.Contains(name));
}
