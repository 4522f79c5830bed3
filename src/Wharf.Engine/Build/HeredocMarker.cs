using System.Text.RegularExpressions;

namespace Wharf.Engine.Build;

/// <summary>A `[n]&lt;&lt;[-]WORD` marker found on an instruction line, before its body is read.</summary>
internal sealed record HeredocMarker(string Name, int FileDescriptor, bool Expand, bool Chomp)
{
    private static readonly Regex Pattern = new(@"^([0-9]*)<<(-?)[\t\n\f\r ]*([^<]*)$", RegexOptions.CultureInvariant);

    // Heredoc words are always lexed with `\` as the escape, whatever `# escape=` says (as Docker does).
    private static readonly IReadOnlyDictionary<string, string> NoEnv = new Dictionary<string, string>();
    private static readonly ShellWordExpander LineLexer = new('\\') { RawQuotes = true, RawEscapes = true, SkipUnset = true };
    private static readonly ShellWordExpander NameLexer = new('\\') { SkipUnset = true };
    private static readonly ShellWordExpander RawNameLexer = new('\\') { SkipUnset = true, RawQuotes = true };

    /// <summary>All heredoc markers on a line, in order.</summary>
    public static List<HeredocMarker> FromLine(string line)
    {
        IReadOnlyList<string> words;
        try
        {
            words = LineLexer.ExpandWords(line, NoEnv);
        }
        catch (ShellExpansionException)
        {
            // A line the lexer cannot split (say an open quote) has no heredocs for Docker either.
            return [];
        }
        var result = new List<HeredocMarker>();
        foreach (var word in words)
        {
            if (Parse(word) is { } marker)
            {
                result.Add(marker);
            }
        }
        return result;
    }

    /// <summary>The marker <paramref name="word"/> stands for, or null when it is not one.</summary>
    public static HeredocMarker? Parse(string word)
    {
        var m = Pattern.Match(word);
        if (!m.Success || m.Groups[3].Value.Length == 0)
        {
            return null;
        }
        var rest = m.Groups[3].Value;
        IReadOnlyList<string> plain, raw;
        try
        {
            plain = NameLexer.ExpandWords(rest, NoEnv);
            if (plain.Count != 1)
            {
                return null;
            }
            raw = RawNameLexer.ExpandWords(rest, NoEnv);
        }
        catch (ShellExpansionException e)
        {
            throw new InstructionException(e.Message);
        }
        if (raw.Count != plain.Count)
        {
            throw new InstructionException($"internal lexing of heredoc produced inconsistent results: {rest}");
        }
        // Any quoting in the word (`"EOF"`, `'EOF'`, `E"O"F`) turns expansion of the body off.
        var expand = CountQuotes(plain[0]) == CountQuotes(raw[0]);
        var fd = m.Groups[1].Value.Length == 0 ? 0 : int.TryParse(m.Groups[1].Value, out var n) ? n : 0;
        return new HeredocMarker(plain[0], fd, expand, m.Groups[2].Value == "-");
    }

    private static int CountQuotes(string s) => s.Count(c => c is '\'' or '"');
}
