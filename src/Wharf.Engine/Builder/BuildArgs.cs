namespace Wharf.Engine.Builder;

/// <summary>
/// Build arguments with Docker's scoping: `--build-arg` values, the ARGs before the first FROM (usable in FROM
/// lines, and inside a stage once redeclared), ARGs declared in the stage, and the predefined proxy arguments,
/// which need no declaration and stay out of history and cache keys.
/// </summary>
internal sealed class BuildArgs
{
    public static readonly IReadOnlySet<string> Predefined = new HashSet<string>(StringComparer.Ordinal)
    {
        "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy",
        "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy",
    };

    private readonly IReadOnlyDictionary<string, string?> _given;
    private readonly HashSet<string> _consumed;

    public BuildArgs(IReadOnlyDictionary<string, string?> given, HashSet<string> consumed)
    {
        _given = given;
        _consumed = consumed;
    }

    /// <summary>The value `--build-arg` gave (a null value: the daemon's environment, as Docker reads it), or null.</summary>
    public bool TryGiven(string name, out string? value)
    {
        if (_given.TryGetValue(name, out value))
        {
            lock (_consumed) _consumed.Add(name);
            value ??= Environment.GetEnvironmentVariable(name);
            return value is not null;
        }
        return false;
    }

    /// <summary>Proxy arguments the user gave: in RUN's environment, not in its history or cache key.</summary>
    public IEnumerable<KeyValuePair<string, string>> GivenPredefined()
    {
        foreach (var name in Predefined)
        {
            if (TryGiven(name, out var v) && v is not null) yield return new(name, v);
        }
    }

    /// <summary>The given arguments no ARG declared (Docker's warning at the end of a build).</summary>
    public IEnumerable<string> Unconsumed()
    {
        lock (_consumed) return _given.Keys.Where(k => !_consumed.Contains(k) && !Predefined.Contains(k)).Order(StringComparer.Ordinal).ToList();
    }
}
