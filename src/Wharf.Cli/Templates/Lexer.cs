using System.Text;

namespace Wharf.Cli.Templates;

/// <summary>Splits template source into tokens following Go's text/template/parse lexer.</summary>
internal sealed partial class Lexer
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
}
