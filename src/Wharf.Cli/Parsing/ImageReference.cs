using System.Text.RegularExpressions;

namespace Wharf.Cli.Parsing;

/// <summary>A light docker reference parser: NAME[:TAG][@DIGEST], familiar names, docker's error texts.</summary>
public sealed partial record ImageReference(string Name, string? Tag, string? Digest)
{
    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*$")]
    private static partial Regex PathComponent();

    [GeneratedRegex(@"^[\w][\w.-]{0,127}$")]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}$")]
    private static partial Regex DigestPattern();

    [GeneratedRegex(@"^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?$")]
    private static partial Regex DomainPattern();

    /// <summary>Parses a reference; throws <see cref="FormatException"/> with docker's message on bad input.</summary>
    public static ImageReference Parse(string s)
    {
        if (!TryParse(s, out var r, out var err)) throw new FormatException(err);
        return r!;
    }

    public static bool TryParse(string s, out ImageReference? reference, out string error)
    {
        reference = null;
        error = "invalid reference format";
        if (s.Length == 0 || s.Length > 255) return false;
        // Like reference.ParseNormalizedNamed, an upper-case repository name is reported before any other fault.
        var remoteName = RemoteName(s);
        if (remoteName.ToLowerInvariant() != remoteName)
        {
            error = $"invalid reference format: repository name ({remoteName}) must be lowercase";
            return false;
        }
        string? digest = null;
        var at = s.IndexOf('@');
        var rest = s;
        if (at >= 0)
        {
            digest = s[(at + 1)..];
            rest = s[..at];
            if (!DigestPattern().IsMatch(digest)) return false;
        }
        string? tag = null;
        var colon = rest.LastIndexOf(':');
        if (colon > rest.LastIndexOf('/'))
        {
            tag = rest[(colon + 1)..];
            rest = rest[..colon];
            if (!TagPattern().IsMatch(tag)) return false;
        }
        if (rest.Length == 0) return false;
        var parts = rest.Split('/');
        int first = 0;
        if (parts.Length > 1 && (parts[0].Contains('.') || parts[0].Contains(':') || parts[0] == "localhost" || parts[0].Any(char.IsUpper)))
        {
            if (!DomainPattern().IsMatch(parts[0])) return false;
            first = 1;
        }
        for (int i = first; i < parts.Length; i++)
        {
            if (!PathComponent().IsMatch(parts[i]))
            {
                if (PathComponent().IsMatch(parts[i].ToLowerInvariant()))
                {
                    var repo = first == 0 && parts.Length == 1 ? "library/" + rest : rest;
                    error = $"invalid reference format: repository name ({repo}) must be lowercase";
                }
                return false;
            }
        }
        reference = new ImageReference(rest, tag, digest);
        return true;
    }

    /// <summary>splitDockerDomain: the path after the registry, with library/ for official images, without tag.</summary>
    static string RemoteName(string s)
    {
        var slash = s.IndexOf('/');
        string remainder;
        if (slash < 0 || (!s[..slash].Contains('.') && !s[..slash].Contains(':') && s[..slash] != "localhost" &&
                          s[..slash].ToLowerInvariant() == s[..slash]))
        {
            remainder = slash < 0 ? "library/" + s : s;
        }
        else
        {
            remainder = s[(slash + 1)..];
        }
        var colon = remainder.IndexOf(':');
        var at = remainder.IndexOf('@');
        var end = colon >= 0 ? colon : at >= 0 ? at : remainder.Length;
        return remainder[..end];
    }

    /// <summary>reference.ParseNormalizedNamed's name: "busybox" is docker.io/library/busybox.</summary>
    public static string Normalize(string name)
    {
        var slash = name.IndexOf('/');
        if (slash >= 0 && (name[..slash].Contains('.') || name[..slash].Contains(':') || name[..slash] == "localhost")) return name;
        return "docker.io/" + (slash < 0 ? "library/" + name : name);
    }

    /// <summary>Drops docker.io/ and docker.io/library/ as reference.FamiliarName does.</summary>
    public static string Familiar(string name)
    {
        if (name.StartsWith("docker.io/library/", StringComparison.Ordinal) && name.IndexOf('/', 18) < 0) return name[18..];
        if (name.StartsWith("docker.io/", StringComparison.Ordinal)) return name[10..];
        if (name.StartsWith("index.docker.io/library/", StringComparison.Ordinal) && name.IndexOf('/', 24) < 0) return name[24..];
        return name;
    }

    /// <summary>Splits "repo:tag" (tag after the last '/').</summary>
    public static (string Repo, string? Tag) SplitTag(string s)
    {
        var colon = s.LastIndexOf(':');
        return colon > s.LastIndexOf('/') ? (s[..colon], s[(colon + 1)..]) : (s, null);
    }

    /// <summary>Splits "repo@digest".</summary>
    public static (string Repo, string? Digest) SplitDigest(string s)
    {
        var at = s.IndexOf('@');
        return at >= 0 ? (s[..at], s[(at + 1)..]) : (s, null);
    }
}
