using System.Globalization;
using Wharf.Compose.Yaml;

namespace Wharf.Compose.Loading;

/// <summary>
/// Checks a compose tree against <see cref="ComposeSchema"/> (unknown keys and wrong types, reported with
/// file:line:column and the key's path) and rewrites the alternative forms into one: list-or-map keys become
/// maps, a build or extends string becomes its object, a null key is dropped.
/// </summary>
public static class Validator
{
    public static Node Check(Node node, Shape shape, string path)
    {
        switch (shape.Kind)
        {
            case ShapeKind.Any:
                return node;
            case ShapeKind.String:
                return Scalar(node, path, "a string");
            case ShapeKind.Int:
            {
                var s = Scalar(node, path, "an integer");
                if (!long.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                    throw Error(node, path, "must be an integer");
                return s;
            }
            case ShapeKind.Number:
            {
                var s = Scalar(node, path, "a number");
                if (!double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                    throw Error(node, path, "must be a number");
                return s;
            }
            case ShapeKind.Bool:
            {
                var s = Scalar(node, path, "a boolean");
                if (ParseBool(s.Value) is null) throw Error(node, path, "must be a boolean");
                return s;
            }
            case ShapeKind.StringOrList:
                if (node is SeqNode sl)
                {
                    for (int i = 0; i < sl.Items.Count; i++) sl.Items[i] = Scalar(sl.Items[i], $"{path}[{i}]", "a string");
                    return sl;
                }
                return Scalar(node, path, "a string or a list");
            case ShapeKind.ListOrMap:
                return ListOrMap(node, path);
            case ShapeKind.Object:
                return Object(node, shape, path);
            case ShapeKind.MapOf:
            {
                if (node is not MapNode m) throw Error(node, path, "must be a mapping");
                foreach (var (k, v) in m.Entries.ToList())
                {
                    if (k.StartsWith("x-", StringComparison.Ordinal) && shape.Item!.Kind == ShapeKind.Object && path.IndexOf('.') < 0) continue;
                    m.Set(k, v is ScalarNode { IsNull: true } && shape.Item!.Kind is ShapeKind.Object ? new MapNode { Mark = v.Mark } : Check(v, shape.Item!, path + "." + k), m.KeyMark(k));
                }
                return m;
            }
            case ShapeKind.List:
            {
                if (node is not SeqNode seq) throw Error(node, path, "must be a list");
                for (int i = 0; i < seq.Items.Count; i++) seq.Items[i] = Check(seq.Items[i], shape.Item!, $"{path}[{i}]");
                return seq;
            }
            case ShapeKind.StringOrObject:
                if (node is ScalarNode { IsNull: false } str) return str;
                return Object(node, shape, path);
            case ShapeKind.ListOrMapOf:
            {
                var map = new MapNode { Mark = node.Mark };
                if (node is SeqNode names)
                {
                    foreach (var item in names.Items)
                    {
                        var name = Scalar(item, path, "a list of names").Value;
                        if (map.Contains(name)) throw Error(item, path, $"contains '{name}' more than once");
                        map.Set(name, new MapNode { Mark = item.Mark }, item.Mark);
                    }
                    return map;
                }
                if (node is not MapNode given) throw Error(node, path, "must be a list or a mapping");
                foreach (var (k, v) in given.Entries)
                    map.Set(k, v is ScalarNode { IsNull: true } ? new MapNode { Mark = v.Mark } : Check(v, shape.Item!, path + "." + k), given.KeyMark(k));
                return map;
            }
            case ShapeKind.BoolOrObject:
                if (node is ScalarNode b)
                {
                    if (ParseBool(b.Value) is null) throw Error(node, path, "must be a boolean or a mapping");
                    return b;
                }
                return Object(node, shape, path);
            case ShapeKind.IntOrObject:
                if (node is ScalarNode iv)
                {
                    if (!long.TryParse(iv.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                        throw Error(node, path, "must be an integer or a mapping");
                    return iv;
                }
                return Object(node, shape, path);
            default:
                return node;
        }
    }

    static MapNode Object(Node node, Shape shape, string path)
    {
        if (node is not MapNode m) throw Error(node, path, "must be a mapping");
        foreach (var (k, v) in m.Entries.ToList())
        {
            if (k.StartsWith("x-", StringComparison.Ordinal)) continue;
            if (!shape.Props!.TryGetValue(k, out var sub))
                throw ComposeFileException.At(m.KeyMark(k), $"{(path.Length == 0 ? "" : path + ": ")}unknown key '{k}'" + (path.Length == 0 ? " at the top level" : ""));
            if (v is ScalarNode { IsNull: true } && sub.Kind != ShapeKind.Any)
            {
                m.Remove(k);
                continue;
            }
            m.Set(k, Check(v, sub, path.Length == 0 ? k : path + "." + k), m.KeyMark(k));
        }
        return m;
    }

    static MapNode ListOrMap(Node node, string path)
    {
        if (node is MapNode m)
        {
            foreach (var (k, v) in m.Entries)
                if (v is not ScalarNode) throw Error(v, path + "." + k, "must be a string, number, boolean or null");
            return m;
        }
        if (node is not SeqNode seq) throw Error(node, path, "must be a list or a mapping");
        var map = new MapNode { Mark = node.Mark };
        foreach (var item in seq.Items)
        {
            var text = Scalar(item, path, "a list of strings").Value;
            var eq = text.IndexOf('=');
            var key = eq < 0 ? text : text[..eq];
            // A list entry without '=' has no value: the environment's, or nothing.
            map.Set(key, eq < 0 ? new ScalarNode("") { Mark = item.Mark } : new ScalarNode(text[(eq + 1)..], false) { Mark = item.Mark }, item.Mark);
        }
        return map;
    }

    static ScalarNode Scalar(Node node, string path, string what)
    {
        if (node is ScalarNode { IsNull: false } s) return s;
        throw Error(node, path, "must be " + what);
    }

    static ComposeFileException Error(Node node, string path, string message) => ComposeFileException.At(node.Mark, $"{path} {message}");

    public static bool? ParseBool(string v) => v.ToLowerInvariant() switch
    {
        "true" or "yes" or "on" or "y" => true,
        "false" or "no" or "off" or "n" => false,
        _ => null,
    };
}
