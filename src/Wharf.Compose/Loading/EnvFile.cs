using Wharf.Compose.Yaml;

namespace Wharf.Compose.Loading;

/// <summary>`.env` and env_file files: KEY=VALUE lines, comments, `export`, single and double quotes.</summary>
public static class EnvFile
{
    public static List<KeyValuePair<string, string?>> Read(string path, Func<string, string?>? lookup = null)
    {
        if (!File.Exists(path)) throw new ComposeFileException($"env file {path} not found");
        return Parse(File.ReadAllText(path), path, lookup);
    }

    public static List<KeyValuePair<string, string?>> Parse(string text, string file, Func<string, string?>? lookup = null)
    {
        var result = new List<KeyValuePair<string, string?>>();
        var lines = text.Replace("\r\n", "\n").Split('\n');
        for (int n = 0; n < lines.Length; n++)
        {
            var line = lines[n].Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            if (line.StartsWith("export ", StringComparison.Ordinal)) line = line[7..].TrimStart();
            var eq = line.IndexOf('=');
            var key = (eq < 0 ? line : line[..eq]).Trim();
            if (key.Length == 0 || key.Any(char.IsWhiteSpace))
                throw new ComposeFileException($"{file}:{n + 1}: invalid variable name \"{key}\"");
            if (eq < 0)
            {
                result.Add(new(key, lookup?.Invoke(key)));
                continue;
            }
            var raw = line[(eq + 1)..].Trim();
            string value;
            if (raw.Length >= 1 && raw[0] is '"' or '\'')
            {
                var q = raw[0];
                var sb = new System.Text.StringBuilder();
                int i = 1;
                // A quoted value may span lines.
                while (true)
                {
                    if (i >= raw.Length)
                    {
                        if (++n >= lines.Length) throw new ComposeFileException($"{file}:{n}: unterminated quoted value for {key}");
                        sb.Append('\n');
                        raw = lines[n];
                        i = 0;
                        continue;
                    }
                    var c = raw[i];
                    if (c == q) break;
                    if (q == '"' && c == '\\' && i + 1 < raw.Length)
                    {
                        var e = raw[++i];
                        sb.Append(e switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => e });
                    }
                    else sb.Append(c);
                    i++;
                }
                value = sb.ToString();
                if (q == '"' && lookup is not null) value = Interpolator.Interpolate(value, k => Find(result, k) ?? lookup(k), new SourceMark(file, n + 1, 1), key);
            }
            else
            {
                var hash = raw.IndexOf(" #", StringComparison.Ordinal);
                value = hash >= 0 ? raw[..hash].TrimEnd() : raw;
                if (lookup is not null) value = Interpolator.Interpolate(value, k => Find(result, k) ?? lookup(k), new SourceMark(file, n + 1, 1), key);
            }
            result.Add(new(key, value));
        }
        return result;
    }

    static string? Find(List<KeyValuePair<string, string?>> list, string key)
    {
        for (int i = list.Count - 1; i >= 0; i--) if (list[i].Key == key) return list[i].Value;
        return null;
    }
}
