using System.Globalization;
using System.Text;
using Wharf.Compose.Yaml;

namespace Wharf.Compose.Loading;

/// <summary>Compose's value syntaxes: Go durations, byte sizes, shell-split command strings.</summary>
public static class Units
{
    /// <summary>"1m30s", "10s", "500ms", "1h" → nanoseconds.</summary>
    public static long Duration(string text, SourceMark mark, string key)
    {
        var s = text.Trim();
        if (s == "0") return 0;
        long total = 0;
        int i = 0;
        if (s.Length == 0) throw ComposeFileException.At(mark, $"{key}: invalid duration \"{text}\"");
        while (i < s.Length)
        {
            int start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.')) i++;
            if (start == i || !double.TryParse(s[start..i], NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
                throw ComposeFileException.At(mark, $"{key}: invalid duration \"{text}\"");
            int u = i;
            while (i < s.Length && char.IsAsciiLetter(s[i]) || i < s.Length && s[i] == 'µ') i++;
            double scale = s[u..i] switch
            {
                "ns" => 1, "us" or "µs" => 1e3, "ms" => 1e6, "s" => 1e9, "m" => 60e9, "h" => 3600e9,
                _ => throw ComposeFileException.At(mark, $"{key}: invalid duration \"{text}\""),
            };
            total += (long)(n * scale);
        }
        return total;
    }

    /// <summary>"512m", "1g", "1024", "1.5GB" → bytes (1024-based, as Compose and docker).</summary>
    public static long Bytes(string text, SourceMark mark, string key)
    {
        var s = text.Trim().ToLowerInvariant();
        int i = 0;
        while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.')) i++;
        if (i == 0 || !double.TryParse(s[..i], NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
            throw ComposeFileException.At(mark, $"{key}: invalid size \"{text}\"");
        var unit = s[i..].Trim().TrimEnd('b').TrimEnd('i');
        double scale = unit switch
        {
            "" => 1, "k" => 1024, "m" => 1024 * 1024, "g" => 1024L * 1024 * 1024, "t" => 1024L * 1024 * 1024 * 1024,
            _ => throw ComposeFileException.At(mark, $"{key}: invalid size \"{text}\""),
        };
        return (long)(n * scale);
    }

    /// <summary>POSIX shell word splitting with quotes and backslashes, as Compose splits a string command.</summary>
    public static List<string> ShellSplit(string text, SourceMark mark, string key)
    {
        var words = new List<string>();
        var sb = new StringBuilder();
        bool inWord = false;
        for (int i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is ' ' or '\t' or '\n')
            {
                if (inWord) words.Add(sb.ToString());
                sb.Clear();
                inWord = false;
                continue;
            }
            inWord = true;
            if (c == '\\' && i + 1 < text.Length) sb.Append(text[++i]);
            else if (c is '\'' or '"')
            {
                int end = i + 1;
                while (end < text.Length && text[end] != c)
                {
                    if (c == '"' && text[end] == '\\' && end + 1 < text.Length && text[end + 1] is '"' or '\\' or '$') end++;
                    sb.Append(text[end]);
                    end++;
                }
                if (end >= text.Length) throw ComposeFileException.At(mark, $"{key}: unterminated quote in \"{text}\"");
                i = end;
            }
            else sb.Append(c);
        }
        if (inWord) words.Add(sb.ToString());
        return words;
    }
}
