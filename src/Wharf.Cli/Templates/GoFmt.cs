using System.Globalization;
using System.Text;

namespace Wharf.Cli.Templates;

/// <summary>Go's fmt package as far as templates need it: Sprint, Sprintln, Sprintf and %v rendering.</summary>
internal static partial class GoFmt
{
    /// <summary>fmt.Sprint: operands separated by a space when neither side is a string.</summary>
    public static string Sprint(IReadOnlyList<object?> args)
    {
        var sb = new StringBuilder();
        var prevString = false;
        for (var i = 0; i < args.Count; i++)
        {
            var isString = args[i] is string;
            if (i > 0 && !isString && !prevString)
            {
                sb.Append(' ');
            }

            sb.Append(FormatV(args[i]));
            prevString = isString;
        }

        return sb.ToString();
    }

    /// <summary>fmt.Sprintln: operands always separated by spaces, newline appended.</summary>
    public static string Sprintln(IReadOnlyList<object?> args) =>
        string.Join(" ", args.Select(FormatV)) + "\n";

    /// <summary>fmt's %v with no flags.</summary>
    public static string FormatV(object? value)
    {
        var sb = new StringBuilder();
        new Spec().Print(sb, value, 'v', 0);
        return sb.ToString();
    }

    /// <summary>fmt.Sprintf, including Go's %!verb(type=value), %!v(MISSING) and %!(EXTRA ...) diagnostics.</summary>
    public static string Sprintf(string format, IReadOnlyList<object?> args)
    {
        var sb = new StringBuilder();
        var argNum = 0;
        var reordered = false;
        var i = 0;
        while (i < format.Length)
        {
            var c = format[i];
            if (c != '%')
            {
                sb.Append(c);
                i++;
                continue;
            }

            i++;
            var spec = new Spec();
            for (; i < format.Length; i++)
            {
                switch (format[i])
                {
                    case '#': spec.Sharp = true; continue;
                    case '0': spec.Zero = !spec.Minus; continue;
                    case '+': spec.Plus = true; continue;
                    case '-': spec.Minus = true; spec.Zero = false; continue;
                    case ' ': spec.Space = true; continue;
                }

                break;
            }

            argNum = ArgIndex(format, ref i, argNum, args.Count, ref reordered, out var badIndex);
            bool bad;
            if (i < format.Length && format[i] == '*')
            {
                i++;
                if (argNum < args.Count && args[argNum] is long w && w is > -1_000_000 and < 1_000_000)
                {
                    spec.Width = (int)Math.Abs(w);
                    if (w < 0)
                    {
                        spec.Minus = true;
                        spec.Zero = false;
                    }
                }
                else
                {
                    sb.Append("%!(BADWIDTH)");
                }

                argNum++;
            }
            else
            {
                spec.Width = ParseNumber(format, ref i);
            }

            if (i < format.Length && format[i] == '.')
            {
                i++;
                argNum = ArgIndex(format, ref i, argNum, args.Count, ref reordered, out bad);
                badIndex |= bad;
                if (i < format.Length && format[i] == '*')
                {
                    i++;
                    if (argNum < args.Count && args[argNum] is long p && p is >= 0 and < 1_000_000)
                    {
                        spec.Precision = (int)p;
                    }
                    else
                    {
                        sb.Append("%!(BADPREC)");
                    }

                    argNum++;
                }
                else
                {
                    spec.Precision = ParseNumber(format, ref i) ?? 0;
                }
            }

            argNum = ArgIndex(format, ref i, argNum, args.Count, ref reordered, out bad);
            badIndex |= bad;
            if (i >= format.Length)
            {
                sb.Append("%!(NOVERB)");
                break;
            }

            var verbRune = Rune.GetRuneAt(format, i);
            var verb = verbRune.Value;
            i += verbRune.Utf16SequenceLength;
            if (verb == '%')
            {
                sb.Append('%');
            }
            else if (badIndex)
            {
                sb.Append("%!").Append(verbRune.ToString()).Append("(BADINDEX)");
            }
            else if (argNum >= args.Count)
            {
                sb.Append("%!").Append(verbRune.ToString()).Append("(MISSING)");
            }
            else
            {
                spec.Print(sb, args[argNum], verb, 0);
                argNum++;
            }
        }

        if (!reordered && argNum < args.Count)
        {
            sb.Append("%!(EXTRA ");
            for (var k = argNum; k < args.Count; k++)
            {
                if (k > argNum)
                {
                    sb.Append(", ");
                }

                sb.Append(args[k] == null ? "<nil>" : Values.TypeName(args[k]) + "=" + FormatV(args[k]));
            }

            sb.Append(')');
        }

        return sb.ToString();
    }

    private static int? ParseNumber(string format, ref int i)
    {
        var start = i;
        while (i < format.Length && char.IsAsciiDigit(format[i]))
        {
            i++;
        }

        return i == start ? null : int.Parse(format.AsSpan(start, Math.Min(i - start, 7)), CultureInfo.InvariantCulture);
    }

    // Explicit argument indexes: %[2]d picks the second operand.
    private static int ArgIndex(string format, ref int i, int argNum, int count, ref bool reordered, out bool bad)
    {
        bad = false;
        if (i >= format.Length || format[i] != '[')
        {
            return argNum;
        }

        reordered = true;
        var close = format.IndexOf(']', i);
        if (close < 0 || !int.TryParse(format.AsSpan(i + 1, close - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > count)
        {
            bad = true;
            i = close < 0 ? format.Length : close + 1;
            return argNum;
        }

        i = close + 1;
        return n - 1;
    }
}
