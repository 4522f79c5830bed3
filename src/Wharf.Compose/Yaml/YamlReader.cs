using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Wharf.Compose.Yaml;

/// <summary>
/// Reads YAML into <see cref="Node"/> trees from the parser's event stream (no reflection, so it is
/// NativeAOT-safe), with anchors, aliases and `&lt;&lt;` merge keys resolved.
/// </summary>
public static class YamlReader
{
    [ThreadStatic] static SourceMark _last;

    public static Node ReadFile(string path) => Read(File.ReadAllText(path), path);

    public static Node Read(string text, string file)
    {
        try
        {
            IParser parser = new Parser(new StringReader(text));
            var anchors = new Dictionary<string, Node>(StringComparer.Ordinal);
            _last = new SourceMark(file, 1, 1);
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _)) return new MapNode { Mark = new SourceMark(file, 1, 1) };
            parser.Consume<DocumentStart>();
            var root = ReadNode(parser, file, anchors);
            parser.Consume<DocumentEnd>();
            if (!parser.Accept<StreamEnd>(out _))
                throw ComposeFileException.At(Mark(file, parser.Current!.Start), "expected a single YAML document");
            return root;
        }
        catch (InvalidOperationException)
        {
            // The scanner gives up this way on an unterminated flow collection: point at the last node read.
            throw ComposeFileException.At(_last, "invalid YAML: did not find the end of a flow sequence or mapping");
        }
        catch (YamlException e)
        {
            var inner = e.InnerException as YamlException ?? e;
            var message = inner.Message;
            // Where the scanner noticed the problem (a tab, a stray character) rather than where the enclosing node began.
            var start = inner.Start.Line == inner.End.Line ? inner.Start : inner.End;
            var at = Mark(file, start);
            // YamlDotNet reports a tab in indentation at the enclosing mapping: point at the tab itself.
            if (message.Contains("tab", StringComparison.Ordinal) && FirstIndentTab(text) is { } tab) at = new SourceMark(file, tab.Line, tab.Column);
            throw ComposeFileException.At(at, "invalid YAML: " + Trim(message));
        }
    }

    static (int Line, int Column)? FirstIndentTab(string text)
    {
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
            for (int c = 0; c < lines[i].Length && lines[i][c] is ' ' or '\t'; c++)
                if (lines[i][c] == '\t') return (i + 1, c + 1);
        return null;
    }

    static string Trim(string message)
    {
        // YamlDotNet prefixes "(Line: n, Col: m, Idx: i) - (...): "; the mark already says where.
        var i = message.LastIndexOf("): ", StringComparison.Ordinal);
        return (i >= 0 && message.StartsWith('(') ? message[(i + 3)..] : message).TrimEnd('.');
    }

    static SourceMark Mark(string file, Mark m) => new(file, (int)m.Line, (int)m.Column);

    static Node ReadNode(IParser parser, string file, Dictionary<string, Node> anchors)
    {
        var ev = parser.Current ?? throw new ComposeFileException($"{file}: unexpected end of YAML");
        var mark = Mark(file, ev.Start);
        _last = mark;
        switch (ev)
        {
            case AnchorAlias alias:
                parser.MoveNext();
                if (!anchors.TryGetValue(alias.Value.Value, out var target))
                    throw ComposeFileException.At(mark, $"unknown anchor '{alias.Value.Value}' referenced");
                return target.Clone();
            case Scalar s:
            {
                parser.MoveNext();
                var node = new ScalarNode(s.Value, s.Style == ScalarStyle.Plain && (s.Tag.IsNonSpecific || s.Tag.IsEmpty || !s.Tag.Value.EndsWith(":str", StringComparison.Ordinal))) { Mark = mark };
                if (!s.Anchor.IsEmpty) anchors[s.Anchor.Value] = node;
                return node;
            }
            case SequenceStart ss:
            {
                parser.MoveNext();
                var seq = new SeqNode { Mark = mark };
                while (!parser.TryConsume<SequenceEnd>(out _)) seq.Items.Add(ReadNode(parser, file, anchors));
                if (!ss.Anchor.IsEmpty) anchors[ss.Anchor.Value] = seq;
                return seq;
            }
            case MappingStart ms:
            {
                parser.MoveNext();
                var map = new MapNode { Mark = mark };
                var merged = new List<MapNode>();
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var keyMark = Mark(file, parser.Current!.Start);
                    var key = ReadNode(parser, file, anchors);
                    if (key is not ScalarNode k) throw ComposeFileException.At(keyMark, "mapping keys must be strings");
                    var value = ReadNode(parser, file, anchors);
                    if (k.Value == "<<" && k.Plain)
                    {
                        // YAML merge keys: the mapping (or list of mappings) supplies keys this one does not set.
                        if (value is MapNode one) merged.Add(one);
                        else if (value is SeqNode many && many.Items.All(i => i is MapNode)) merged.AddRange(many.Items.Cast<MapNode>());
                        else throw ComposeFileException.At(keyMark, "a merge key (<<) needs a mapping or a list of mappings");
                        continue;
                    }
                    if (map.Contains(k.Value)) throw ComposeFileException.At(keyMark, $"duplicate key '{k.Value}'");
                    map.Set(k.Value, value, keyMark);
                }
                foreach (var source in merged)
                    foreach (var (mk, mv) in source.Entries)
                        if (!map.Contains(mk)) map.Set(mk, mv.Clone(), source.KeyMark(mk));
                if (!ms.Anchor.IsEmpty) anchors[ms.Anchor.Value] = map;
                return map;
            }
            default:
                throw ComposeFileException.At(mark, $"unexpected YAML {ev.GetType().Name}");
        }
    }
}
