using System.Text.RegularExpressions;

namespace Wharf.Engine.Build;

/// <summary>
/// Reads `# name=value` parser directives (escape, syntax, check) from the top of a Dockerfile. The first line
/// that is not a known directive (an instruction, a blank line, any other comment) ends them for good.
/// </summary>
internal sealed class ParserDirectives
{
    private static readonly Regex DirectivePattern =
        new(@"^([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*$", RegexOptions.CultureInvariant);

    private static readonly HashSet<string> Known = ["syntax", "escape", "check"];

    private readonly List<ParserDirective> _found = [];
    private bool _done;

    public char EscapeToken { get; private set; } = '\\';

    public IReadOnlyList<ParserDirective> Found => _found;

    /// <summary>Looks at one line (newline and leading whitespace removed); true when it was a directive.</summary>
    public bool TryRead(string line, int lineNumber)
    {
        if (_done)
        {
            return false;
        }
        if (!line.StartsWith('#'))
        {
            _done = true;
            return false;
        }
        var m = DirectivePattern.Match(line[1..].TrimStart());
        var name = m.Success ? m.Groups[1].Value.ToLowerInvariant() : "";
        if (!Known.Contains(name))
        {
            _done = true;
            return false;
        }
        if (_found.Any(d => d.Name == name))
        {
            throw new InstructionException($"only one {name} parser directive can be used");
        }
        var value = m.Groups[2].Value;
        if (name == "escape")
        {
            if (value is not ("`" or "\\"))
            {
                throw new InstructionException($"invalid escape token '{value}' does not match ` or \\");
            }
            EscapeToken = value[0];
        }
        _found.Add(new ParserDirective(name, value, lineNumber));
        return true;
    }
}
