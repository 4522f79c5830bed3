using System.Text;
using System.Text.Json;

namespace Wharf.Engine.Build;

/// <summary>Splits one logical Dockerfile line into keyword, `--flags` and arguments the way Docker's parser does.</summary>
internal static class DockerfileTokenizer
{
    /// <summary>Docker's "whitespace" for splitting arguments: space, \t, \v, \f, \r (not newline).</summary>
    public static bool IsArgSpace(char c) => c is ' ' or '\t' or '\v' or '\f' or '\r';

    /// <summary>Splits `KEYWORD --flag=x args` into the keyword, the raw flag words and the trimmed rest.</summary>
    public static (string Keyword, List<string> Flags, string Arguments) SplitCommand(string line, char escape)
    {
        var trimmed = line.Trim();
        var i = 0;
        while (i < trimmed.Length && !IsArgSpace(trimmed[i]))
        {
            i++;
        }
        var keyword = trimmed[..i];
        while (i < trimmed.Length && IsArgSpace(trimmed[i]))
        {
            i++;
        }
        if (i >= trimmed.Length)
        {
            return (keyword, [], "");
        }
        var (rest, flags) = ExtractFlags(trimmed[i..], escape);
        return (keyword, flags, rest.Trim());
    }

    /// <summary>
    /// Takes the leading words that start with `--` (quotes removed, escapes resolved) and returns the rest of the
    /// line untouched. A bare `--` ends the flags and is dropped.
    /// </summary>
    public static (string Remainder, List<string> Flags) ExtractFlags(string line, char escape)
    {
        var words = new List<string>();
        var sb = new StringBuilder();
        var inWord = false;
        var inQuote = false;
        var quote = '\0';
        var blankOk = false;
        for (var pos = 0; pos <= line.Length; pos++)
        {
            if (!inWord && !inQuote)
            {
                if (pos == line.Length)
                {
                    break;
                }
                if (char.IsWhiteSpace(line[pos]))
                {
                    continue;
                }
                if (line[pos] != '-' || pos + 1 == line.Length || line[pos + 1] != '-')
                {
                    return (line[pos..], words);
                }
                inWord = true;
            }
            if (pos == line.Length)
            {
                var last = sb.ToString();
                if (last != "--" && (blankOk || last.Length > 0))
                {
                    words.Add(last);
                }
                break;
            }
            var ch = line[pos];
            if (inWord)
            {
                if (char.IsWhiteSpace(ch))
                {
                    var word = sb.ToString();
                    inWord = false;
                    if (word == "--")
                    {
                        return (line[pos..], words);
                    }
                    if (blankOk || word.Length > 0)
                    {
                        words.Add(word);
                    }
                    sb.Clear();
                    blankOk = false;
                    continue;
                }
                if (ch is '\'' or '"')
                {
                    quote = ch;
                    blankOk = true;
                    inWord = false;
                    inQuote = true;
                    continue;
                }
                if (ch == escape)
                {
                    if (pos + 1 == line.Length)
                    {
                        continue;
                    }
                    ch = line[++pos];
                }
                sb.Append(ch);
                continue;
            }
            // In quotes.
            if (ch == quote)
            {
                inQuote = false;
                inWord = true;
                continue;
            }
            if (ch == escape)
            {
                if (pos + 1 == line.Length)
                {
                    inQuote = false;
                    inWord = true;
                    continue;
                }
                ch = line[++pos];
            }
            sb.Append(ch);
        }
        return ("", words);
    }

    /// <summary>
    /// Splits on unquoted whitespace keeping quotes and escapes in the words (they are removed later by
    /// expansion); used for ENV, LABEL and ARG.
    /// </summary>
    public static List<string> ParseWords(string rest, char escape)
    {
        var words = new List<string>();
        var sb = new StringBuilder();
        var inWord = false;
        var inQuote = false;
        var quote = '\0';
        var blankOk = false;
        for (var pos = 0; pos <= rest.Length; pos++)
        {
            if (!inWord && !inQuote)
            {
                if (pos == rest.Length)
                {
                    break;
                }
                if (char.IsWhiteSpace(rest[pos]))
                {
                    continue;
                }
                inWord = true;
            }
            if (pos == rest.Length)
            {
                if (blankOk || sb.Length > 0)
                {
                    words.Add(sb.ToString());
                }
                break;
            }
            var ch = rest[pos];
            if (inWord)
            {
                if (char.IsWhiteSpace(ch))
                {
                    inWord = false;
                    if (blankOk || sb.Length > 0)
                    {
                        words.Add(sb.ToString());
                    }
                    sb.Clear();
                    blankOk = false;
                    continue;
                }
                if (ch is '\'' or '"')
                {
                    quote = ch;
                    blankOk = true;
                    inWord = false;
                    inQuote = true;
                }
                if (ch == escape)
                {
                    if (pos + 1 == rest.Length)
                    {
                        continue;
                    }
                    // Outside quotes an escape and the next character are both kept, even a quote.
                    sb.Append(ch);
                    ch = rest[++pos];
                }
                sb.Append(ch);
                continue;
            }
            // In quotes: the escape works except inside single quotes.
            if (ch == quote)
            {
                inQuote = false;
                inWord = true;
            }
            if (ch == escape && quote != '\'')
            {
                if (pos + 1 == rest.Length)
                {
                    inQuote = false;
                    inWord = true;
                    continue;
                }
                sb.Append(ch);
                ch = rest[++pos];
            }
            sb.Append(ch);
        }
        return words;
    }

    /// <summary>Splits on runs of Docker whitespace; "" gives no words.</summary>
    public static List<string> SplitWhitespace(string rest)
    {
        var words = new List<string>();
        var start = -1;
        for (var i = 0; i <= rest.Length; i++)
        {
            var space = i == rest.Length || IsArgSpace(rest[i]);
            if (space && start >= 0)
            {
                words.Add(rest[start..i]);
                start = -1;
            }
            else if (!space && start < 0)
            {
                start = i;
            }
        }
        return words;
    }

    /// <summary>
    /// Exec (JSON) form detection: a valid JSON array of strings is exec form (returns the strings); anything that
    /// is not valid JSON, or not an array, is shell form (returns null). A valid array holding a non-string throws.
    /// </summary>
    public static List<string>? TryParseJsonArray(string rest)
    {
        var text = rest.TrimStart();
        if (!text.StartsWith('['))
        {
            return null;
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
        using (doc)
        {
            var list = new List<string>();
            foreach (var element in doc.RootElement.EnumerateArray())
            {
                if (element.ValueKind != JsonValueKind.String)
                {
                    throw new InstructionException("when using JSON array syntax, arrays must be comprised of strings only");
                }
                list.Add(element.GetString()!);
            }
            return list;
        }
    }
}
