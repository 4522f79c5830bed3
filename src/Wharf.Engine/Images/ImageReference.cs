using System.Text.RegularExpressions;

namespace Wharf.Engine.Images;

/// <summary>A parsed image reference, normalised as Docker does (`busybox` = `docker.io/library/busybox:latest`).</summary>
public sealed partial record ImageReference(string Domain, string Path, string? Tag, string? Digest)
{
    public const string DefaultDomain = "docker.io";
    public const string DefaultTag = "latest";

    /// <summary>Repository with domain: `docker.io/library/busybox`.</summary>
    public string Repository => $"{Domain}/{Path}";

    /// <summary>The name as Docker shows it: `busybox`, `localhost:5000/app`.</summary>
    public string FamiliarRepository =>
        Domain == DefaultDomain ? (Path.StartsWith("library/", StringComparison.Ordinal) ? Path[8..] : Path) : Repository;

    /// <summary>The full canonical string: `docker.io/library/busybox:latest` or `...@sha256:...`.</summary>
    public override string ToString() =>
        Repository + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);

    /// <summary>The familiar string: `busybox:latest`.</summary>
    public string Familiar => FamiliarRepository + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);

    public ImageReference WithDefaultTag() => Tag is null && Digest is null ? this with { Tag = DefaultTag } : this;

    /// <summary>Parses and normalises a reference; throws <see cref="InvalidReferenceException"/> on bad input.</summary>
    public static ImageReference Parse(string text, string defaultDomain = DefaultDomain)
    {
        if (!TryParse(text, out var r, out var error, defaultDomain))
            throw new InvalidReferenceException(error!);
        return r!;
    }

    public static bool TryParse(string text, out ImageReference? reference, out string? error, string defaultDomain = DefaultDomain)
    {
        reference = null;
        error = null;
        if (string.IsNullOrEmpty(text)) { error = "invalid reference format"; return false; }
        if (text.Length > 255 + 80) { error = "invalid reference format: repository name must not be more than 255 characters"; return false; }
        var m = ReferenceRegex().Match(text);
        if (!m.Success)
        {
            error = text.Any(char.IsUpper) && ReferenceRegex().IsMatch(text.ToLowerInvariant())
                ? "invalid reference format: repository name (" + text.Split(':', '@')[0] + ") must be lowercase"
                : "invalid reference format";
            return false;
        }
        var name = m.Groups["name"].Value;
        var tag = m.Groups["tag"].Success ? m.Groups["tag"].Value : null;
        var digest = m.Groups["digest"].Success ? m.Groups["digest"].Value : null;
        if (name.Length > 255) { error = "invalid reference format: repository name must not be more than 255 characters"; return false; }
        string domain, path;
        int slash = name.IndexOf('/');
        var first = slash < 0 ? "" : name[..slash];
        if (slash >= 0 && (first.Contains('.') || first.Contains(':') || first == "localhost" || first.Any(char.IsUpper)))
        {
            domain = first;
            path = name[(slash + 1)..];
        }
        else
        {
            domain = defaultDomain;
            path = name;
        }
        if (domain == "index.docker.io") domain = DefaultDomain;
        if (path.Any(char.IsUpper)) { error = $"invalid reference format: repository name ({name}) must be lowercase"; return false; }
        if (domain == DefaultDomain && !path.Contains('/')) path = "library/" + path;
        if (digest is not null && !DigestRegex().IsMatch(digest)) { error = "invalid reference format"; return false; }
        reference = new ImageReference(domain, path, tag, digest);
        return true;
    }

    /// <summary>True for strings that look like an image id or an id prefix (hex, optionally `sha256:`).</summary>
    public static bool LooksLikeId(string text)
    {
        var t = text.StartsWith("sha256:", StringComparison.Ordinal) ? text[7..] : text;
        return t.Length is > 0 and <= 64 && t.All(char.IsAsciiHexDigitLower);
    }

    // Docker's distribution/reference grammar: [domain/]path[:tag][@digest].
    [GeneratedRegex(@"^(?<name>(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::(?<tag>[\w][\w.-]{0,127}))?(?:@(?<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$")]
    private static partial Regex ReferenceRegex();

    [GeneratedRegex("^sha256:[0-9a-f]{64}$")]
    private static partial Regex DigestRegex();
}

/// <summary>A reference that does not follow Docker's grammar (HTTP 400).</summary>
public sealed class InvalidReferenceException(string message) : WharfException(message, 400);
