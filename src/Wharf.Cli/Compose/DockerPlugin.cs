namespace Wharf.Cli.Compose;

/// <summary>
/// The docker CLI plugin form: installed as cli-plugins/docker-compose, `docker compose ...` runs this binary with the
/// docker command line (global flags, then "compose ..."), after asking it for its metadata.
/// </summary>
internal static class DockerPlugin
{
    public const string MetadataCommand = "docker-cli-plugin-metadata";

    /// <summary>The plugin metadata the docker CLI reads.</summary>
    public static string Metadata() =>
        "{\"SchemaVersion\":\"0.1.0\",\"Vendor\":\"Wharf\",\"Version\":\"v" + Wharf.Compose.Engine.Labels.ComposeVersion +
        "\",\"ShortDescription\":\"Docker Compose\",\"URL\":\"\"}\n";

    /// <summary>The arguments to run: as a plugin (or when called docker-compose) the command is compose.</summary>
    public static string[]? Arguments(string program, string[] args)
    {
        if (Path.GetFileName(program) != "docker-compose") return args;
        if (args is [MetadataCommand]) return null;
        return args.Contains("compose") ? args : ["compose", .. args];
    }
}
