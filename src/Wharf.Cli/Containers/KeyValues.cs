using System.Text;

namespace Wharf.Cli.Containers;

/// <summary>KEY=VALUE lists and files (--env-file, --label-file) as the docker CLI reads them.</summary>
public static class KeyValues
{
    /// <summary>opts.ConvertKVStringsToMap: later keys win, "K" alone maps to "".</summary>
    public static Dictionary<string, string> ToMap(IEnumerable<string> values)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var v in values)
        {
            var eq = v.IndexOf('=');
            map[eq < 0 ? v : v[..eq]] = eq < 0 ? "" : v[(eq + 1)..];
        }
        return map;
    }

    /// <summary>opts.ReadKVStrings / ReadKVEnvStrings: the files' lines, then the flag values.</summary>
    public static List<string> Read(IEnumerable<string> files, IEnumerable<string> overrides, bool fromEnvironment)
    {
        var result = new List<string>();
        foreach (var f in files) result.AddRange(ParseFile(f, fromEnvironment));
        result.AddRange(overrides);
        return result;
    }

    /// <summary>kvfile.Parse: comments and blank lines skipped, a bare key takes the client's environment value (env files only).</summary>
    public static List<string> ParseFile(string path, bool fromEnvironment)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FormatException($"open {path}: no such file or directory");
        }
        catch (UnauthorizedAccessException)
        {
            throw new FormatException($"open {path}: permission denied");
        }
        catch (IOException e)
        {
            throw new FormatException($"read {path}: {e.Message}");
        }
        try
        {
            return Parse(bytes, fromEnvironment);
        }
        catch (FormatException e)
        {
            throw new FormatException($"invalid env file ({path}): {e.Message}");
        }
    }

    static List<string> Parse(byte[] bytes, bool fromEnvironment)
    {
        var lines = new List<string>();
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        int lineNo = 0, start = 0;
        while (start < bytes.Length)
        {
            lineNo++;
            var nl = Array.IndexOf(bytes, (byte)'\n', start);
            var end = nl < 0 ? bytes.Length : nl;
            var raw = bytes.AsSpan(start, end - start);
            if (raw.Length > 0 && raw[^1] == '\r') raw = raw[..^1];
            start = end + 1;
            if (lineNo == 1 && raw.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) raw = raw[3..];
            string text;
            try { text = strict.GetString(raw); }
            catch (DecoderFallbackException)
            {
                throw new FormatException($"invalid utf8 bytes at line {lineNo}: [{string.Join(' ', raw.ToArray())}]");
            }
            var line = text.TrimStart();
            if (line.Length == 0 || line[0] == '#') continue;
            var eq = line.IndexOf('=');
            var key = eq < 0 ? line : line[..eq];
            if (key.Length == 0) throw new FormatException($"no variable name on line '{line}'");
            if (key.IndexOfAny([' ', '\t']) >= 0) throw new FormatException($"variable '{key}' contains whitespaces");
            if (eq >= 0)
            {
                lines.Add(line);
                continue;
            }
            if (fromEnvironment && Environment.GetEnvironmentVariable(line) is { } value) lines.Add(key + "=" + value);
        }
        return lines;
    }
}
