using System.Globalization;
using System.Text;

namespace Wharf.Engine.Cgroups;

/// <summary>One line of /proc/PID/mountinfo (proc(5)).</summary>
/// <param name="Root">Root of the mount within its filesystem (field 4).</param>
/// <param name="MountPoint">Mount point relative to the process root (field 5), unescaped.</param>
/// <param name="MountOptions">Per-mount options (field 6).</param>
/// <param name="OptionalFields">Zero or more tagged fields (shared:N, master:N...).</param>
/// <param name="FsType">Filesystem type (after the "-" separator).</param>
/// <param name="Source">Mount source.</param>
/// <param name="SuperOptions">Per-superblock options; for cgroup v1 these name the controllers.</param>
public sealed record MountInfoEntry(
    int MountId,
    int ParentId,
    string MajorMinor,
    string Root,
    string MountPoint,
    string MountOptions,
    IReadOnlyList<string> OptionalFields,
    string FsType,
    string Source,
    string SuperOptions)
{
    /// <summary>Super options split on commas.</summary>
    public IEnumerable<string> SuperOptionList => SuperOptions.Split(',', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>Parser for /proc/self/mountinfo text.</summary>
public static class MountInfo
{
    /// <summary>Parses every well-formed line; malformed lines are skipped.</summary>
    public static List<MountInfoEntry> Parse(string text)
    {
        var list = new List<MountInfoEntry>();
        foreach (string raw in text.Split('\n'))
        {
            if (TryParseLine(raw, out var entry))
            {
                list.Add(entry);
            }
        }
        return list;
    }

    /// <summary>Reads and parses /proc/self/mountinfo (or another file laid out the same way).</summary>
    public static List<MountInfoEntry> Read(string path = "/proc/self/mountinfo") => Parse(File.ReadAllText(path));

    /// <summary>Parses one line. Fields are separated by single spaces; spaces inside paths are escaped as \040.</summary>
    public static bool TryParseLine(string line, out MountInfoEntry entry)
    {
        entry = null!;
        line = line.TrimEnd('\r');
        if (line.Length == 0)
        {
            return false;
        }
        string[] f = line.Split(' ');
        int sep = f.Length > 7 ? Array.IndexOf(f, "-", 6) : -1;
        if (sep < 6 || sep + 2 >= f.Length)
        {
            return false;
        }
        if (!int.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out int id)
            || !int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out int parent))
        {
            return false;
        }
        var optional = new List<string>(sep - 6);
        for (int i = 6; i < sep; i++)
        {
            if (f[i].Length > 0)
            {
                optional.Add(f[i]);
            }
        }
        string super = sep + 3 < f.Length ? f[sep + 3] : "";
        entry = new MountInfoEntry(id, parent, f[2], Unescape(f[3]), Unescape(f[4]), f[5], optional,
            Unescape(f[sep + 1]), Unescape(f[sep + 2]), super);
        return true;
    }

    /// <summary>Decodes the kernel's octal escapes (\040 space, \011 tab, \012 newline, \134 backslash).</summary>
    public static string Unescape(string s)
    {
        if (s.IndexOf('\\') < 0)
        {
            return s;
        }
        var bytes = new List<byte>(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && IsOctal(s, i + 1))
            {
                bytes.Add((byte)(((s[i + 1] - '0') << 6) | ((s[i + 2] - '0') << 3) | (s[i + 3] - '0')));
                i += 3;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(s[i].ToString()));
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsOctal(string s, int at)
        => at + 2 < s.Length
           && s[at] is >= '0' and <= '3' && s[at + 1] is >= '0' and <= '7' && s[at + 2] is >= '0' and <= '7';
}
