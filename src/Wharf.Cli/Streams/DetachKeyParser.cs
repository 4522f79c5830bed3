namespace Wharf.Cli.Streams;

/// <summary>docker's detach key syntax (term.ToBytes): comma-separated single characters or "ctrl-X".</summary>
public static class DetachKeyParser
{
    /// <summary>ctrl-p, ctrl-q.</summary>
    public static readonly byte[] Default = [16, 17];

    static readonly string[] Controls =
    [
        "ctrl-@", "ctrl-a", "ctrl-b", "ctrl-c", "ctrl-d", "ctrl-e", "ctrl-f", "ctrl-g", "ctrl-h", "ctrl-i", "ctrl-j", "ctrl-k",
        "ctrl-l", "ctrl-m", "ctrl-n", "ctrl-o", "ctrl-p", "ctrl-q", "ctrl-r", "ctrl-s", "ctrl-t", "ctrl-u", "ctrl-v", "ctrl-w",
        "ctrl-x", "ctrl-y", "ctrl-z", "ctrl-[", "ctrl-\\", "ctrl-]", "ctrl-^", "ctrl-_",
    ];

    /// <summary>The bytes of a key sequence; throws <see cref="FormatException"/> with docker's message.</summary>
    public static byte[] Parse(string keys)
    {
        var codes = new List<byte>();
        foreach (var key in keys.Split(','))
        {
            if (key.Length == 1)
            {
                codes.Add((byte)key[0]);
                continue;
            }
            var code = Array.FindIndex(Controls, c => string.Equals(c, key, StringComparison.OrdinalIgnoreCase));
            if (code < 0) throw new FormatException($"invalid detach keys ({keys}): Unknown character: '{key}'");
            codes.Add((byte)code);
        }
        return [.. codes];
    }

    /// <summary>The sequence for a --detach-keys value, docker's default when empty.</summary>
    public static byte[] ParseOrDefault(string? keys) => string.IsNullOrEmpty(keys) ? Default : Parse(keys);
}
