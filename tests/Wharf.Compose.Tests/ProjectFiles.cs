using Wharf.Compose.Loading;
using Wharf.Compose.Model;

namespace Wharf.Compose.Tests;

/// <summary>A temporary project directory with compose files written by the test.</summary>
public sealed class ProjectFiles : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("wharf-compose-test-").FullName;

    public ProjectFiles Write(string name, string text)
    {
        var path = Path.Combine(Dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return this;
    }

    public ComposeProject Load(Dictionary<string, string>? env = null, string[]? files = null, string[]? profiles = null, string? name = null,
        string[]? envFiles = null) =>
        ProjectLoader.Load(new LoadOptions
        {
            WorkingDirectory = Dir,
            Files = files?.ToList() ?? [],
            Environment = env ?? [],
            Profiles = profiles?.ToList() ?? [],
            ProjectName = name,
            EnvFiles = envFiles?.ToList() ?? [],
        });

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
