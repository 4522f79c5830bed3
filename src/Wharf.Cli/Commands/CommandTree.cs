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
            BuildCommands.Build("build [OPTIONS] PATH | URL | -"),
            ImageCommands.History("history [OPTIONS] IMAGE"),
            ImageTransferCommands.Import("import [OPTIONS] file|URL|- [REPOSITORY[:TAG]]"),
            ImageCommands.ImageInspect(),
            ImageTransferCommands.Load("load [OPTIONS]"),
            ImageCommands.List("ls [OPTIONS] [REPOSITORY[:TAG]]", ["list"]),
            ImageTransferCommands.Prune(),
            RegistryClientCommands.Pull("pull [OPTIONS] NAME[:TAG|@DIGEST]"),
            RegistryClientCommands.Push("push [OPTIONS] NAME[:TAG]"),
            ImageCommands.Remove("rm [OPTIONS] IMAGE [IMAGE...]", ["remove"]),
            ImageTransferCommands.Save("save [OPTIONS] IMAGE [IMAGE...]"),
            ImageCommands.Tag("tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]"));

        var container = new CommandDef("container", "Manage containers") { Group = "management" }.Add(
            ExecAttachCommands.Attach(),
            ContainerFileCommands.Commit(),
            ContainerFileCommands.Copy(),
            RunCommands.Create("create [OPTIONS] IMAGE [COMMAND] [ARG...]"),
            ContainerInfoCommands.Diff(),
            ExecAttachCommands.Exec(),
            ContainerFileCommands.Export(),
            ContainerInfoCommands.Inspect(),
            LifecycleCommands.Kill(),
            ContainerInfoCommands.Logs(),
            ContainerListCommand.Create("ls [OPTIONS]", ["ps", "list"]),
            LifecycleCommands.Pause(),
            ContainerInfoCommands.Port(),
            ContainerMaintenanceCommands.Prune(),
            LifecycleCommands.Rename(),
            LifecycleCommands.Restart(),
            LifecycleCommands.Remove("rm [OPTIONS] CONTAINER [CONTAINER...]", ["remove"]),
            RunCommands.Run("run [OPTIONS] IMAGE [COMMAND] [ARG...]"),
            LifecycleCommands.Start(),
            StatsCommand.Create(),
            LifecycleCommands.Stop(),
            ContainerInfoCommands.Top(),
            LifecycleCommands.Unpause(),
            ContainerMaintenanceCommands.Update(),
            LifecycleCommands.Wait());

        var builder = new CommandDef("builder", "Manage builds") { Group = "management" }.Add(
            BuildCommands.Build("build [OPTIONS] PATH | URL | -"),
            BuildCommands.Prune());

        var system = new CommandDef("system", "Manage Wharf") { Group = "management" }.Add(
            SystemCommands.Df(),
            EventsCommand.Create("events [OPTIONS]"),
            SystemCommands.Info("info [OPTIONS]"),
            SystemPruneCommand.Create());

        root.Add(
            WithGroup(RunCommands.Run("run [OPTIONS] IMAGE [COMMAND] [ARG...]"), "common"),
            WithGroup(ExecAttachCommands.Exec(), "common"),
            WithGroup(ContainerListCommand.Create("ps [OPTIONS]", []), "common"),
            WithGroup(BuildCommands.Build("build [OPTIONS] PATH | URL | -"), "common"),
            WithGroup(ImageCommands.List("images [OPTIONS] [REPOSITORY[:TAG]]", []), "common"),
            WithGroup(RegistryClientCommands.Pull("pull [OPTIONS] NAME[:TAG|@DIGEST]"), "common"),
            WithGroup(RegistryClientCommands.Push("push [OPTIONS] NAME[:TAG]"), "common"),
            WithGroup(RegistryClientCommands.Login(), "common"),
            WithGroup(RegistryClientCommands.Logout(), "common"),
            WithGroup(SystemCommands.Version(), "common"),
            WithGroup(SystemCommands.Info("info [OPTIONS]"), "common"),
            builder,
            container,
            Compose.ComposeCommand.Create(),
            image,
            NetworkCommands.Group(),
            system,
            RegistryCommands.Group(),
            VolumeCommands.Group(),
            ExecAttachCommands.Attach(),
            ContainerFileCommands.Commit(),
            ContainerFileCommands.Copy(),
            RunCommands.Create("create [OPTIONS] IMAGE [COMMAND] [ARG...]"),
            ContainerInfoCommands.Diff(),
            EventsCommand.Create("events [OPTIONS]"),
            ContainerFileCommands.Export(),
            ImageCommands.History("history [OPTIONS] IMAGE"),
            ImageTransferCommands.Import("import [OPTIONS] file|URL|- [REPOSITORY[:TAG]]"),
            ImageCommands.Inspect(),
            LifecycleCommands.Kill(),
            ImageTransferCommands.Load("load [OPTIONS]"),
            ContainerInfoCommands.Logs(),
            LifecycleCommands.Pause(),
            ContainerInfoCommands.Port(),
            LifecycleCommands.Rename(),
            LifecycleCommands.Restart(),
            LifecycleCommands.Remove("rm [OPTIONS] CONTAINER [CONTAINER...]", []),
            ImageCommands.Remove("rmi [OPTIONS] IMAGE [IMAGE...]", []),
            ImageTransferCommands.Save("save [OPTIONS] IMAGE [IMAGE...]"),
            LifecycleCommands.Start(),
            StatsCommand.Create(),
            LifecycleCommands.Stop(),
            ImageCommands.Tag("tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]"),
            ContainerInfoCommands.Top(),
            LifecycleCommands.Unpause(),
            ContainerMaintenanceCommands.Update(),
            LifecycleCommands.Wait());
        return root;
    }

    static CommandDef WithGroup(CommandDef c, string group)
    {
        c.Group = group;
        return c;
    }
}
