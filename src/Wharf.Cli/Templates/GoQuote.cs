using System.Globalization;
using System.Text;

namespace Wharf.Cli.Templates;

/// <summary>Go's strconv quoting rules: Quote for %q and error messages, Unquote for template literals.</summary>
internal static class GoQuote
{
    private const string LowerHex = "0123456789abcdef";

    /// <summary>strconv.Quote: double-quoted, Go escapes, printable Unicode kept unless asciiOnly.</summary>
    public static string Quote(string s, bool asciiOnly = false)
    {
        var sb = new StringBuilder(s.Length + 2);
        sb.Append('"');
        foreach (var rune in Runes(s))
        {
            AppendEscaped(sb, rune, '"', asciiOnly);
        }

        sb.Append('"');
        return sb.ToString();
    }

    /// <summary>strconv.QuoteRune: the single-quoted Go literal for a code point.</summary>
    public static string QuoteRune(long value, bool asciiOnly = false)
    {
        var rune = value is < 0 or > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF) ? Rune.ReplacementChar : new Rune((int)value);
        var sb = new StringBuilder("'");
        AppendEscaped(sb, rune, '\'', asciiOnly);
        sb.Append('\'');
        return sb.ToString();
    }

    /// <summary>Whether Go's %#q could use a raw backquoted string (strconv.CanBackquote).</summary>
    public static bool CanBackquote(string s)
    {
        foreach (var rune in Runes(s))
        {
            if (rune.Value == '`' || rune.Value == 0xFEFF || (rune.Value < ' ' && rune.Value != '\t') || rune.Value == 0x7F)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Go's unicode.IsPrint approximated with .NET categories; U+0020 is the only printable space.</summary>
    public static bool IsPrint(Rune rune)
    {
        if (rune.Value == ' ')
        {
            return true;
        }

        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator => false,
            _ => true,
        };
    }

    /// <summary>Enumerates runes, mapping lone surrogates to U+FFFD as Go does for invalid UTF-8.</summary>
    public static IEnumerable<Rune> Runes(string s)
    {
        for (var i = 0; i < s.Length;)
        {
            if (Rune.TryGetRuneAt(s, i, out var rune))
            {
                yield return rune;
                i += rune.Utf16SequenceLength;
            }
            else
            {
                yield return Rune.ReplacementChar;
                i++;
            }
        }
    }

    private static void AppendEscaped(StringBuilder sb, Rune rune, char quote, bool asciiOnly)
    {
        var r = rune.Value;
        if (r == quote || r == '\\')
        {
            sb.Append('\\').Append((char)r);
            return;
        }

        if (asciiOnly ? r < 0x80 && IsPrint(rune) : IsPrint(rune))
        {
            sb.Append(rune.ToString());
            return;
        }

        switch (r)
        {
            case '\a': sb.Append("\\a"); return;
            case '\b': sb.Append("\\b"); return;
            case '\f': sb.Append("\\f"); return;
            case '\n': sb.Append("\\n"); return;
            case '\r': sb.Append("\\r"); return;
            case '\t': sb.Append("\\t"); return;
            case '\v': sb.Append("\\v"); return;
        }

        if (r < ' ' || r == 0x7F)
        {
            sb.Append("\\x").Append(LowerHex[r >> 4]).Append(LowerHex[r & 0xF]);
        }
        else if (r < 0x10000)
        {
            sb.Append("\\u").Append(r.ToString("x4", CultureInfo.InvariantCulture));
        }
        else
        {
            sb.Append("\\U").Append(r.ToString("x8", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>strconv.Unquote for "..." and `...` literals; null when the literal is malformed.</summary>
    public static string? Unquote(string literal)
    {
        if (literal.Length < 2)
        {
            return null;
        }

        var quote = literal[0];
        if (literal[^1] != quote)
        {
            return null;
        }

        var body = literal[1..^1];
        if (quote == '`')
        {
            // Go drops carriage returns from raw strings so CRLF sources behave like LF ones.
            return body.Contains('`') ? null : body.Replace("\r", string.Empty, StringComparison.Ordinal);
        }

        if (quote != '"')
        {
            return null;
        }

        // Escapes such as \xe2 produce raw bytes, so decode through a UTF-8 buffer.
        var bytes = new List<byte>(body.Length);
        for (var i = 0; i < body.Length;)
        {
            var c = body[i];
            if (c == '"' || c == '\n')
            {
                return null;
            }

            if (c != '\\')
            {
                var rune = Rune.TryGetRuneAt(body, i, out var r) ? r : Rune.ReplacementChar;
                AppendUtf8(bytes, rune);
                i += Rune.TryGetRuneAt(body, i, out _) ? rune.Utf16SequenceLength : 1;
                continue;
            }

            if (!TryUnescape(body, ref i, '"', bytes, out _))
            {
                return null;
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>Parses a Go character literal such as 'a' or '\n' into its code point.</summary>
    public static bool TryUnquoteChar(string literal, out long value)
    {
        value = 0;
        if (literal.Length < 3 || literal[0] != '\'' || literal[^1] != '\'')
        {
            return false;
        }

        var body = literal[1..^1];
        if (body[0] != '\\')
        {
            if (!Rune.TryGetRuneAt(body, 0, out var rune) || rune.Utf16SequenceLength != body.Length || rune.Value == '\'')
            {
                return false;
            }

            value = rune.Value;
            return true;
        }

        var i = 0;
        var scratch = new List<byte>();
        if (!TryUnescape(body, ref i, '\'', scratch, out var code) || i != body.Length || code < 0)
        {
            return false;
        }

        value = code;
        return true;
    }

    private static bool TryUnescape(string s, ref int i, char quote, List<byte> bytes, out long code)
    {
        code = -1;
        if (i + 1 >= s.Length)
        {
            return false;
        }

        var c = s[i + 1];
        i += 2;
        switch (c)
        {
            case 'a': code = '\a'; break;
            case 'b': code = '\b'; break;
            case 'f': code = '\f'; break;
            case 'n': code = '\n'; break;
            case 'r': code = '\r'; break;
            case 't': code = '\t'; break;
            case 'v': code = '\v'; break;
            case '\\': code = '\\'; break;
            case '\'' or '"':
                if (c != quote)
                {
                    return false;
                }

                code = c;
                break;
            case 'x' or 'u' or 'U':
                var n = c == 'x' ? 2 : c == 'u' ? 4 : 8;
                if (i + n > s.Length || !long.TryParse(s.AsSpan(i, n), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
                {
                    return false;
                }

                i += n;
                if (c == 'x')
                {
                    // \xHH is a single byte, not a code point.
                    bytes.Add((byte)hex);
                    code = hex;
                    return true;
                }

                if (hex > 0x10FFFF || (hex >= 0xD800 && hex <= 0xDFFF))
                {
                    return false;
                }

                code = hex;
                break;
            case >= '0' and <= '7':
                if (i + 2 > s.Length)
                {
                    return false;
                }

                var octal = c - '0';
                for (var k = 0; k < 2; k++)
                {
                    var d = s[i + k];
                    if (d is < '0' or > '7')
                    {
                        return false;
                    }

                    octal = (octal * 8) + (d - '0');
                }

                if (octal > 255)
                {
                    return false;
                }

                i += 2;
                bytes.Add((byte)octal);
                code = octal;
                return true;
            default:
                return false;
        }

        AppendUtf8(bytes, new Rune((int)code));
        return true;
    }

    private static void AppendUtf8(List<byte> bytes, Rune rune)
    {
        Span<byte> buffer = stackalloc byte[4];
        var written = rune.EncodeToUtf8(buffer);
        for (var k = 0; k < written; k++)
        {
            bytes.Add(buffer[k]);
        }
    }
}
