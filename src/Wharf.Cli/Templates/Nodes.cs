using System.Globalization;
using System.Text;

namespace Wharf.Cli.Templates;

/// <summary>Base of the parse tree; ToString reproduces source text the way Go's parse nodes do for error context.</summary>
internal abstract class Node(int pos)
{
    public int Pos { get; } = pos;
}

/// <summary>A sequence of nodes, such as the body of an if or range.</summary>
internal sealed class ListNode(int pos) : Node(pos)
{
    public List<Node> Nodes { get; } = [];

    public override string ToString() => string.Concat(Nodes.Select(n => n.ToString()));
}

/// <summary>Literal text between actions.</summary>
internal sealed class TextNode(int pos, string text) : Node(pos)
{
    public string Text { get; } = text;

    public override string ToString() => Text;
}

/// <summary>A pipeline whose value is printed, e.g. {{.ID}}.</summary>
internal sealed class ActionNode(int pos, int line, PipeNode pipe) : Node(pos)
{
    public int Line { get; } = line;

    public PipeNode Pipe { get; } = pipe;

    public override string ToString() => "{{" + Pipe + "}}";
}

/// <summary>Commands joined by '|', optionally declaring or assigning variables.</summary>
internal sealed class PipeNode(int pos, int line) : Node(pos)
{
    public int Line { get; } = line;

    public bool IsAssign { get; set; }

    public List<VariableNode> Decl { get; } = [];

    public List<CommandNode> Cmds { get; } = [];

    public override string ToString()
    {
        var sb = new StringBuilder();
        if (Decl.Count > 0)
        {
            sb.Append(string.Join(", ", Decl.Select(d => d.ToString())));
            sb.Append(IsAssign ? " = " : " := ");
        }

        sb.Append(string.Join(" | ", Cmds.Select(c => c.ToString())));
        return sb.ToString();
    }
}

/// <summary>One pipeline stage: an operand followed by its arguments.</summary>
internal sealed class CommandNode(int pos) : Node(pos)
{
    public List<Node> Args { get; } = [];

    public override string ToString() =>
        string.Join(" ", Args.Select(a => a is PipeNode ? "(" + a + ")" : a.ToString()));
}

/// <summary>A function name such as printf.</summary>
internal sealed class IdentifierNode(int pos, string name) : Node(pos)
{
    public string Name { get; } = name;

    public override string ToString() => Name;
}

/// <summary>A variable with an optional field chain: $x.A.B (Ident[0] is "$x").</summary>
internal sealed class VariableNode(int pos, string[] ident) : Node(pos)
{
    public string[] Ident { get; } = ident;

    public override string ToString() => string.Join(".", Ident);
}

/// <summary>The cursor ".".</summary>
internal sealed class DotNode(int pos) : Node(pos)
{
    public override string ToString() => ".";
}

/// <summary>The untyped nil constant.</summary>
internal sealed class NilNode(int pos) : Node(pos)
{
    public override string ToString() => "nil";
}

/// <summary>A field chain starting at dot: .A.B.</summary>
internal sealed class FieldNode(int pos, string[] ident) : Node(pos)
{
    public string[] Ident { get; } = ident;

    public override string ToString() => string.Concat(Ident.Select(i => "." + i));
}

/// <summary>Fields applied to a non-field term, e.g. (index .A "b").IPAddress.</summary>
internal sealed class ChainNode(int pos, Node node) : Node(pos)
{
    public Node Node { get; } = node;

    public List<string> Field { get; } = [];

    public override string ToString()
    {
        var head = Node is PipeNode ? "(" + Node + ")" : Node.ToString();
        return head + string.Concat(Field.Select(f => "." + f));
    }
}

/// <summary>true or false.</summary>
internal sealed class BoolNode(int pos, bool value) : Node(pos)
{
    public bool Value { get; } = value;

    public override string ToString() => Value ? "true" : "false";
}

/// <summary>A numeric constant, recording every Go type it can represent exactly.</summary>
internal sealed class NumberNode(int pos, string text) : Node(pos)
{
    public string Text { get; } = text;

    public bool IsInt { get; set; }

    public bool IsUint { get; set; }

    public bool IsFloat { get; set; }

    public bool IsChar { get; set; }

    public long Int64 { get; set; }

    public ulong Uint64 { get; set; }

    public double Float64 { get; set; }

    public override string ToString() => Text;
}

/// <summary>A string constant, keeping the quoted source for error messages.</summary>
internal sealed class StringNode(int pos, string quoted, string text) : Node(pos)
{
    public string Quoted { get; } = quoted;

    public string Text { get; } = text;

    public override string ToString() => Quoted;
}

/// <summary>Shared shape of if, range and with.</summary>
internal abstract class BranchNode(int pos, int line, PipeNode pipe, ListNode list, ListNode? elseList) : Node(pos)
{
    public int Line { get; } = line;

    public PipeNode Pipe { get; } = pipe;

    public ListNode List { get; } = list;

    public ListNode? ElseList { get; } = elseList;

    protected abstract string Keyword { get; }

    public override string ToString()
    {
        var text = "{{" + Keyword + " " + Pipe + "}}" + List;
        if (ElseList != null)
        {
            text += "{{else}}" + ElseList;
        }

        return text + "{{end}}";
    }
}

