using System.Text;
using System.Text.Json.Nodes;

namespace Wharf.Cli.Templates;

/// <summary>Walks a parsed template against data, mirroring Go's text/template exec.go semantics.</summary>
internal sealed partial class Evaluator
{
    private const int MaxDepth = 1000;

    /// <summary>Marks "no piped value" for a command, as opposed to a piped missing value.</summary>
    private static readonly object NoFinal = new();

    private readonly TextWriter _out;
    private readonly string _source;
    private readonly string _parseName;
    private readonly IReadOnlyDictionary<string, ListNode> _definitions;
    private readonly IReadOnlyDictionary<string, TemplateFunction> _functions;
    private readonly bool _missingKeyIsEmpty;
    private readonly IReadOnlyDictionary<string, TemplateMethod> _methods;
    private List<(string Name, object? Value)> _vars = [];
    private string _templateName;
    private Node? _node;
    private int _depth;

    public Evaluator(
        TextWriter output,
        string source,
        string name,
        IReadOnlyDictionary<string, ListNode> definitions,
        IReadOnlyDictionary<string, TemplateFunction> functions,
        bool missingKeyIsEmpty,
        IReadOnlyDictionary<string, TemplateMethod>? methods = null)
    {
        _methods = methods ?? TemplateMethod.None;
        _out = output;
        _source = source;
        _parseName = name;
        _templateName = name;
        _definitions = definitions;
        _functions = functions;
        _missingKeyIsEmpty = missingKeyIsEmpty;
    }

    private enum Flow
    {
        Normal,
        Break,
        Continue,
    }

    public void Execute(ListNode root, object? data)
    {
        _vars = [("$", data)];
        Walk(data, root);
    }

    private TemplateException Error(string message)
    {
        if (_node == null)
        {
            return new TemplateException("template: " + _templateName + ": " + message);
        }

        var pos = Math.Min(_node.Pos, _source.Length);
        var before = _source[..pos];
        var lastNewline = before.LastIndexOf('\n');
        var line = 1 + before.Count(c => c == '\n');
        var column = Encoding.UTF8.GetByteCount(lastNewline < 0 ? before : before[(lastNewline + 1)..]);
        var context = _node.ToString() ?? string.Empty;
        if (Encoding.UTF8.GetByteCount(context) > 20)
        {
            context = string.Concat(GoQuote.Runes(context).Take(20).Select(r => r.ToString())) + "...";
        }

        return new TemplateException(
            "template: " + _parseName + ":" + line + ":" + column + ": executing " + GoQuote.Quote(_templateName) + " at <" + context + ">: " + message);
    }

    private Flow Walk(object? dot, Node node)
    {
        _node = node;
        switch (node)
        {
            case ActionNode action:
                var value = EvalPipeline(dot, action.Pipe);
                if (action.Pipe.Decl.Count == 0)
                {
                    _out.Write(Values.Print(value));
                }

                return Flow.Normal;
            case BreakNode:
                return Flow.Break;
            case ContinueNode:
                return Flow.Continue;
            case IfNode or WithNode:
                return WalkIfOrWith(dot, (BranchNode)node);
            case ListNode list:
                foreach (var child in list.Nodes)
                {
                    var flow = Walk(dot, child);
                    if (flow != Flow.Normal)
                    {
                        return flow;
                    }
                }

                return Flow.Normal;
            case RangeNode range:
                return WalkRange(dot, range);
            case TemplateNode template:
                WalkTemplate(dot, template);
                return Flow.Normal;
            case TextNode text:
                _out.Write(text.Text);
                return Flow.Normal;
            default:
                throw Error("unknown node: " + node);
        }
    }

    private Flow WalkIfOrWith(object? dot, BranchNode node)
    {
        var mark = _vars.Count;
        try
        {
            var value = EvalPipeline(dot, node.Pipe);
            if (Values.IsTrue(value))
            {
                return Walk(node is WithNode ? value : dot, node.List);
            }

            return node.ElseList != null ? Walk(dot, node.ElseList) : Flow.Normal;
        }
        finally
        {
            Pop(mark);
        }
    }

