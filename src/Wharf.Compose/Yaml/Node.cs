namespace Wharf.Compose.Yaml;

/// <summary>Where a YAML node starts: the file, 1-based line and column, for error messages.</summary>
public readonly record struct SourceMark(string File, int Line, int Column)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}" : File;
}

/// <summary>A YAML node of a compose file with the place it came from; the loader's working tree.</summary>
public abstract class Node
{
    public SourceMark Mark { get; init; }

    public abstract Node Clone();
}

/// <summary>A scalar; <see cref="Plain"/> is false for quoted text, which is never null, a bool or a number.</summary>
public sealed class ScalarNode : Node
{
    public ScalarNode(string value, bool plain = true)
    {
        Value = value;
        Plain = plain;
    }

    public string Value { get; set; }
    public bool Plain { get; init; }

    public bool IsNull => Plain && Value is "" or "~" or "null" or "Null" or "NULL";

    public override Node Clone() => new ScalarNode(Value, Plain) { Mark = Mark };

    public override string ToString() => Value;
}

/// <summary>A sequence.</summary>
public sealed class SeqNode : Node
{
    public List<Node> Items { get; } = [];

    public override Node Clone()
    {
        var c = new SeqNode { Mark = Mark };
        foreach (var i in Items) c.Items.Add(i.Clone());
        return c;
    }
}

/// <summary>A mapping with string keys, in file order.</summary>
public sealed class MapNode : Node
{
    readonly List<KeyValuePair<string, Node>> _entries = [];
    readonly Dictionary<string, SourceMark> _keyMarks = new(StringComparer.Ordinal);

    public IReadOnlyList<KeyValuePair<string, Node>> Entries => _entries;

    public IEnumerable<string> Keys => _entries.Select(e => e.Key);

    public int Count => _entries.Count;

    public SourceMark KeyMark(string key) => _keyMarks.TryGetValue(key, out var m) ? m : Mark;

    public Node? this[string key]
    {
        get
        {
            foreach (var e in _entries) if (e.Key == key) return e.Value;
            return null;
        }
        set
        {
            var i = _entries.FindIndex(e => e.Key == key);
            if (value is null)
            {
                if (i >= 0) _entries.RemoveAt(i);
                return;
            }
            if (i >= 0) _entries[i] = new(key, value);
            else _entries.Add(new(key, value));
        }
    }

    public void Set(string key, Node value, SourceMark keyMark)
    {
        this[key] = value;
        _keyMarks[key] = keyMark;
    }

    public bool Contains(string key) => _entries.Any(e => e.Key == key);

    public void Remove(string key) => this[key] = null;

    public override Node Clone()
    {
        var c = new MapNode { Mark = Mark };
        foreach (var (k, v) in _entries) c.Set(k, v.Clone(), KeyMark(k));
        return c;
    }
}
