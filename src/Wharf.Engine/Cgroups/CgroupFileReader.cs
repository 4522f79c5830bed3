using System.Text;
using Microsoft.Win32.SafeHandles;
using Wharf.Engine.Native;

namespace Wharf.Engine.Cgroups;

/// <summary>
/// Reads small pseudo-files (cgroup controls, /proc) into reused buffers and parses them without
/// allocating per line. Not thread-safe: one instance per reader thread, or guarded by a lock.
/// </summary>
public sealed class CgroupFileReader
{
    private byte[] _bytes = new byte[8192];
    private char[] _chars = new char[8192];
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _keyLookup;

    public CgroupFileReader()
    {
        _keyLookup = _keys.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Reads a whole file as ASCII text into the shared buffer; false when it does not exist.</summary>
    public bool TryRead(string path, out ReadOnlySpan<char> text)
    {
        text = default;
        // open(2) directly: a missing optional file is common (blkio policies, kernel versions) and an
        // exception per miss would cost more than the whole read.
        int fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (fd < 0)
        {
            return false;
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        int total = 0;
        using (handle)
        {
            while (true)
            {
                if (total == _bytes.Length)
                {
                    Array.Resize(ref _bytes, _bytes.Length * 2);
                }
                int n;
                try
                {
                    n = RandomAccess.Read(handle, _bytes.AsSpan(total), total);
                }
                catch (IOException) when (total == 0)
                {
                    // e.g. ENODEV from a cgroup file whose cgroup was removed meanwhile.
                    return false;
                }
                if (n <= 0)
                {
                    break;
                }
                total += n;
            }
        }
        if (_chars.Length < total)
        {
            _chars = new char[_bytes.Length];
        }
        int c = Encoding.Latin1.GetChars(_bytes.AsSpan(0, total), _chars);
        text = _chars.AsSpan(0, c);
        return true;
    }

    /// <summary>Reads a file holding one number ("max" reads as <see cref="ulong.MaxValue"/>).</summary>
    public bool TryReadUInt64(string path, out ulong value)
    {
        value = 0;
        return TryRead(path, out var text) && TryParseUInt64(text.Trim(), out value);
    }

    /// <summary>Reads a file of "key value" lines into a dictionary (keys interned across reads).</summary>
    public Dictionary<string, ulong>? ReadKeyValues(string path)
    {
        if (!TryRead(path, out var text))
        {
            return null;
        }
        var result = new Dictionary<string, ulong>(64, StringComparer.Ordinal);
        foreach (var range in text.Split('\n'))
        {
            var line = text[range];
            int sp = line.IndexOf(' ');
            if (sp <= 0 || !TryParseUInt64(line[(sp + 1)..].Trim(), out ulong v))
            {
                continue;
            }
            result[Intern(line[..sp])] = v;
        }
        return result;
    }

    /// <summary>Finds "key value" in a key-value file; false when the file or key is missing.</summary>
    public bool TryReadKey(string path, string key, out ulong value)
    {
        value = 0;
        return TryRead(path, out var text) && TryFindKey(text, key, out value);
    }

    /// <summary>Finds "key value" (or "key=value") in text already read.</summary>
    public static bool TryFindKey(ReadOnlySpan<char> text, string key, out ulong value)
    {
        value = 0;
        foreach (var range in text.Split('\n'))
        {
            var line = text[range];
            if (line.Length > key.Length && line.StartsWith(key, StringComparison.Ordinal)
                && (line[key.Length] == ' ' || line[key.Length] == '='))
            {
                return TryParseUInt64(line[(key.Length + 1)..].Trim(), out value);
            }
        }
        return false;
    }

    /// <summary>Parses a decimal number; "max" is <see cref="ulong.MaxValue"/>; a negative value ("-1") is too.</summary>
    public static bool TryParseUInt64(ReadOnlySpan<char> s, out ulong value)
    {
        value = 0;
        if (s.Length == 0)
        {
            return false;
        }
        if (s.SequenceEqual("max") || s.SequenceEqual("-1"))
        {
            value = ulong.MaxValue;
            return true;
        }
        foreach (char ch in s)
        {
            if (ch < '0' || ch > '9')
            {
                return false;
            }
            value = unchecked(value * 10 + (ulong)(ch - '0'));
        }
        return true;
    }

    /// <summary>Returns one shared string instance per distinct key.</summary>
    public string Intern(ReadOnlySpan<char> key)
    {
        if (_keyLookup.TryGetValue(key, out var existing))
        {
            return existing;
        }
        string s = key.ToString();
        _keys.Add(s);
        return s;
    }
}
