using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Wharf.Engine.Volumes;

/// <summary>Names of local volumes: Docker's rule, and the random names of anonymous volumes.</summary>
public static partial class VolumeName
{
    /// <summary>The label Docker puts on anonymous volumes; `volume prune` without `all` removes only these.</summary>
    public const string AnonymousLabel = "com.docker.volume.anonymous";

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]+$")]
    private static partial Regex Valid();

    /// <summary>Throws Docker's 400 for a name the local driver cannot hold (a relative host path lands here too).</summary>
    public static void Validate(string name)
    {
        if (!Valid().IsMatch(name))
            throw new BadRequestException($"create {name}: \"{name}\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path");
    }

    public static string NewAnonymous() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}
