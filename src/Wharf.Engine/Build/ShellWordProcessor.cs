using System.Text;

namespace Wharf.Engine.Build;

/// <summary>One expansion run of <see cref="ShellWordExpander"/> over one input string.</summary>
internal sealed class ShellWordProcessor
{
    private const int Eof = -1;

    private readonly ShellWordExpander _options;
    private readonly string _src;
    private readonly IReadOnlyDictionary<string, string> _env;
    private readonly ISet<string>? _referenced;
    private int _pos;
    private bool _rawEscapes;

    public ShellWordProcessor(ShellWordExpander options, string src, IReadOnlyDictionary<string, string> env, ISet<string>? referenced)
    {
        _options = options;
        _src = src;
        _env = env;
        _referenced = referenced;
        _rawEscapes = options.RawEscapes;
    }

    public (string Result, IReadOnlyList<string> Words) Process() => ProcessStopOn(Eof, _options.RawEscapes);

    private int Peek() => _pos < _src.Length ? _src[_pos] : Eof;

    private int Next() => _pos < _src.Length ? _src[_pos++] : Eof;

    private (string Result, IReadOnlyList<string> Words) ProcessStopOn(int stopChar, bool rawEscapes)
    {
        var result = new StringBuilder();
        var words = new ShellWordList();
        var saved = _rawEscapes;
        _rawEscapes = rawEscapes;
        try
        {
            while (Peek() != Eof)
            {
                var ch = Peek();
                if (stopChar != Eof && ch == stopChar)
                {
                    Next();
                    return (result.ToString(), words.Finish());
                }
                string? special = ch switch
                {
                    '$' => ProcessDollar(),
                    '<' => ProcessPossibleHeredoc(),
                    '\'' => ProcessSingleQuote(),
                    '"' => ProcessDoubleQuote(),
                    _ => null,
                };
                if (special is not null)
                {
                    result.Append(special);
                    // Substituted values are split into words; quoted text and heredoc markers stay whole.
                    if (ch == '$')
                    {
                        words.AddString(special);
                    }
                    else
                    {
                        words.AddRawString(special);
                    }
                    continue;
                }

                ch = Next();
                if (ch == _options.EscapeToken)
                {
                    if (_rawEscapes)
                    {
                        words.AddRawChar((char)ch);
                        result.Append((char)ch);
                    }
                    ch = Next();
                    if (ch == Eof)
                    {
                        // A trailing escape is dropped.
                        break;
                    }
                    words.AddRawChar((char)ch);
                }
                else
                {
                    words.AddChar((char)ch);
                }
                result.Append((char)ch);
            }
            if (stopChar != Eof)
            {
                throw new ShellExpansionException($"unexpected end of statement while looking for matching {(char)stopChar}");
            }
            return (result.ToString(), words.Finish());
        }
        finally
        {
            _rawEscapes = saved;
        }
    }

    private string ProcessSingleQuote()
    {
        // Everything up to the next ' is literal; a single quote cannot be escaped inside single quotes.
        var result = new StringBuilder();
        var ch = Next();
        if (_options.RawQuotes)
        {
            result.Append((char)ch);
        }
        while (true)
        {
            ch = Next();
            if (ch == Eof)
            {
                throw new ShellExpansionException("unexpected end of statement while looking for matching single-quote");
            }
            if (ch == '\'')
            {
                if (_options.RawQuotes)
                {
                    result.Append('\'');
                }
                return result.ToString();
            }
            result.Append((char)ch);
        }
    }

    private string ProcessDoubleQuote()
    {
        // Variables expand inside double quotes; the escape only escapes ", $ and itself (like sh's backslash).
        var result = new StringBuilder();
        var ch = Next();
        if (_options.RawQuotes)
        {
            result.Append((char)ch);
        }
        while (true)
        {
            switch (Peek())
            {
                case Eof:
                    throw new ShellExpansionException("unexpected end of statement while looking for matching double-quote");
                case '"':
                    Next();
                    if (_options.RawQuotes)
                    {
                        result.Append('"');
                    }
                    return result.ToString();
                case '$':
                    result.Append(ProcessDollar());
                    break;
                default:
                    ch = Next();
                    if (ch == _options.EscapeToken)
                    {
                        if (_rawEscapes)
                        {
                            result.Append((char)ch);
                        }
                        var following = Peek();
                        if (following == Eof)
                        {
                            continue;
                        }
                        if (following == '"' || following == '$' || following == _options.EscapeToken)
                        {
                            ch = Next();
                        }
                    }
                    result.Append((char)ch);
                    break;
            }
        }
    }

