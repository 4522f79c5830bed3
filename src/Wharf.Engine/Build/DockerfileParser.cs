using System.Text;

namespace Wharf.Engine.Build;

/// <summary>
/// The Dockerfile parser used by the builder, `import --change` and `commit --change`: parser directives,
/// comments, line continuations, JSON/shell forms, heredocs, ONBUILD, and each instruction's arguments.
/// </summary>
public static class DockerfileParser
{
    /// <summary>Parses <paramref name="text"/>; every error is a <see cref="DockerfileParseException"/> naming file and line.</summary>
    public static Dockerfile Parse(string text, string fileName = "Dockerfile")
    {
        var raw = ParseNodes(text, fileName);
        var instructions = raw.Nodes.Select(n => InstructionBuilder.Build(n, fileName)).ToList();
        return new Dockerfile(fileName, raw.EscapeToken, raw.Directives, instructions, raw.Warnings);
    }

    /// <summary>The result of the line pass, before instructions are validated.</summary>
    internal sealed record RawDockerfile(
        List<DockerfileNode> Nodes,
        char EscapeToken,
        IReadOnlyList<ParserDirective> Directives,
        List<DockerfileWarning> Warnings);

    /// <summary>The line pass: joins continuations, reads heredoc bodies and splits each logical line.</summary>
    internal static RawDockerfile ParseNodes(string text, string fileName)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = SplitLines(text.StartsWith('\uFEFF') ? text[1..] : text);
        var directives = new ParserDirectives();
        var nodes = new List<DockerfileNode>();
        var warnings = new List<DockerfileWarning>();
        var index = 0;
        var current = 0;

        while (index < lines.Count)
        {
            var physical = lines[index++];
            current++;
            var first = TrimNewline(physical).TrimStart();
            try
            {
                directives.TryRead(first, current);
            }
            catch (InstructionException e)
            {
                throw new DockerfileParseException(fileName, current, e.Message);
            }
            if (IsComment(first))
            {
                continue;
            }
            var escape = directives.EscapeToken;
            var start = current;
            var (content, ended) = TrimContinuation(first, escape);
            if (ended && content.Length == 0)
            {
                continue;
            }

            var buf = new StringBuilder(content);
            var emptyContinuation = false;
            while (!ended && index < lines.Count)
            {
                var next = TrimNewline(lines[index++]);
                current++;
                // Comment lines and blank lines inside a continuation are skipped (blank ones with a warning).
                if (IsComment(next))
                {
                    continue;
                }
                if (next.TrimStart().Length == 0)
                {
                    emptyContinuation = true;
                    continue;
                }
                (content, ended) = TrimContinuation(next, escape);
                buf.Append(content);
            }

            var line = buf.ToString();
            if (emptyContinuation)
            {
                warnings.Add(new DockerfileWarning(current, "Empty continuation line found in: " + line));
            }

            DockerfileNode node;
            try
            {
                node = DockerfileNode.FromLine(line, escape);
            }
            catch (Exception e) when (e is InstructionException or ShellExpansionException)
            {
                throw new DockerfileParseException(fileName, start, e.Message);
            }

            if (node.CanContainHeredoc && line.Contains("<<", StringComparison.Ordinal))
            {
                List<HeredocMarker> markers;
                try
                {
                    markers = HeredocMarker.FromLine(line);
                }
                catch (InstructionException e)
                {
                    throw new DockerfileParseException(fileName, start, e.Message);
                }
                foreach (var marker in markers)
                {
                    var body = new StringBuilder();
                    var terminated = false;
                    while (index < lines.Count)
                    {
                        var bodyLine = lines[index++];
                        current++;
                        var candidate = TrimNewline(bodyLine);
                        if (marker.Chomp)
                        {
                            candidate = candidate.TrimStart('\t');
                        }
                        if (candidate == marker.Name)
                        {
                            terminated = true;
                            break;
                        }
                        body.Append(bodyLine);
                    }
                    if (!terminated)
                    {
                        throw new DockerfileParseException(fileName, start, "unterminated heredoc");
                    }
                    node.Heredocs.Add(new Heredoc(marker.Name, marker.FileDescriptor, marker.Expand, marker.Chomp, body.ToString()));
                }
            }

            node.StartLine = start;
            node.EndLine = current;
            nodes.Add(node);
        }

        if (nodes.Count == 0)
        {
            throw new DockerfileParseException(fileName, current, "file with no instructions");
        }
        return new RawDockerfile(nodes, directives.EscapeToken, directives.Found, warnings);
    }

    /// <summary>Splits into lines keeping each line's `\n` (heredoc bodies keep their line endings).</summary>
    private static List<string> SplitLines(string text)
    {
        var lines = new List<string>();
        var start = 0;
        while (start < text.Length)
        {
            var nl = text.IndexOf('\n', start);
            var end = nl < 0 ? text.Length : nl + 1;
            lines.Add(text[start..end]);
            start = end;
        }
        return lines;
    }

    private static string TrimNewline(string line) => line.TrimEnd('\r', '\n');

    private static bool IsComment(string line)
    {
        var t = line.TrimStart();
        return t.Length > 0 && t[0] == '#';
    }

    /// <summary>
    /// A line continues when its last non-blank character is the escape token and the character before it is
    /// not another escape token (`foo \\` does not continue). The token and the blanks after it are removed.
    /// </summary>
    private static (string Content, bool Ended) TrimContinuation(string line, char escape)
    {
        var t = line.TrimEnd(' ', '\t');
        if (t.Length == 0 || t[^1] != escape)
        {
            return (line, true);
        }
        if (t.Length == 1)
        {
            return ("", false);
        }
        return t[^2] == escape ? (line, true) : (t[..^1], false);
    }
}
