namespace Wharf.Daemon;

/// <summary>The daemon's product version.</summary>
public static class WharfVersion
{
    public const string Version = "0.1.0";
    public static string GitCommit => typeof(WharfVersion).Assembly
        .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
        .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+').ElementAtOrDefault(1) ?? "unknown";
}