/// <summary>{{if}} with optional else (else-if chains nest an IfNode in ElseList).</summary>
internal sealed class IfNode(int pos, int line, PipeNode pipe, ListNode list, ListNode? elseList)
    : BranchNode(pos, line, pipe, list, elseList)
{
    protected override string Keyword => "if";
}

/// <summary>{{range}} over arrays, objects and integers.</summary>
internal sealed class RangeNode(int pos, int line, PipeNode pipe, ListNode list, ListNode? elseList)
    : BranchNode(pos, line, pipe, list, elseList)
{
    protected override string Keyword => "range";
}

/// <summary>{{with}}: runs its body with dot set to a non-empty value.</summary>
internal sealed class WithNode(int pos, int line, PipeNode pipe, ListNode list, ListNode? elseList)
    : BranchNode(pos, line, pipe, list, elseList)
{
    protected override string Keyword => "with";
}

/// <summary>{{template "name" pipeline}}; also produced by {{block}}.</summary>
internal sealed class TemplateNode(int pos, int line, string name, PipeNode? pipe) : Node(pos)
{
    public int Line { get; } = line;

    public string Name { get; } = name;

    public PipeNode? Pipe { get; } = pipe;

    public override string ToString() =>
        Pipe == null ? "{{template " + GoQuote.Quote(Name) + "}}" : "{{template " + GoQuote.Quote(Name) + " " + Pipe + "}}";
}

/// <summary>{{break}} inside a range.</summary>
internal sealed class BreakNode(int pos) : Node(pos)
{
    public override string ToString() => "{{break}}";
}

/// <summary>{{continue}} inside a range.</summary>
internal sealed class ContinueNode(int pos) : Node(pos)
{
    public override string ToString() => "{{continue}}";
}

/// <summary>Parser-internal marker for {{end}}.</summary>
internal sealed class EndNode(int pos) : Node(pos)
{
    public override string ToString() => "{{end}}";
}

/// <summary>Parser-internal marker for {{else}}.</summary>
internal sealed class ElseNode(int pos, int line) : Node(pos)
{
    public int Line { get; } = line;

    public override string ToString() => "{{else}}";
}

/// <summary>Number-literal parsing shared by the parser, matching Go's parse.NewNumber rules.</summary>
internal static class NumberLiteral
{
    public static string? Fill(NumberNode node)
    {
        var text = node.Text;
        if (text.StartsWith('\''))
        {
            if (!GoQuote.TryUnquoteChar(text, out var code))
            {
                return "malformed character constant: " + text;
            }

            node.IsChar = node.IsInt = node.IsUint = node.IsFloat = true;
            node.Int64 = code;
            node.Uint64 = (ulong)code;
            node.Float64 = code;
            return null;
        }

        if (text.EndsWith('i'))
        {
            return "complex constants are not supported: " + text;
        }

        if (TryParseInteger(text, out var magnitude, out var negative))
        {
            if (!negative)
            {
                node.IsUint = true;
                node.Uint64 = magnitude;
            }

            if (negative ? magnitude <= 1UL << 63 : magnitude <= long.MaxValue)
            {
                node.IsInt = true;
                node.Int64 = negative ? (long)(0 - magnitude) : (long)magnitude;
            }

            if (node.IsInt || node.IsUint)
            {
                node.IsFloat = true;
                node.Float64 = node.IsInt ? node.Int64 : node.Uint64;
                return null;
            }
        }

        var isHex = text.TrimStart('+', '-').StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        if (!isHex && double.TryParse(text.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var f)
            && !double.IsInfinity(f))
        {
            if (text.IndexOfAny(['.', 'e', 'E', 'p', 'P']) < 0)
            {
                return "integer overflow: " + GoQuote.Quote(text);
            }

            node.IsFloat = true;
            node.Float64 = f;
            if (f == Math.Floor(f) && Math.Abs(f) < 9.2e18)
            {
                node.IsInt = true;
                node.Int64 = (long)f;
            }

            return null;
        }

        return "illegal number syntax: " + GoQuote.Quote(text);
    }

    private static bool TryParseInteger(string text, out ulong magnitude, out bool negative)
    {
        magnitude = 0;
        var s = text;
        negative = s.StartsWith('-');
        if (s.StartsWith('+') || negative)
        {
            s = s[1..];
        }

        var radix = 10;
        if (s.Length > 1 && s[0] == '0')
        {
            switch (s[1])
            {
                case 'x' or 'X': radix = 16; s = s[2..]; break;
                case 'o' or 'O': radix = 8; s = s[2..]; break;
                case 'b' or 'B': radix = 2; s = s[2..]; break;
                default: radix = 8; s = s[1..]; break;
            }
        }

        if (s.Length == 0 || s.StartsWith('_') || s.EndsWith('_') || s.Contains("__", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in s)
        {
            if (c == '_')
            {
                continue;
            }

            var digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => 99,
            };
            if (digit >= radix)
            {
                return false;
            }

            try
            {
                magnitude = checked((magnitude * (ulong)radix) + (ulong)digit);
            }
            catch (OverflowException)
            {
                return false;
            }
        }

        return true;
    }
}
