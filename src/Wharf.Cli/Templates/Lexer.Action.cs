using System.Globalization;
using System.Text;

namespace Wharf.Cli.Templates;

/// <summary>The part of the lexer that scans inside {{ }}: operands, strings, numbers and punctuation.</summary>
internal sealed partial class Lexer
{
    /// <summary>Lexes one action body up to and including the right delimiter.</summary>
    private bool LexInsideAction()
    {
        while (true)
        {
            var (delim, trim) = AtRightDelim();
            if (delim)
            {
                if (_parenDepth != 0)
                {
                    return Error("unclosed left paren");
                }

                LexRightDelim(trim);
                return true;
            }

            var c = Next();
            switch (c)
            {
                case -1:
                    return Error("unclosed action");
                case ' ' or '\t' or '\r' or '\n':
                    Backup();
                    if (LexSpace())
                    {
                        continue;
                    }

                    return true;
                case '=':
                    Emit(TokenKind.Assign);
                    break;
                case ':':
                    if (Next() != '=')
                    {
                        return Error("expected :=");
                    }

                    Emit(TokenKind.Declare);
                    break;
                case '|':
                    Emit(TokenKind.Pipe);
                    break;
                case '"':
                    if (!LexQuote())
                    {
                        return false;
                    }

                    break;
                case '`':
                    if (!LexRawQuote())
                    {
                        return false;
                    }

                    break;
                case '$':
                    if (!LexFieldOrVariable(TokenKind.Variable))
                    {
                        return false;
                    }

                    break;
                case '\'':
                    if (!LexChar())
                    {
                        return false;
                    }

                    break;
                case '.' when _pos >= _input.Length || _input[_pos] < '0' || _input[_pos] > '9':
                    if (!LexFieldOrVariable(TokenKind.Field))
                    {
                        return false;
                    }

                    break;
                case '.' or '+' or '-' or (>= '0' and <= '9'):
                    Backup();
                    if (!LexNumber())
                    {
                        return false;
                    }

                    break;
                case '(':
                    Emit(TokenKind.LeftParen);
                    _parenDepth++;
                    break;
                case ')':
                    Emit(TokenKind.RightParen);
                    _parenDepth--;
                    if (_parenDepth < 0)
                    {
                        return Error("unexpected right paren");
                    }

                    break;
                default:
                    Backup();
                    var rune = PeekRune();
                    if (IsAlphaNumeric(rune))
                    {
                        if (!LexIdentifier())
                        {
                            return false;
                        }

                        break;
                    }

                    if (rune is > ' ' and < 0x7F)
                    {
                        Next();
                        Emit(TokenKind.Char);
                        break;
                    }

                    return Error("unrecognized character in action: " + DescribeRune(rune));
            }
        }
    }

    /// <summary>Consumes a run of spaces; returns false when the run turned out to start " -}}" and the action ended.</summary>
    private bool LexSpace()
    {
        var count = 0;
        while (_pos < _input.Length && IsSpace(_input[_pos]))
        {
            Next();
            count++;
        }

        // Leave the last space for the " -}}" trim marker.
        if (HasRightTrimMarker(_pos - 1) && StartsWith(_pos + 1, RightDelim))
        {
            Backup();
            if (count == 1)
            {
                LexRightDelim(trim: true);
                return false;
            }
        }

        Emit(TokenKind.Space);
        return true;
    }

    private bool LexIdentifier()
    {
        while (IsAlphaNumeric(PeekRune()))
        {
            Advance(char.IsSurrogate(_input[_pos]) ? 2 : 1);
        }

        if (!AtTerminator())
        {
            return Error("bad character " + DescribeRune(PeekRune()));
        }

        var word = _input[_start.._pos];
        if (Keywords.TryGetValue(word, out var keyword))
        {
            Emit(keyword);
        }
        else if (word is "true" or "false")
        {
            Emit(TokenKind.Bool);
        }
        else
        {
            Emit(TokenKind.Identifier);
        }

        return true;
    }

