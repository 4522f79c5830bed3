namespace Wharf.Cli.Templates;

/// <summary>Parsing of pipelines: declarations, commands, operands and terms.</summary>
internal sealed partial class Parser
{
    private PipeNode Pipeline(string context, TokenKind end)
    {
        var start = PeekNonSpace();
        var pipe = new PipeNode(start.Pos, start.Line);
        ParseDeclarations(pipe, context);
        while (true)
        {
            var token = NextNonSpace();
            if (token.Kind == end)
            {
                CheckPipeline(pipe, context);
                return pipe;
            }

            switch (token.Kind)
            {
                case TokenKind.Bool or TokenKind.CharConstant or TokenKind.Complex or TokenKind.Dot or TokenKind.Field
                    or TokenKind.Identifier or TokenKind.Number or TokenKind.Nil or TokenKind.RawString or TokenKind.String
                    or TokenKind.Variable or TokenKind.LeftParen:
                    Backup();
                    pipe.Cmds.Add(Command());
                    break;
                default:
                    throw Unexpected(token, context);
            }
        }
    }

    private void ParseDeclarations(PipeNode pipe, string context)
    {
        while (true)
        {
            var v = PeekNonSpace();
            if (v.Kind != TokenKind.Variable)
            {
                return;
            }

            var save = _index;
            NextToken();
            var next = PeekNonSpace();
            if (next.Kind is TokenKind.Assign or TokenKind.Declare)
            {
                pipe.IsAssign = next.Kind == TokenKind.Assign;
                NextNonSpace();
                pipe.Decl.Add(new VariableNode(v.Pos, v.Value.Split('.')));
                _vars.Add(v.Value);
                return;
            }

            if (next.Kind == TokenKind.Char && next.Value == ",")
            {
                NextNonSpace();
                pipe.Decl.Add(new VariableNode(v.Pos, v.Value.Split('.')));
                _vars.Add(v.Value);
                if (context == "range" && pipe.Decl.Count < 2)
                {
                    if (PeekNonSpace().Kind is TokenKind.Variable or TokenKind.RightDelim or TokenKind.RightParen)
                    {
                        continue;
                    }

                    throw Error("range can only initialize variables");
                }

                throw Error("too many declarations in " + context);
            }

            // Not a declaration: "$x" is the first operand of the pipeline.
            _index = save;
            return;
        }
    }

    private void CheckPipeline(PipeNode pipe, string context)
    {
        if (pipe.Cmds.Count == 0)
        {
            throw Error("missing value for " + context);
        }

        for (var i = 1; i < pipe.Cmds.Count; i++)
        {
            if (pipe.Cmds[i].Args[0] is BoolNode or DotNode or NilNode or NumberNode or StringNode)
            {
                throw Error("non executable command in pipeline stage " + (i + 1));
            }
        }
    }

    private CommandNode Command()
    {
        var cmd = new CommandNode(PeekNonSpace().Pos);
        while (true)
        {
            PeekNonSpace();
            var operand = Operand();
            if (operand != null)
            {
                cmd.Args.Add(operand);
            }

            var token = NextToken();
            if (token.Kind == TokenKind.Space)
            {
                continue;
            }

            if (token.Kind is TokenKind.RightDelim or TokenKind.RightParen)
            {
                Backup();
            }
            else if (token.Kind != TokenKind.Pipe)
            {
                throw Unexpected(token, "operand");
            }

            break;
        }

        if (cmd.Args.Count == 0)
        {
            throw Error("empty command");
        }

        return cmd;
    }

    private Node? Operand()
    {
        var node = Term();
        if (node == null || PeekToken().Kind != TokenKind.Field)
        {
            return node;
        }

        var chain = new ChainNode(PeekToken().Pos, node);
        while (PeekToken().Kind == TokenKind.Field)
        {
            chain.Field.Add(NextToken().Value[1..]);
        }

        return node switch
        {
            FieldNode f => new FieldNode(chain.Pos, [.. f.Ident, .. chain.Field]),
            VariableNode v => new VariableNode(chain.Pos, [.. v.Ident, .. chain.Field]),
            BoolNode or StringNode or NumberNode or NilNode or DotNode =>
                throw Error("unexpected . after term " + GoQuote.Quote(node.ToString() ?? string.Empty)),
            _ => chain,
        };
    }

    private Node? Term()
    {
        var token = NextNonSpace();
        switch (token.Kind)
        {
            case TokenKind.Identifier:
                if (!_hasFunction(token.Value))
                {
                    throw Error("function " + GoQuote.Quote(token.Value) + " not defined");
                }

                return new IdentifierNode(token.Pos, token.Value);
            case TokenKind.Dot:
                return new DotNode(token.Pos);
            case TokenKind.Nil:
                return new NilNode(token.Pos);
            case TokenKind.Variable:
                var ident = token.Value.Split('.');
                if (!_vars.Contains(ident[0]))
                {
                    throw Error("undefined variable " + GoQuote.Quote(ident[0]));
                }

                return new VariableNode(token.Pos, ident);
            case TokenKind.Field:
                return new FieldNode(token.Pos, [token.Value[1..]]);
            case TokenKind.Bool:
                return new BoolNode(token.Pos, token.Value == "true");
            case TokenKind.CharConstant or TokenKind.Complex or TokenKind.Number:
                var number = new NumberNode(token.Pos, token.Value);
                var error = NumberLiteral.Fill(number);
                return error == null ? number : throw Error(error);
            case TokenKind.LeftParen:
                return Pipeline("parenthesized pipeline", TokenKind.RightParen);
            case TokenKind.String or TokenKind.RawString:
                var text = GoQuote.Unquote(token.Value) ?? throw Error("invalid syntax");
                return new StringNode(token.Pos, token.Value, text);
        }

        Backup();
        return null;
    }
}
