namespace Wharf.Cli.Build;

/// <summary>
/// Shows a build's output stream. Plain: the text as the daemon sends it (what `docker build` prints with the
/// legacy builder). On a terminal (tty): the same log, step lines in bold, and below it a live status block with
/// one line per stage (`=> [stage] Step 3/6 : RUN ...`), erased and redrawn as the output grows and removed when
/// the build ends, so stages building at once can be followed at a glance.
/// </summary>
public sealed class BuildView(TextWriter output, bool tty, int columns = 80)
{
    private const string Bold = "\x1b[1m";
    private const string Dim = "\x1b[2m";
    private const string Reset = "\x1b[0m";

    // Stage name ("" for a build whose lines carry no prefix) → its latest step line, in order of appearance.
    private readonly List<(string Stage, string Status)> _stages = [];
    private bool _atLineStart = true;
    private int _drawn;

    public void Write(string text)
    {
        if (!tty)
        {
            output.Write(text);
            return;
        }
        Erase();
        foreach (var line in SplitKeepingNewlines(text))
        {
            if (_atLineStart && StepOf(line) is var (stage, step))
            {
                Track(stage, step.TrimEnd('\n'));
                output.Write(Bold + line.TrimEnd('\n') + Reset + (line.EndsWith('\n') ? "\n" : ""));
            }
            else output.Write(line);
            _atLineStart = line.EndsWith('\n');
        }
        Draw();
        output.Flush();
    }

    /// <summary>Removes the status block: the log above it says everything.</summary>
    public void Finish()
    {
        if (tty) Erase();
        output.Flush();
    }

    private void Track(string stage, string step)
    {
        var i = _stages.FindIndex(s => s.Stage == stage);
        if (i < 0) _stages.Add((stage, step));
        else _stages[i] = (stage, step);
    }

    /// <summary>The block goes only under a complete line: a half-written line of RUN output must stay where it is.</summary>
    private void Draw()
    {
        if (!_atLineStart || _stages.Count == 0) return;
        foreach (var (stage, status) in _stages)
        {
            var line = "=> " + (stage.Length > 0 ? $"[{stage}] " : "") + status;
            // One terminal row per stage, or the erase would miss wrapped rows.
            if (line.Length > columns - 1) line = line[..Math.Max(1, columns - 2)] + "…";
            output.Write(Dim + line + Reset + "\n");
        }
        _drawn = _stages.Count;
    }

    private void Erase()
    {
        if (_drawn == 0) return;
        // Cursor up to the block's first row, then clear to the end of the screen.
        output.Write($"\x1b[{_drawn}F\x1b[J");
        _drawn = 0;
    }

    /// <summary>The stage ("" when unprefixed) and the step or result text of a `Step n/m :` or `Successfully ...` line.</summary>
    private static (string Stage, string Step)? StepOf(string line)
    {
        var stage = "";
        var t = line;
        if (line.StartsWith('[') && line.IndexOf("] ", StringComparison.Ordinal) is var i and > 0)
        {
            stage = line[1..i];
            t = line[(i + 2)..];
        }
        return t.StartsWith("Step ", StringComparison.Ordinal) || t.StartsWith("Successfully ", StringComparison.Ordinal) ? (stage, t) : null;
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
