namespace Wharf.Compose.Yaml;

/// <summary>A compose file that cannot be used: the message names the file, line, column and key.</summary>
public sealed class ComposeFileException(string message) : Exception(message)
{
    public static ComposeFileException At(SourceMark mark, string message) => new($"{mark}: {message}");
}
