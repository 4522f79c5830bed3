namespace Wharf.Engine.Build;

/// <summary>
/// Dockerfile variable substitution and word splitting, following the rules of Docker's shell lexer:
/// `$a ${a} ${a:-b} ${a-b} ${a:+b} ${a+b} ${a:?msg} ${a?msg}`, `${a#p} ${a##p} ${a%p} ${a%%p} ${a/p/r} ${a//p/r}`,
/// escapes with the escape token, single quotes (literal) and double quotes (expand, keep one word).
/// </summary>
public sealed class ShellWordExpander
{
    // Instructions whose arguments go through substitution (Dockerfile reference, "Environment replacement").
    // ARG is not in the reference's list but Docker expands ARG default values (`ARG b=$a`), so the builder needs it.
    private static readonly HashSet<string> Expanding = new(StringComparer.OrdinalIgnoreCase)
    {
        "ADD", "COPY", "ENV", "EXPOSE", "FROM", "LABEL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR", "ARG",
    };

    public ShellWordExpander(char escapeToken = '\\')
    {
        EscapeToken = escapeToken;
    }

    /// <summary>The escape character: `\` by default, or the one chosen with `# escape=`.</summary>
    public char EscapeToken { get; }

    /// <summary>Keep quote characters in the output (used to tell whether a heredoc word was quoted).</summary>
    internal bool RawQuotes { get; init; }

    /// <summary>Keep escape characters in the output.</summary>
    internal bool RawEscapes { get; init; }

    /// <summary>Leave references to unset variables as written instead of replacing them with "".</summary>
    internal bool SkipUnset { get; init; }

    /// <summary>Whether Docker substitutes variables in the arguments of <paramref name="keyword"/> (ONBUILD: no).</summary>
    public static bool ExpandsVariables(string keyword) => Expanding.Contains(keyword);

    /// <summary>
    /// Expands <paramref name="word"/> into one string: quotes are removed, escapes resolved, variables replaced,
    /// whitespace between words kept as written. Every variable name looked up (set or not) is added to
    /// <paramref name="referenced"/>.
    /// </summary>
    public string ExpandWord(string word, IReadOnlyDictionary<string, string> env, ISet<string>? referenced = null)
        => Run(word, env, referenced).Result;

    /// <summary>
    /// Expands <paramref name="word"/> and splits it into words on unquoted whitespace (including whitespace
    /// that came from a variable's value), as Docker does for EXPOSE and heredoc detection.
    /// </summary>
    public IReadOnlyList<string> ExpandWords(string word, IReadOnlyDictionary<string, string> env, ISet<string>? referenced = null)
        => Run(word, env, referenced).Words;

    /// <summary>Builds the lookup table from a `KEY=value` list; a later entry wins, an entry without `=` is set to "".</summary>
    public static IReadOnlyDictionary<string, string> EnvFromList(IEnumerable<string>? env)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (env is null)
        {
            return result;
        }
        foreach (var entry in env)
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                result[entry] = "";
            }
            else
            {
                result[entry[..eq]] = entry[(eq + 1)..];
            }
        }
        return result;
    }

    private (string Result, IReadOnlyList<string> Words) Run(string word, IReadOnlyDictionary<string, string> env, ISet<string>? referenced)
    {
        ArgumentNullException.ThrowIfNull(word);
        ArgumentNullException.ThrowIfNull(env);
        var processor = new ShellWordProcessor(this, word, env, referenced);
        try
        {
            return processor.Process();
        }
        catch (ShellExpansionException e)
        {
            throw new ShellExpansionException($"failed to process {DockerfileNode.GoQuote(word)}: {e.Message}");
        }
    }
}
