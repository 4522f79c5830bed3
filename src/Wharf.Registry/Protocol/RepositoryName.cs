using System.Text.RegularExpressions;

namespace Wharf.Registry.Protocol;

/// <summary>Repository names and tags as the distribution spec's grammar allows them.</summary>
public static partial class RepositoryName
{
    /// <summary>Longest accepted name (distribution's limit, so every name fits in a path).</summary>
    public const int MaxLength = 255;

    // Components are lower-case alphanumerics joined by '.', '_', '__' or dashes: no '..', no upper case,
    // nothing that starts with '_' (so the store's own _layers/_manifests directories never collide with a name).
    [GeneratedRegex(@"^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();

    public static bool IsValid(string name) => name.Length <= MaxLength && NamePattern().IsMatch(name);

    public static bool IsValidTag(string tag) => TagPattern().IsMatch(tag);

    /// <summary>Throws NAME_INVALID unless <paramref name="name"/> is a valid repository name.</summary>
    public static void Validate(string name)
    {
        if (!IsValid(name))
            throw new RegistryException(400, ErrorCodes.NameInvalid, "invalid repository name", name);
    }
}
