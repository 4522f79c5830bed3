using System.Globalization;
using System.Text;

namespace Wharf.Cli.Templates;

/// <summary>Splits template source into tokens following Go's text/template/parse lexer.</summary>
internal sealed class Lexer
{
    private const string LeftDelim = "{{";
    private const string RightDelim = "}}";
    private const string LeftComment = "/*";
    private const string RightComment = "*/";

    private static readonly Dictionary<string, TokenKind> Keywords = new(StringComparer.Ordinal)
    {
        ["."] = TokenKind.Dot,
        ["block"] = TokenKind.Block,
        ["break"] = TokenKind.Break,
        ["continue"] = TokenKind.Continue,
        ["define"] = TokenKind.Define,
        ["else"] = TokenKind.Else,
        ["end"] = TokenKind.End,
        ["if"] = TokenKind.If,
        ["range"] = TokenKind.Range,
        ["nil"] = TokenKind.Nil,
        ["template"] = TokenKind.Template,
        ["with"] = TokenKind.With,
    };

    private readonly string _input;
    private readonly List<Token> _tokens = [];
    private int _pos;
    private int _start;
    private int _line = 1;
    private int _startLine = 1;
    private int _parenDepth;

    private Lexer(string input) => _input = input;

    /// <summary>Tokenizes the whole input; the list ends with Eof or with a single Error token.</summary>
    public static List<Token> Tokenize(string input)
    {
        var lexer = new Lexer(input);
        lexer.Run();
        return lexer._tokens;
    }

    private void Run()
    {
        while (true)
        {
            if (!LexText())
            {
                return;
            }

            if (!LexInsideAction())
            {
                return;
            }
        }
    }

    private static bool IsSpace(int c) => c is ' ' or '\t' or '\r' or '\n';

    private static bool IsAlphaNumeric(int c) =>
        c == '_' || (c >= 0 && (Rune.IsLetter(new Rune(c)) || Rune.IsDigit(new Rune(c))));

    private int Peek() => _pos < _input.Length ? _input[_pos] : -1;

    private int PeekRune() => _pos < _input.Length && Rune.TryGetRuneAt(_input, _pos, out var r) ? r.Value : Peek();

    private int Next()
    {
        if (_pos >= _input.Length)
        {
            return -1;
        }

        var c = _input[_pos++];
        if (c == '\n')
        {
            _line++;
        }

        return c;
    }

    private void Backup()
    {
        _pos--;
        if (_input[_pos] == '\n')
        {
            _line--;
        }
    }

    private void Advance(int count)
    {
        for (var i = 0; i < count; i++)
        {
            Next();
        }
    }

    private void Emit(TokenKind kind)
    {
        _tokens.Add(new Token(kind, _start, _startLine, _input[_start.._pos]));
        Ignore();
    }

    private void Ignore()
    {
        _start = _pos;
        _startLine = _line;
    }

    private bool Error(string message)
    {
        _tokens.Add(new Token(TokenKind.Error, _start, _startLine, message));
        return false;
    }

    private bool StartsWith(int at, string s) => at >= 0 && at + s.Length <= _input.Length && string.CompareOrdinal(_input, at, s, 0, s.Length) == 0;

    // "{{- " trims whitespace before the action; the marker needs a following space so "{{-3}}" stays a number.
    private bool HasLeftTrimMarker(int at) => at + 1 < _input.Length && _input[at] == '-' && IsSpace(_input[at + 1]);

    private bool HasRightTrimMarker(int at) => at + 1 < _input.Length && IsSpace(_input[at]) && _input[at + 1] == '-';

    private (bool Delim, bool Trim) AtRightDelim()
    {
        if (HasRightTrimMarker(_pos) && StartsWith(_pos + 2, RightDelim))
        {
            return (true, true);
        }

        return (StartsWith(_pos, RightDelim), false);
    }

    private void SkipLeadingSpace()
    {
        while (_pos < _input.Length && IsSpace(_input[_pos]))
        {
            Next();
        }

        Ignore();
    }

    /// <summary>Emits text up to the next action, then consumes the left delimiter and any comments.</summary>
    private bool LexText()
    {
        while (true)
        {
            var x = _input.IndexOf(LeftDelim, _pos, StringComparison.Ordinal);
            if (x < 0)
            {
                Advance(_input.Length - _pos);
                if (_pos > _start)
                {
                    Emit(TokenKind.Text);
                }

                _tokens.Add(new Token(TokenKind.Eof, _pos, _line, string.Empty));
                return false;
            }

            Advance(x - _pos);
            var delimEnd = _pos + LeftDelim.Length;
            var textEnd = _pos;
            if (HasLeftTrimMarker(delimEnd))
            {
                while (textEnd > _start && IsSpace(_input[textEnd - 1]))
                {
                    textEnd--;
                }
            }

            if (textEnd > _start)
            {
                _tokens.Add(new Token(TokenKind.Text, _start, _startLine, _input[_start..textEnd]));
            }

            Ignore();
            Advance(LeftDelim.Length);
            var afterMarker = HasLeftTrimMarker(_pos) ? 2 : 0;
            if (StartsWith(_pos + afterMarker, LeftComment))
            {
                Advance(afterMarker);
                Ignore();
                if (!LexComment())
                {
                    return false;
                }

                continue;
            }

            Emit(TokenKind.LeftDelim);
            Advance(afterMarker);
            Ignore();
            _parenDepth = 0;
            return true;
        }
    }

    private bool LexComment()
    {
        Advance(LeftComment.Length);
        var x = _input.IndexOf(RightComment, _pos, StringComparison.Ordinal);
        if (x < 0)
        {
            return Error("unclosed comment");
        }

        Advance(x - _pos + RightComment.Length);
        var (delim, trim) = AtRightDelim();
        if (!delim)
        {
            return Error("comment ends before closing delimiter");
        }

        Advance((trim ? 2 : 0) + RightDelim.Length);
        if (trim)
        {
            SkipLeadingSpace();
        }

        Ignore();
        return true;
    }

    private void LexRightDelim(bool trim)
    {
        if (trim)
        {
            Advance(2);
            Ignore();
        }

        Advance(RightDelim.Length);
        Emit(TokenKind.RightDelim);
        if (trim)
        {
            SkipLeadingSpace();
        }
    }

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

    private bool LexChar()
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
                return Error("unterminated character constant");
            }

            if (c == '\'')
            {
                Emit(TokenKind.CharConstant);
                return true;
            }
        }
    }

    private bool LexQuote()
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
                return Error("unterminated quoted string");
            }

            if (c == '"')
            {
                Emit(TokenKind.String);
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
