namespace Wharf.Cli.Templates;

/// <summary>Builds the parse tree from tokens, reporting errors with Go's wording ("template: NAME:LINE: msg").</summary>
internal sealed partial class Parser
{
    private readonly string _name;
    private readonly List<Token> _tokens;
    private readonly Func<string, bool> _hasFunction;
    private readonly Dictionary<string, ListNode> _definitions;
    private List<string> _vars = ["$"];
    private int _index;
    private int _line = 1;
    private int _actionLine;
    private int _rangeDepth;

    private Parser(string name, string text, Func<string, bool> hasFunction, Dictionary<string, ListNode> definitions)
    {
        _name = name;
        _tokens = Lexer.Tokenize(text);
        _hasFunction = hasFunction;
        _definitions = definitions;
    }

    /// <summary>Parses text into its root list; {{define}} and {{block}} bodies land in definitions.</summary>
    public static ListNode Parse(string name, string text, Func<string, bool> hasFunction, Dictionary<string, ListNode> definitions)
    {
        var parser = new Parser(name, text, hasFunction, definitions);
        var root = parser.ParseTopLevel();
        parser.AddDefinition(name, root);
        return root;
    }

    private Token NextToken()
    {
        // Reading past the end keeps returning the final Eof/Error token, so Backup stays symmetric.
        var token = _tokens[Math.Min(_index, _tokens.Count - 1)];
        _index++;
        _line = token.Line;
        return token;
    }

    private void Backup() => _index--;

    private Token PeekToken() => _tokens[Math.Min(_index, _tokens.Count - 1)];

    private Token NextNonSpace()
    {
        Token token;
        do
        {
            token = NextToken();
        }
        while (token.Kind == TokenKind.Space);
        return token;
    }

    private Token PeekNonSpace()
    {
        var token = NextNonSpace();
        Backup();
        return token;
    }

    private TemplateException Error(string message) =>
        new("template: " + _name + ":" + _line + ": " + message);

    private TemplateException Unexpected(Token token, string context)
    {
        if (token.Kind == TokenKind.Error)
        {
            var extra = string.Empty;
            if (_actionLine != 0 && _actionLine != token.Line)
            {
                extra = " in action started at " + _name + ":" + _actionLine;
                if (token.Value.EndsWith(" action", StringComparison.Ordinal))
                {
                    extra = extra[" in action".Length..];
                }
            }

            return Error(token.Value + extra);
        }

        return Error("unexpected " + token + " in " + context);
    }

    private Token Expect(TokenKind kind, string context)
    {
        var token = NextNonSpace();
        if (token.Kind != kind)
        {
            throw Unexpected(token, context);
        }

        return token;
    }

    private ListNode ParseTopLevel()
    {
        var root = new ListNode(PeekToken().Pos);
        while (PeekToken().Kind != TokenKind.Eof)
        {
            if (PeekToken().Kind == TokenKind.LeftDelim)
            {
                var save = _index;
                NextToken();
                if (NextNonSpace().Kind == TokenKind.Define)
                {
                    ParseDefinition();
                    continue;
                }

                _index = save;
            }

            var node = TextOrAction();
            if (node is EndNode or ElseNode)
            {
                throw Error("unexpected " + node);
            }

            root.Nodes.Add(node);
        }

        return root;
    }

    private void ParseDefinition()
    {
        const string context = "define clause";
        var token = NextNonSpace();
        if (token.Kind is not (TokenKind.String or TokenKind.RawString))
        {
            throw Unexpected(token, context);
        }

        var name = GoQuote.Unquote(token.Value) ?? throw Error("invalid syntax");
        Expect(TokenKind.RightDelim, context);
        var outerVars = _vars;
        _vars = ["$"];
        var (body, end) = ItemList();
        _vars = outerVars;
        if (end is not EndNode)
        {
            throw Error("unexpected " + end + " in " + context);
        }

        AddDefinition(name, body);
    }

    private void AddDefinition(string name, ListNode body)
    {
        if (!_definitions.TryGetValue(name, out var existing) || IsEmpty(existing))
        {
            _definitions[name] = body;
            return;
        }

        if (!IsEmpty(body))
        {
            throw Error("template: multiple definition of template " + GoQuote.Quote(name));
        }
    }

    private static bool IsEmpty(ListNode list) =>
        list.Nodes.All(n => n is TextNode t && string.IsNullOrWhiteSpace(t.Text));

    private (ListNode List, Node End) ItemList()
    {
        var list = new ListNode(PeekNonSpace().Pos);
        while (PeekNonSpace().Kind != TokenKind.Eof)
        {
            var node = TextOrAction();
            if (node is EndNode or ElseNode)
            {
                return (list, node);
            }

            list.Nodes.Add(node);
        }

        throw Error("unexpected EOF");
    }