    private Flow WalkRange(object? dot, RangeNode node)
    {
        _node = node;
        var outer = _vars.Count;
        try
        {
            var value = EvalPipeline(dot, node.Pipe);
            var mark = _vars.Count;
            var decl = node.Pipe.Decl;

            bool Iterate(object? index, object? element)
            {
                if (decl.Count > 0)
                {
                    if (node.Pipe.IsAssign)
                    {
                        SetVar(decl[0].Ident[0], decl.Count > 1 ? index : element);
                    }
                    else
                    {
                        SetTopVar(1, element);
                    }
                }

                if (decl.Count > 1)
                {
                    if (node.Pipe.IsAssign)
                    {
                        SetVar(decl[1].Ident[0], element);
                    }
                    else
                    {
                        SetTopVar(2, index);
                    }
                }

                var flow = Walk(element, node.List);
                Pop(mark);
                return flow != Flow.Break;
            }

            var ran = false;
            switch (value)
            {
                case JsonObject map:
                    foreach (var (key, item) in Values.SortedEntries(map))
                    {
                        ran = true;
                        if (!Iterate(key, item))
                        {
                            break;
                        }
                    }

                    break;
                case long count:
                    if (decl.Count > 1)
                    {
                        throw Error("can't use " + count + " to iterate over more than one variable");
                    }

                    for (long i = 0; i < count; i++)
                    {
                        ran = true;
                        if (!Iterate(i, i))
                        {
                            break;
                        }
                    }

                    break;
                case null or Missing:
                    break;
                default:
                    var list = Values.AsList(value) ?? throw Error("range can't iterate over " + GoFmt.FormatV(value));
                    for (var i = 0; i < list.Count; i++)
                    {
                        ran = true;
                        if (!Iterate((long)i, list[i]))
                        {
                            break;
                        }
                    }

                    break;
            }

            if (!ran && node.ElseList != null)
            {
                // A break in the else list ends only this range, as Go's recover in walkRange does.
                var flow = Walk(dot, node.ElseList);
                return flow == Flow.Break ? Flow.Normal : flow;
            }

            return Flow.Normal;
        }
        finally
        {
            Pop(outer);
        }
    }

    private void WalkTemplate(object? dot, TemplateNode node)
    {
        _node = node;
        if (!_definitions.TryGetValue(node.Name, out var body))
        {
            throw Error("template " + GoQuote.Quote(node.Name) + " not defined");
        }

        if (_depth == MaxDepth)
        {
            throw Error("exceeded maximum template depth (" + MaxDepth + ")");
        }

        var newDot = node.Pipe == null ? Missing.Value : EvalPipeline(dot, node.Pipe);
        var savedVars = _vars;
        var savedName = _templateName;
        _vars = [("$", newDot)];
        _templateName = node.Name;
        _depth++;
        try
        {
            Walk(newDot, body);
        }
        finally
        {
            _depth--;
            _vars = savedVars;
            _templateName = savedName;
        }
    }

    private void Pop(int mark) => _vars.RemoveRange(mark, _vars.Count - mark);

    private void SetVar(string name, object? value)
    {
        for (var i = _vars.Count - 1; i >= 0; i--)
        {
            if (_vars[i].Name == name)
            {
                _vars[i] = (name, value);
                return;
            }
        }

        throw Error("undefined variable: " + name);
    }

    private void SetTopVar(int n, object? value) => _vars[^n] = (_vars[^n].Name, value);

    private object? VarValue(string name)
    {
        for (var i = _vars.Count - 1; i >= 0; i--)
        {
            if (_vars[i].Name == name)
            {
                return _vars[i].Value;
            }
        }

        throw Error("undefined variable: " + name);
    }

    private object? EvalPipeline(object? dot, PipeNode pipe)
    {
        _node = pipe;
        object? value = NoFinal;
        foreach (var cmd in pipe.Cmds)
        {
            value = EvalCommand(dot, cmd, value);

            // Go strips the interface from each stage's result, so a nil from a map becomes "no value".
            value ??= Missing.Value;
        }

        foreach (var variable in pipe.Decl)
        {
            if (pipe.IsAssign)
            {
                SetVar(variable.Ident[0], value);
            }
            else
            {
                _vars.Add((variable.Ident[0], value));
            }
        }

        return value;
    }
}
