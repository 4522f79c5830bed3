using System.Text;

namespace Wharf.Cli.Templates;

/// <summary>
/// Elastic tabstops after Go's text/tabwriter (left-aligned, no flags): tab-terminated cells in consecutive lines
/// form a column as wide as its widest cell plus padding, never narrower than minWidth. Call Flush at the end.
/// </summary>
public sealed class TabWriter : TextWriter
{
    private readonly TextWriter _output;
    private readonly int _minWidth;
    private readonly int _padding;
    private readonly char _padChar;
    private readonly List<List<string>> _lines = [];
    private readonly List<string> _currentLine = [];
    private readonly StringBuilder _cell = new();

    /// <summary>Creates a writer; the defaults are docker's NewWriter(out, 10, 1, 3, ' ', 0).</summary>
    public TabWriter(TextWriter output, int minWidth = 10, int tabWidth = 1, int padding = 3, char padChar = ' ')
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _minWidth = minWidth;
        _padding = padding;
        _padChar = padChar;
        TabWidth = tabWidth;
    }

    /// <summary>Tab stop width; only meaningful when padding with '\t', kept for parity with Go's constructor.</summary>
    public int TabWidth { get; }

    /// <inheritdoc/>
    public override Encoding Encoding => _output.Encoding;

    /// <inheritdoc/>
    public override void Write(char value)
    {
        switch (value)
        {
            case '\t' or '\v':
                _currentLine.Add(_cell.ToString());
                _cell.Clear();
                break;
            case '\n' or '\f':
                _currentLine.Add(_cell.ToString());
                _cell.Clear();
                var cells = _currentLine.Count;
                _lines.Add([.. _currentLine]);
                _currentLine.Clear();

                // A line without tabs cannot widen any column below it, so what is buffered can be written now.
                if (value == '\f' || cells == 1)
                {
                    WriteBuffered(partialLast: false);
                }

                break;
            default:
                _cell.Append(value);
                break;
        }
    }

    /// <inheritdoc/>
    public override void Write(string? value)
    {
        if (value == null)
        {
            return;
        }

        foreach (var c in value)
        {
            Write(c);
        }
    }

    /// <summary>Formats and writes everything buffered, including a final line without a newline.</summary>
    public override void Flush()
    {
        WriteBuffered(partialLast: true);
        _output.Flush();
    }

    private void WriteBuffered(bool partialLast)
    {
        var hasPartial = partialLast && (_currentLine.Count > 0 || _cell.Length > 0);
        if (hasPartial)
        {
            _currentLine.Add(_cell.ToString());
            _cell.Clear();
            _lines.Add([.. _currentLine]);
            _currentLine.Clear();
        }

        var widths = new List<int>();
        Format(widths, 0, _lines.Count, hasPartial);
        _lines.Clear();
    }

    // Column blocks are found left to right: a run of lines that all have a terminated cell in this column
    // shares one width; the lines inside the run are then formatted recursively for the next column.
    private void Format(List<int> widths, int line0, int line1, bool lastIsPartial)
    {
        var column = widths.Count;
        for (var i = line0; i < line1; i++)
        {
            if (column >= _lines[i].Count - 1)
            {
                continue;
            }

            WriteLines(widths, line0, i, lastIsPartial);
            line0 = i;
            var width = _minWidth;
            for (; i < line1 && column < _lines[i].Count - 1; i++)
            {
                width = Math.Max(width, RuneCount(_lines[i][column]) + _padding);
            }

            widths.Add(width);
            Format(widths, line0, i, lastIsPartial);
            widths.RemoveAt(widths.Count - 1);
            line0 = i;
            i--;
        }

        WriteLines(widths, line0, line1, lastIsPartial);
    }

    private void WriteLines(List<int> widths, int line0, int line1, bool lastIsPartial)
    {
        for (var i = line0; i < line1; i++)
        {
            var line = _lines[i];
            for (var j = 0; j < line.Count; j++)
            {
                var text = line[j];
                _output.Write(text);
                if (j < widths.Count)
                {
                    var pad = widths[j] - RuneCount(text);
                    if (pad > 0)
                    {
                        _output.Write(new string(_padChar, pad));
                    }
                }
            }

            if (!(lastIsPartial && i == _lines.Count - 1))
            {
                _output.Write('\n');
            }
        }
    }

    private static int RuneCount(string s) => s.EnumerateRunes().Count();
}
