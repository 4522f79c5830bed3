using System.Reflection;

namespace Wharf.Cli;

/// <summary>Version strings of this CLI.</summary>
public static class BuildInfo
{
    public static string Version { get; } = ReadVersion();

    /// <summary>The source commit, from AssemblyMetadata("GitCommit") when the build sets it.</summary>
    public static string GitCommit { get; } = ReadMetadata("GitCommit") ?? "unknown";

    public static string BuildTime { get; } = ReadMetadata("BuildTime") ?? "";

    static string ReadVersion()
    {
        var v = typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (string.IsNullOrEmpty(v)) return "0.1.0";
        var plus = v.IndexOf('+');
        v = plus >= 0 ? v[..plus] : v;
        return v == "1.0.0" ? "0.1.0" : v;
    }

    static string? ReadMetadata(string key) =>
        typeof(BuildInfo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;
}
