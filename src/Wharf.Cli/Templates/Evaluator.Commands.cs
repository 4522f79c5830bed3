using System.Text.Json.Nodes;

namespace Wharf.Cli.Templates;

/// <summary>Evaluation of commands: fields, variables, constants and function calls with Go's argument checks.</summary>
internal sealed partial class Evaluator
{
    private void NotAFunction(List<Node> args, object? final)
    {
        if (args.Count > 1 || final != NoFinal)
        {
            throw Error("can't give argument to non-function " + args[0]);
        }
    }

    private object? EvalCommand(object? dot, CommandNode cmd, object? final)
    {
        var first = cmd.Args[0];
        switch (first)
        {
            case FieldNode field:
                _node = field;
                if ((cmd.Args.Count > 1 || final != NoFinal) && _methods.TryGetValue(field.Ident[^1], out var method))
                {
                    var receiver = field.Ident.Length > 1 ? EvalFieldChain(dot, field, field.Ident[..^1], null, NoFinal) : dot;
                    if (receiver is JsonObject row) return CallMethod(method, row, dot, cmd.Args, final);
                }

                return EvalFieldChain(dot, field, field.Ident, cmd.Args, final);
            case ChainNode chain:
                return EvalChain(dot, chain, cmd.Args, final);
            case IdentifierNode identifier:
                return EvalFunction(dot, identifier, cmd, cmd.Args, final);
            case PipeNode pipe:
                NotAFunction(cmd.Args, final);
                return EvalPipeline(dot, pipe);
            case VariableNode variable:
                return EvalVariable(variable, cmd.Args, final);
        }

        _node = first;
        NotAFunction(cmd.Args, final);
        return first switch
        {
            BoolNode b => b.Value,
            DotNode => dot,
            NilNode => throw Error("nil is not a command"),
            NumberNode n => IdealConstant(n),
            StringNode s => s.Text,
            _ => throw Error("can't evaluate command " + GoQuote.Quote(first.ToString() ?? string.Empty)),
        };
    }

    /// <summary>A row method such as ps's {{.Label "name"}}: string arguments, the row as receiver.</summary>
    private object? CallMethod(TemplateMethod method, JsonObject row, object? dot, List<Node> args, object? final)
    {
        var argv = args.Skip(1).Select(a => (string?)EvalArg(dot, ParamKind.String, a) ?? string.Empty).ToList();
        if (final != NoFinal)
        {
            argv.Add((string?)ValidateType(final, ParamKind.String) ?? string.Empty);
        }

        if (argv.Count != method.Arity)
        {
            throw Error("wrong number of args for " + method.Name + ": want " + method.Arity + " got " + argv.Count);
        }

        return method.Invoke(row, argv);
    }

    private object? EvalChain(object? dot, ChainNode chain, List<Node>? args, object? final)
    {
        _node = chain;
        if (chain.Node is NilNode)
        {
            throw Error("indirection through explicit nil in " + chain);
        }

        var receiver = EvalArg(dot, ParamKind.Any, chain.Node);
        receiver ??= Missing.Value;
        _node = chain;
        return EvalFieldChain(receiver, chain, chain.Field, args, final);
    }

    private object? EvalVariable(VariableNode variable, List<Node>? args, object? final)
    {
        _node = variable;
        var value = VarValue(variable.Ident[0]);
        if (variable.Ident.Length == 1)
        {
            if (args != null)
            {
                NotAFunction(args, final);
            }

            return value;
        }

        return EvalFieldChain(value, variable, variable.Ident.Skip(1).ToArray(), args, final);
    }

    private object? EvalFieldChain(object? receiver, Node node, IReadOnlyList<string> ident, List<Node>? args, object? final)
    {
        for (var i = 0; i < ident.Count - 1; i++)
        {
            receiver = EvalField(ident[i], node, null, NoFinal, receiver);
        }

        return EvalField(ident[^1], node, args, final, receiver);
    }

    private object? EvalField(string name, Node node, List<Node>? args, object? final, object? receiver)
    {
        _node = node;
        switch (receiver)
        {
            case Missing:
                // Chaining off a missing key keeps yielding "no value" rather than failing, as Go does for maps.
                return Missing.Value;
            case null:
                throw Error("nil pointer evaluating interface {}." + name);
            case JsonObject map:
                if ((args != null && args.Count > 1) || final != NoFinal)
                {
                    throw Error(name + " is not a method but has arguments");
                }

                if (map.TryGetPropertyValue(name, out var child))
                {
                    return Values.FromNode(child);
                }

                return _missingKeyIsEmpty ? string.Empty : Missing.Value;
            default:
                throw Error("can't evaluate field " + name + " in type " + Values.TypeName(receiver));
        }
    }

    private object? IdealConstant(NumberNode n)
    {
        _node = n;
        var text = n.Text;
        var isHexInt = text.TrimStart('+', '-').StartsWith("0x", StringComparison.OrdinalIgnoreCase) && !text.Contains('p', StringComparison.OrdinalIgnoreCase);
        if (n.IsFloat && !isHexInt && !n.IsChar && text.IndexOfAny(['.', 'e', 'E', 'p', 'P']) >= 0)
        {
            return n.Float64;
        }

