using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Wharf.Compose.Yaml;

/// <summary>
/// Reads YAML into <see cref="Node"/> trees from the parser's event stream (no reflection, so it is
/// NativeAOT-safe), with anchors, aliases and `&lt;&lt;` merge keys resolved.
/// </summary>
public static class YamlReader
{
    public static Node ReadFile(string path) => Read(File.ReadAllText(path), path);

    public static Node Read(string text, string file)
    {
        try
        {
            var parser = new MergingParser(new Parser(new StringReader(text)));
            var anchors = new Dictionary<string, Node>(StringComparer.Ordinal);
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _)) return new MapNode { Mark = new SourceMark(file, 1, 1) };
            parser.Consume<DocumentStart>();
            var root = ReadNode(parser, file, anchors);
            parser.Consume<DocumentEnd>();
            if (!parser.Accept<StreamEnd>(out _))
                throw ComposeFileException.At(Mark(file, parser.Current!.Start), "expected a single YAML document");
            return root;
        }
        catch (YamlException e)
        {
            var message = e.InnerException is YamlException inner ? inner.Message : e.Message;
            var start = e.InnerException is YamlException ie ? ie.Start : e.Start;
            throw ComposeFileException.At(Mark(file, start), "invalid YAML: " + Trim(message));
        }
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
                var node = new ScalarNode(s.Value, s.Style == ScalarStyle.Plain && !s.Tag.Value.EndsWith(":str", StringComparison.Ordinal)) { Mark = mark };
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
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var keyMark = Mark(file, parser.Current!.Start);
                    var key = ReadNode(parser, file, anchors);
                    if (key is not ScalarNode k) throw ComposeFileException.At(keyMark, "mapping keys must be strings");
                    var value = ReadNode(parser, file, anchors);
                    if (map.Contains(k.Value)) throw ComposeFileException.At(keyMark, $"duplicate key '{k.Value}'");
                    map.Set(k.Value, value, keyMark);
                }
                if (!ms.Anchor.IsEmpty) anchors[ms.Anchor.Value] = map;
                return map;
            }
            default:
                throw ComposeFileException.At(mark, $"unexpected YAML {ev.GetType().Name}");
        }
    }
}
