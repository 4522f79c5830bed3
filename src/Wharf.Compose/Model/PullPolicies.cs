namespace Wharf.Compose.Model;

/// <summary>
/// pull_policy and `up --pull`: when a service's image is pulled or built. daily, weekly and every_&lt;duration&gt;
/// need the time of the last pull, which the Engine API does not keep: they act as missing.
/// </summary>
public static class PullPolicies
{
    public const string Always = "always", Never = "never", Missing = "missing", Build = "build";

    public static bool IsValid(string policy) =>
        policy is Always or Never or Missing or "if_not_present" or Build or "daily" or "weekly"
        || policy.StartsWith("every_", StringComparison.Ordinal) && policy.Length > 6;

    /// <summary>The policy in force: the command line's unless it says "policy", else the file's; missing when neither.</summary>
    public static string Effective(string? commandLine, string? file) =>
        (commandLine is { Length: > 0 } and not "policy" ? commandLine : file) switch
        {
            null or "if_not_present" or "daily" or "weekly" => Missing,
            var p when p.StartsWith("every_", StringComparison.Ordinal) => Missing,
            var p => p,
        };
}