        if (n.IsInt)
        {
            return n.Int64;
        }

        throw Error(text + " overflows int");
    }

    private object? EvalFunction(object? dot, IdentifierNode identifier, Node cmd, List<Node>? args, object? final)
    {
        _node = identifier;
        if (!_functions.TryGetValue(identifier.Name, out var function))
        {
            throw Error(GoQuote.Quote(identifier.Name) + " is not a defined function");
        }

        var callArgs = args == null ? [] : args.Skip(1).ToList();
        var numIn = callArgs.Count + (final != NoFinal ? 1 : 0);
        var numFixed = function.FixedParams.Length;
        if (function.Variadic != null)
        {
            if (numIn < numFixed)
            {
                throw Error("wrong number of args for " + function.Name + ": want at least " + numFixed + " got " + callArgs.Count);
            }
        }
        else if (numIn != numFixed)
        {
            throw Error("wrong number of args for " + function.Name + ": want " + numFixed + " got " + numIn);
        }

        if (function.ShortCircuitOn is { } decidingTruth)
        {
            // and/or stop evaluating at the first deciding argument.
            object? v = null;
            foreach (var arg in callArgs)
            {
                v = EvalArg(dot, ParamKind.Value, arg);
                if (Values.IsTrue(v) == decidingTruth)
                {
                    return v;
                }
            }

            return final != NoFinal ? final : v;
        }

        var argv = new object?[numIn];
        var k = 0;
        for (; k < callArgs.Count; k++)
        {
            var kind = k < numFixed ? function.FixedParams[k] : function.Variadic!.Value;
            argv[k] = EvalArg(dot, kind, callArgs[k]);
        }

        if (final != NoFinal)
        {
            var kind = k < numFixed ? function.FixedParams[k] : function.Variadic!.Value;
            argv[k] = ValidateType(final, kind);
        }

        if (function.PassesCalleeName)
        {
            var callee = callArgs.Count > 0 ? callArgs[0].ToString() : GoFmt.FormatV(final);
            argv = [callee, .. argv];
        }

        try
        {
            return function.Invoke(argv);
        }
        catch (FunctionException ex)
        {
            _node = cmd;
            throw Error("error calling " + function.Name + ": " + ex.Message);
        }
    }

    private object? EvalArg(object? dot, ParamKind kind, Node node)
    {
        _node = node;
        switch (node)
        {
            case DotNode:
                return ValidateType(dot, kind);
            case NilNode:
                return kind is ParamKind.Any or ParamKind.Value or ParamKind.StringList
                    ? null
                    : throw Error("cannot assign nil to " + TemplateFunction.GoTypeName(kind));
            case FieldNode field:
                return ValidateType(EvalFieldChain(dot, field, field.Ident, [node], NoFinal), kind);
            case VariableNode variable:
                return ValidateType(EvalVariable(variable, null, NoFinal), kind);
            case PipeNode pipe:
                return ValidateType(EvalPipeline(dot, pipe), kind);
            case IdentifierNode identifier:
                return ValidateType(EvalFunction(dot, identifier, identifier, null, NoFinal), kind);
            case ChainNode chain:
                return ValidateType(EvalChain(dot, chain, null, NoFinal), kind);
        }

        switch (kind)
        {
            case ParamKind.String:
                return node is StringNode str ? str.Text : throw Error("expected string; found " + node);
            case ParamKind.Int:
                return node is NumberNode { IsInt: true } integer ? integer.Int64 : throw Error("expected integer; found " + node);
            case ParamKind.StringList:
                throw Error("can't handle " + node + " for arg of type []string");
            default:
                return node switch
                {
                    BoolNode boolean => boolean.Value,
                    NumberNode number => IdealConstant(number),
                    StringNode text => text.Text,
                    _ => throw Error("can't handle " + node + " for arg of type " + TemplateFunction.GoTypeName(kind)),
                };
        }
    }

    private object? ValidateType(object? value, ParamKind kind)
    {
        if (value is Missing)
        {
            return kind switch
            {
                ParamKind.Value => Missing.Value,
                ParamKind.Any or ParamKind.StringList => null,
                _ => throw Error("invalid value; expected " + TemplateFunction.GoTypeName(kind)),
            };
        }

        switch (kind)
        {
            case ParamKind.Any or ParamKind.Value:
                return value;
            case ParamKind.String when value is string:
            case ParamKind.Int when value is long:
                return value;
            case ParamKind.StringList:
                if (value == null)
                {
                    return null;
                }

                if (Values.AsList(value) is { } list && list.All(item => item is string))
                {
                    return list.Cast<string>().ToArray();
                }

                break;
        }

        var got = value == null ? "interface {}" : Values.TypeName(value);
        throw Error("wrong type for value; expected " + TemplateFunction.GoTypeName(kind) + "; got " + got);
    }
}
