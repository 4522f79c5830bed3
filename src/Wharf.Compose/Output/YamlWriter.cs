using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using Wharf.Compose.Loading;
using Wharf.Compose.Yaml;

namespace Wharf.Compose.Output;

/// <summary>Writes a <see cref="Node"/> tree as YAML through the emitter's events (NativeAOT-safe).</summary>
public static class YamlWriter
{
    public static string Write(Node root)
    {
        var sw = new StringWriter { NewLine = "\n" };
        var e = new Emitter(sw, new EmitterSettings(2, int.MaxValue, false, 1024, false, false, "\n", false));
        e.Emit(new StreamStart());
        e.Emit(new DocumentStart(null, null, true));
        Emit(e, root);
        e.Emit(new DocumentEnd(true));
        e.Emit(new StreamEnd());
        return sw.ToString();
    }

    static bool PlainIsString(string v) =>
        v.Length > 0 && (char.IsAsciiLetter(v[0]) || v[0] is '/' or '.' or '_') && Validator.ParseBool(v) is null
        && v is not ("null" or "Null" or "NULL" or "~") && v.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '/' or '-' or ':' or '=' or '@' or '+');

    static void Emit(IEmitter e, Node node)
    {
        switch (node)
        {
            case ScalarNode s:
                // A quoted value that would read back as a number, bool or null ("0755", "yes") stays quoted.
                var style = s.IsNull ? ScalarStyle.Plain : s.Plain || PlainIsString(s.Value) ? ScalarStyle.Any : ScalarStyle.DoubleQuoted;
                e.Emit(new Scalar(null, null, s.IsNull ? "null" : s.Value, style, true, style != ScalarStyle.Plain));
                break;
            case SeqNode seq:
                e.Emit(new SequenceStart(null, null, true, SequenceStyle.Block));
                foreach (var i in seq.Items) Emit(e, i);
                e.Emit(new SequenceEnd());
                break;
            case MapNode map:
                e.Emit(new MappingStart(null, null, true, MappingStyle.Block));
                foreach (var (k, v) in map.Entries)
                {
                    e.Emit(new Scalar(k));
                    Emit(e, v);
                }
                e.Emit(new MappingEnd());
                break;
        }
    }
}
