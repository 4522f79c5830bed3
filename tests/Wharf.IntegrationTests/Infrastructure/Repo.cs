namespace Wharf.IntegrationTests.Infrastructure;

/// <summary>Locates the repository and the built binaries the tests drive.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Wharf.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (Wharf.sln)");
    }

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    /// <summary>wharfd: $WHARFD_PATH (e.g. the NativeAOT build) or the project's build output.</summary>
    public static string Wharfd => Environment.GetEnvironmentVariable("WHARFD_PATH") is { Length: > 0 } p ? p
        : Path.Combine(Root, "src", "Wharf.Daemon", "bin", Configuration, "net10.0", "wharfd");

    /// <summary>wharf-shim: $WHARF_SHIM or the project's build output.</summary>
    public static string Shim => Environment.GetEnvironmentVariable("WHARF_SHIM") is { Length: > 0 } p ? p
        : Path.Combine(Root, "src", "Wharf.Shim", "bin", Configuration, "net10.0", "wharf-shim");

    /// <summary>wharf: $WHARF_PATH or the project's build output.</summary>
    public static string Wharf => Environment.GetEnvironmentVariable("WHARF_PATH") is { Length: > 0 } p ? p
        : Path.Combine(Root, "src", "Wharf.Cli", "bin", Configuration, "net10.0", "wharf");
}
