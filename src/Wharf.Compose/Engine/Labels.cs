namespace Wharf.Compose.Engine;

/// <summary>The labels Compose (v1 and v2) puts on what it creates; finding a project's objects relies on them.</summary>
public static class Labels
{
    public const string Project = "com.docker.compose.project";
    public const string Service = "com.docker.compose.service";
    public const string ContainerNumber = "com.docker.compose.container-number";
    public const string OneOff = "com.docker.compose.oneoff";
    public const string ConfigHash = "com.docker.compose.config-hash";
    public const string Version = "com.docker.compose.version";
    public const string Network = "com.docker.compose.network";
    public const string Volume = "com.docker.compose.volume";
    public const string WorkingDir = "com.docker.compose.project.working_dir";
    public const string ConfigFiles = "com.docker.compose.project.config_files";
    public const string Image = "com.docker.compose.image";
    public const string DependsOn = "com.docker.compose.depends_on";

    /// <summary>The version written in <see cref="Version"/>: Compose v2's line, as Wharf follows its naming.</summary>
    public const string ComposeVersion = "2.29.0";

    /// <summary>Compose v2's container name: project-service-n (v1 used underscores; both are recognised by label).</summary>
    public static string ContainerName(string project, string service, int number) => $"{project}-{service}-{number}";
}
