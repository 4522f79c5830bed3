using System.Text;

namespace Wharf.Engine.Build;

/// <summary>Collects the words of an expansion: whitespace splits unless the text was added raw (quoted or escaped).</summary>
internal sealed class ShellWordList
{
    private readonly StringBuilder _buf = new();
    private readonly List<string> _words = [];
    private bool _inWord;

    public void AddChar(char ch)
    {
        if (char.IsWhiteSpace(ch))
        {
            // An empty quoted string ("") marks a word as started but is still dropped, as Docker does.
            if (_inWord && _buf.Length != 0)
            {
                _words.Add(_buf.ToString());
                _buf.Clear();
                _inWord = false;
            }
            return;
        }
        AddRawChar(ch);
    }

    public void AddRawChar(char ch)
    {
        _buf.Append(ch);
        _inWord = true;
    }

    public void AddString(string s)
    {
        foreach (var ch in s)
        {
            AddChar(ch);
        }
    }

    public void AddRawString(string s)
    {
        _buf.Append(s);
        _inWord = true;
    }

    public List<string> Finish()
    {
        if (_buf.Length > 0)
        {
            _words.Add(_buf.ToString());
            _buf.Clear();
        }
        return _words;
    }
}