    private string ProcessDollar()
    {
        Next();
        if (Peek() != '{')
        {
            var plain = ProcessName();
            if (plain.Length == 0)
            {
                return "$";
            }
            var (v, found) = GetEnv(plain);
            return !found && _options.SkipUnset ? "$" + plain : v;
        }

        Next();
        switch (Peek())
        {
            case Eof:
                throw new ShellExpansionException("syntax error: missing '}'");
            case '{' or '}' or ':':
                throw new ShellExpansionException("syntax error: bad substitution");
        }
        var name = ProcessName();
        var ch = Next();
        if (ch == Eof)
        {
            throw new ShellExpansionException("syntax error: missing '}'");
        }
        var modifier = ((char)ch).ToString();
        var nullIsUnset = false;
        switch (ch)
        {
            case '}':
            {
                var (v, set) = GetEnv(name);
                return !set && _options.SkipUnset ? "${" + name + "}" : v;
            }
            case '/':
                return ProcessReplace(name);
            case ':':
                nullIsUnset = true;
                ch = Next();
                modifier += ch == Eof ? "" : ((char)ch).ToString();
                break;
            case '+' or '-' or '?' or '#' or '%':
                break;
            default:
                throw new ShellExpansionException($"unsupported modifier ({modifier}) in substitution");
        }

        var trims = ch is '#' or '%';
        if (nullIsUnset && trims)
        {
            throw new ShellExpansionException($"unsupported modifier ({modifier}) in substitution");
        }
        var word = ReadUntilBrace(trims);
        var (value, isSet) = GetEnv(name);
        if (_options.SkipUnset && !isSet)
        {
            return "${" + name + modifier + word + "}";
        }
        var empty = !isSet || (nullIsUnset && value.Length == 0);
        switch (ch)
        {
            case '-':
                return empty ? word : value;
            case '+':
                return empty ? "" : word;
            case '?':
                if (!isSet)
                {
                    throw new ShellExpansionException($"{name}: {(word.Length > 0 ? word : "is not allowed to be unset")}");
                }
                if (nullIsUnset && value.Length == 0)
                {
                    throw new ShellExpansionException($"{name}: {(word.Length > 0 ? word : "is not allowed to be empty")}");
                }
                return value;
            case '#' or '%':
            {
                // `#`/`%` remove the shortest match, `##`/`%%` the longest.
                var greedy = word.Length > 0 && word[0] == ch;
                var pattern = greedy ? word[1..] : word;
                return ch == '%' ? ShellPattern.TrimSuffix(pattern, value, greedy) : ShellPattern.TrimPrefix(pattern, value, greedy);
            }
            default:
                throw new ShellExpansionException($"unsupported modifier ({modifier}) in substitution");
        }
    }

    private string ReadUntilBrace(bool rawEscapes)
    {
        try
        {
            return ProcessStopOn('}', rawEscapes).Result;
        }
        catch (ShellExpansionException) when (Peek() == Eof)
        {
            throw new ShellExpansionException("syntax error: missing '}'");
        }
    }

    private string ProcessReplace(string name)
    {
        var replaceAll = Peek() == '/';
        if (replaceAll)
        {
            Next();
        }
        string pattern;
        try
        {
            pattern = ProcessStopOn('/', true).Result;
        }
        catch (ShellExpansionException) when (Peek() == Eof)
        {
            throw new ShellExpansionException("syntax error: missing '/' in ${}");
        }
        var replacement = ReadUntilBrace(true);
        var (value, set) = GetEnv(name);
        if (_options.SkipUnset && !set)
        {
            return "${" + name + "/" + pattern + "/" + replacement + "}";
        }
        return ShellPattern.Replace(pattern, value, replacement, replaceAll);
    }

    private string ProcessName()
    {
        // A name is letters, digits and _; a leading digit reads a positional parameter ($1, $001),
        // and a special parameter ($@ $* $# $? $- $$ $! $0) is one character.
        var name = new StringBuilder();
        while (Peek() != Eof)
        {
            var ch = (char)Peek();
            if (name.Length == 0 && char.IsDigit(ch))
            {
                while (Peek() != Eof && char.IsDigit((char)Peek()))
                {
                    name.Append((char)Next());
                }
                return name.ToString();
            }
            if (name.Length == 0 && ch is '@' or '*' or '#' or '?' or '-' or '$' or '!' or '0')
            {
                Next();
                return ch.ToString();
            }
            if (!char.IsLetterOrDigit(ch) && ch != '_')
            {
                break;
            }
            name.Append((char)Next());
        }
        return name.ToString();
    }

    private string ProcessPossibleHeredoc()
    {
        // `<<` keeps the whitespace that may follow it, so `<< EOF` stays one word for heredoc detection.
        Next();
        if (Peek() != '<')
        {
            return "<";
        }
        Next();
        var sb = new StringBuilder("<<");
        while (Peek() is '\t' or '\r' or ' ')
        {
            sb.Append((char)Next());
        }
        return sb.ToString();
    }

    private (string Value, bool Set) GetEnv(string name)
    {
        _referenced?.Add(name);
        return _env.TryGetValue(name, out var v) ? (v, true) : ("", false);
    }
}
