namespace Wharf.Cli.Containers;

/// <summary>go-units RAMInBytes: "512", "64m", "1.5GiB", "2 kb" (binary multiples), with its error texts.</summary>
public static class ByteSize
{
    /// <summary>Parses a size; on failure <paramref name="error"/> is go-units' message ("invalid suffix: 'x'").</summary>
    public static bool TryParse(string text, out long bytes, out string error)
    {
        bytes = -1;
        error = "";
        var sep = text.LastIndexOfAny("01234567890. ".ToCharArray());
        if (sep == -1)
        {
            error = $"invalid size: '{text}'";
            return false;
        }
        string num, suffix;
        if (text[sep] != ' ')
        {
            num = text[..(sep + 1)];
            suffix = text[(sep + 1)..];
        }
        else
        {
            num = text[..sep];
            suffix = text[(sep + 1)..];
        }
        if (!GoStrconv.TryParseFloat(num, out var size, out error)) return false;
        if (size < 0)
        {
            error = $"invalid size: '{text}'";
            return false;
        }
        if (suffix.Length == 0)
        {
            bytes = (long)size;
            return true;
        }
        if (suffix.Length > 3) return BadSuffix(suffix, out error);
        suffix = suffix.ToLowerInvariant();
        if (suffix[0] == 'b')
        {
            if (suffix.Length > 1) return BadSuffix(suffix, out error);
            bytes = (long)size;
            return true;
        }
        long multiplier = suffix[0] switch
        {
            'k' => 1L << 10,
            'm' => 1L << 20,
            'g' => 1L << 30,
            't' => 1L << 40,
            'p' => 1L << 50,
            _ => 0,
        };
        if (multiplier == 0) return BadSuffix(suffix, out error);
        if ((suffix.Length == 2 && suffix[1] != 'b') || (suffix.Length == 3 && suffix[1..] != "ib")) return BadSuffix(suffix, out error);
        bytes = (long)(size * multiplier);
        return true;
    }

    static bool BadSuffix(string suffix, out string error)
    {
        error = $"invalid suffix: '{suffix}'";
        return false;
    }

    /// <summary>A flag validator for opts.MemBytes.</summary>
    public static string? Validate(string value) => TryParse(value, out _, out var e) ? null : e;

    /// <summary>A flag validator for opts.MemSwapBytes: "-1" means unlimited.</summary>
    public static string? ValidateSwap(string value) => value == "-1" ? null : Validate(value);

    public static long Parse(string value) => value == "-1" ? -1 : TryParse(value, out var b, out _) ? b : 0;
}