    private bool LexFieldOrVariable(TokenKind kind)
    {
        if (AtTerminator())
        {
            // A bare "." or "$".
            Emit(kind == TokenKind.Variable ? TokenKind.Variable : TokenKind.Dot);
            return true;
        }

        while (IsAlphaNumeric(PeekRune()))
        {
            Advance(char.IsSurrogate(_input[_pos]) ? 2 : 1);
        }

        if (!AtTerminator())
        {
            return Error("bad character " + DescribeRune(PeekRune()));
        }

        Emit(kind);
        return true;
    }

    // Only these may follow a word, which splits ".A.B" into two fields and rejects "$x+2".
    private bool AtTerminator()
    {
        var c = Peek();
        if (c == -1 || IsSpace(c))
        {
            return true;
        }

        return c is '.' or ',' or '|' or ':' or ')' or '(' || StartsWith(_pos, RightDelim);
    }

    private bool LexChar() => LexEscaped('\'', TokenKind.CharConstant, "unterminated character constant");

    private bool LexQuote() => LexEscaped('"', TokenKind.String, "unterminated quoted string");

    // Character constants and interpreted strings scan alike: backslash escapes, no newline inside.
    private bool LexEscaped(char close, TokenKind kind, string unterminated)
    {
        while (true)
        {
            var c = Next();
            if (c == '\\')
            {
                c = Next();
                if (c != -1 && c != '\n')
                {
                    continue;
                }
            }

            if (c is -1 or '\n')
            {
                return Error(unterminated);
            }

            if (c == close)
            {
                Emit(kind);
                return true;
            }
        }
    }

    private bool LexRawQuote()
    {
        while (true)
        {
            var c = Next();
            if (c == -1)
            {
                return Error("unterminated raw quoted string");
            }

            if (c == '`')
            {
                Emit(TokenKind.RawString);
                return true;
            }
        }
    }

    private bool LexNumber()
    {
        if (!ScanNumber())
        {
            return Error("bad number syntax: " + GoQuote.Quote(_input[_start.._pos]));
        }

        if (Peek() is '+' or '-')
        {
            // Complex literal such as 1+2i: no spaces allowed and it must end in 'i'.
            if (!ScanNumber() || _input[_pos - 1] != 'i')
            {
                return Error("bad number syntax: " + GoQuote.Quote(_input[_start.._pos]));
            }

            Emit(TokenKind.Complex);
            return true;
        }

        Emit(TokenKind.Number);
        return true;
    }

    private bool Accept(string valid)
    {
        if (_pos < _input.Length && valid.Contains(_input[_pos], StringComparison.Ordinal))
        {
            Next();
            return true;
        }

        return false;
    }

    private void AcceptRun(string valid)
    {
        while (Accept(valid))
        {
        }
    }

    private bool ScanNumber()
    {
        Accept("+-");
        var digits = "0123456789_";
        if (Accept("0"))
        {
            if (Accept("xX"))
            {
                digits = "0123456789abcdefABCDEF_";
            }
            else if (Accept("oO"))
            {
                digits = "01234567_";
            }
            else if (Accept("bB"))
            {
                digits = "01_";
            }
        }

        AcceptRun(digits);
        if (Accept("."))
        {
            AcceptRun(digits);
        }

        if (digits.Length == 11 && Accept("eE"))
        {
            Accept("+-");
            AcceptRun("0123456789_");
        }

        if (digits.Length == 23 && Accept("pP"))
        {
            Accept("+-");
            AcceptRun("0123456789_");
        }

        Accept("i");
        if (IsAlphaNumeric(PeekRune()))
        {
            Next();
            return false;
        }

        return true;
    }

    /// <summary>Go's %#U rendering, used in lexer error messages: U+0021 '!'.</summary>
    internal static string DescribeRune(int rune)
    {
        if (rune < 0)
        {
            return "U+FFFFFFFF";
        }

        var text = "U+" + rune.ToString("X4", CultureInfo.InvariantCulture);
        return rune <= 0x10FFFF && !(rune >= 0xD800 && rune <= 0xDFFF) && GoQuote.IsPrint(new Rune(rune))
            ? text + " '" + new Rune(rune) + "'"
            : text;
    }
}
