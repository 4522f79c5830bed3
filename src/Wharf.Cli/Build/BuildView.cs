namespace Wharf.Cli.Build;

/// <summary>
/// Shows a build's output stream. Plain: the text as the daemon sends it (what `docker build` prints with the
/// legacy builder). On a terminal (tty): step lines stand out in bold, so each stage's progress reads at a glance
/// among the commands' own output.
/// </summary>
public sealed class BuildView(TextWriter output, bool tty)
{
    private bool _atLineStart = true;

    public void Write(string text)
    {
        if (!tty)
        {
            output.Write(text);
            return;
        }
        foreach (var line in SplitKeepingNewlines(text))
        {
            if (_atLineStart && IsStepLine(line)) output.Write("\x1b[1m" + line.TrimEnd('\n') + "\x1b[0m" + (line.EndsWith('\n') ? "\n" : ""));
            else output.Write(line);
            _atLineStart = line.EndsWith('\n');
        }
        output.Flush();
    }

    public void Finish() => output.Flush();

    private static bool IsStepLine(string line)
    {
        var t = line.StartsWith('[') && line.IndexOf("] ", StringComparison.Ordinal) is var i and > 0 ? line[(i + 2)..] : line;
        return t.StartsWith("Step ", StringComparison.Ordinal) || t.StartsWith("Successfully ", StringComparison.Ordinal);
    }

    private static IEnumerable<string> SplitKeepingNewlines(string text)
    {
        var start = 0;
        while (start < text.Length)
        {
            var nl = text.IndexOf('\n', start);
            var end = nl < 0 ? text.Length : nl + 1;
            yield return text[start..end];
            start = end;
        }
    }
}
