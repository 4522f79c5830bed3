namespace Wharf.Cli.Templates;

/// <summary>Kinds of lexical items produced by <see cref="Lexer"/>.</summary>
internal enum TokenKind
{
    Error,
    Bool,
    Char,
    CharConstant,
    Complex,
    Declare,
    Assign,
    Eof,
    Field,
    Identifier,
    LeftDelim,
    LeftParen,
    Number,
    Pipe,
    RawString,
    RightDelim,
    RightParen,
    Space,
    String,
    Text,
    Variable,

    // Keywords sort after everything else so IsKeyword is a single comparison, as in Go's lexer.
    Keyword,
    Block,
    Break,
    Continue,
    Dot,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
}

/// <summary>One lexical item: its kind, source offset, 1-based line and text.</summary>
internal readonly record struct Token(TokenKind Kind, int Pos, int Line, string Value)
{
    /// <summary>Renders the token the way Go's parser quotes it inside "unexpected X" errors.</summary>
    public override string ToString()
    {
        if (Kind == TokenKind.Eof)
        {
            return "EOF";
        }

        if (Kind == TokenKind.Error)
        {
            return Value;
        }

        if (Kind > TokenKind.Keyword)
        {
            return "<" + Value + ">";
        }

        var runes = Value.EnumerateRunes().ToArray();
        if (runes.Length > 10)
        {
            var head = string.Concat(runes.Take(10).Select(r => r.ToString()));
            return GoQuote.Quote(head) + "...";
        }

        return GoQuote.Quote(Value);
    }
}
