namespace Wharf.Compose.Loading;

/// <summary>What the command line says about where the project is: -f, -p, --project-directory, --env-file, --profile.</summary>
public sealed class LoadOptions
{
    public List<string> Files { get; init; } = [];
    public string? ProjectName { get; init; }
    public string? ProjectDirectory { get; init; }
    public List<string> EnvFiles { get; init; } = [];
    public List<string> Profiles { get; init; } = [];
    /// <summary>The directory the command runs in (discovery starts here).</summary>
    public string WorkingDirectory { get; init; } = Directory.GetCurrentDirectory();
    /// <summary>The process environment (tests pass their own).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = ProcessEnvironment();

    public static Dictionary<string, string> ProcessEnvironment()
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in System.Environment.GetEnvironmentVariables())
            d[(string)e.Key] = (string?)e.Value ?? "";
        return d;
    }
}