    private Node TextOrAction()
    {
        var token = NextNonSpace();
        switch (token.Kind)
        {
            case TokenKind.Text:
                return new TextNode(token.Pos, token.Value);
            case TokenKind.LeftDelim:
                _actionLine = token.Line;
                try
                {
                    return Action();
                }
                finally
                {
                    _actionLine = 0;
                }

            default:
                throw Unexpected(token, "input");
        }
    }

    private Node Action()
    {
        var token = NextNonSpace();
        switch (token.Kind)
        {
            case TokenKind.Block:
                return BlockControl();
            case TokenKind.Break:
                return LoopControl(token, "break", pos => new BreakNode(pos));
            case TokenKind.Continue:
                return LoopControl(token, "continue", pos => new ContinueNode(pos));
            case TokenKind.Else:
                return ElseControl();
            case TokenKind.End:
                return new EndNode(Expect(TokenKind.RightDelim, "end").Pos);
            case TokenKind.If:
                return Control("if");
            case TokenKind.Range:
                return Control("range");
            case TokenKind.Template:
                return TemplateControl();
            case TokenKind.With:
                return Control("with");
        }

        Backup();
        var first = PeekToken();
        // Variables declared here stay in scope until the enclosing {{end}}.
        return new ActionNode(first.Pos, first.Line, Pipeline("command", TokenKind.RightDelim));
    }

    private Node LoopControl(Token token, string word, Func<int, Node> make)
    {
        var next = NextNonSpace();
        if (next.Kind != TokenKind.RightDelim)
        {
            throw Unexpected(next, "{{" + word + "}}");
        }

        if (_rangeDepth == 0)
        {
            throw Error("{{" + word + "}} outside {{range}}");
        }

        return make(token.Pos);
    }

    private Node ElseControl()
    {
        var peek = PeekNonSpace();
        if (peek.Kind is TokenKind.If or TokenKind.With)
        {
            // "{{else if ...}}" is treated as "{{else}}{{if ...}}...{{end}}" sharing one {{end}}.
            return new ElseNode(peek.Pos, peek.Line);
        }

        var token = Expect(TokenKind.RightDelim, "else");
        return new ElseNode(token.Pos, token.Line);
    }

    private Node Control(string context)
    {
        var savedVars = _vars.Count;
        var pipe = Pipeline(context, TokenKind.RightDelim);
        if (context == "range")
        {
            _rangeDepth++;
        }

        var (list, next) = ItemList();
        if (context == "range")
        {
            _rangeDepth--;
        }

        ListNode? elseList = null;
        if (next is ElseNode elseNode)
        {
            if ((context == "if" && PeekToken().Kind == TokenKind.If) || (context == "with" && PeekToken().Kind == TokenKind.With))
            {
                NextToken();
                elseList = new ListNode(elseNode.Pos);
                elseList.Nodes.Add(Control(context));
            }
            else
            {
                (elseList, next) = ItemList();
                if (next is not EndNode)
                {
                    throw Error("expected end; found " + next);
                }
            }
        }

        _vars.RemoveRange(savedVars, _vars.Count - savedVars);
        return context switch
        {
            "if" => new IfNode(pipe.Pos, pipe.Line, pipe, list, elseList),
            "range" => new RangeNode(pipe.Pos, pipe.Line, pipe, list, elseList),
            _ => new WithNode(pipe.Pos, pipe.Line, pipe, list, elseList),
        };
    }

    private Node BlockControl()
    {
        const string context = "block clause";
        var token = NextNonSpace();
        var name = TemplateName(token, context);
        var pipe = Pipeline(context, TokenKind.RightDelim);
        var outerVars = _vars;
        var outerRange = _rangeDepth;
        _vars = ["$"];
        _rangeDepth = 0;
        var (body, end) = ItemList();
        _vars = outerVars;
        _rangeDepth = outerRange;
        if (end is not EndNode)
        {
            throw Error("unexpected " + end + " in " + context);
        }

        AddDefinition(name, body);
        return new TemplateNode(token.Pos, token.Line, name, pipe);
    }

    private Node TemplateControl()
    {
        const string context = "template clause";
        var token = NextNonSpace();
        var name = TemplateName(token, context);
        PipeNode? pipe = null;
        if (NextNonSpace().Kind != TokenKind.RightDelim)
        {
            Backup();
            pipe = Pipeline(context, TokenKind.RightDelim);
        }

        return new TemplateNode(token.Pos, token.Line, name, pipe);
    }

    private string TemplateName(Token token, string context)
    {
        if (token.Kind is TokenKind.String or TokenKind.RawString)
        {
            return GoQuote.Unquote(token.Value) ?? throw Error("invalid syntax");
        }

        throw Unexpected(token, context);
    }
}
