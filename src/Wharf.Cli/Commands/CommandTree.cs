using Wharf.Cli.Parsing;

namespace Wharf.Cli.Commands;

/// <summary>All commands, registered under their docker names and aliases.</summary>
internal static class CommandTree
{
    public static CommandDef Build(CliApp app)
    {
        _ = app;
        var root = new CommandDef("wharf [OPTIONS] COMMAND [ARG...]", "A self-sufficient runtime for containers");
        foreach (var f in CliApp.RootFlags()) root.Flag(f);

        var image = new CommandDef("image", "Manage images") { Group = "management" }.Add(
            ImageCommands.History("history [OPTIONS] IMAGE"),
            ImageTransferCommands.Import("import [OPTIONS] file|URL|- [REPOSITORY[:TAG]]"),
            ImageCommands.ImageInspect(),
            ImageTransferCommands.Load("load [OPTIONS]"),
            ImageCommands.List("ls [OPTIONS] [REPOSITORY[:TAG]]", ["list"]),
            ImageTransferCommands.Prune(),
            ImageCommands.Remove("rm [OPTIONS] IMAGE [IMAGE...]", ["remove"]),
            ImageTransferCommands.Save("save [OPTIONS] IMAGE [IMAGE...]"),
            ImageCommands.Tag("tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]"));

        var system = new CommandDef("system", "Manage Wharf") { Group = "management" }.Add(
            SystemCommands.Df(),
            EventsCommand.Create("events [OPTIONS]"),
            SystemCommands.Info("info [OPTIONS]"));

        root.Add(
            WithGroup(ImageCommands.List("images [OPTIONS] [REPOSITORY[:TAG]]", []), "common"),
            WithGroup(SystemCommands.Version(), "common"),
            WithGroup(SystemCommands.Info("info [OPTIONS]"), "common"),
            image,
            system,
            EventsCommand.Create("events [OPTIONS]"),
            ImageCommands.History("history [OPTIONS] IMAGE"),
            ImageTransferCommands.Import("import [OPTIONS] file|URL|- [REPOSITORY[:TAG]]"),
            ImageCommands.Inspect(),
            ImageTransferCommands.Load("load [OPTIONS]"),
            ImageCommands.Remove("rmi [OPTIONS] IMAGE [IMAGE...]", []),
            ImageTransferCommands.Save("save [OPTIONS] IMAGE [IMAGE...]"),
            ImageCommands.Tag("tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]"));
        return root;
    }

    static CommandDef WithGroup(CommandDef c, string group)
    {
        c.Group = group;
        return c;
    }
}
