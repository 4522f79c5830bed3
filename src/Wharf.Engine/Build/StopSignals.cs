using System.Globalization;

namespace Wharf.Engine.Build;

/// <summary>Validates STOPSIGNAL values the way Docker does on Linux: a non-zero number or a signal name.</summary>
public static class StopSignals
{
    private static readonly HashSet<string> Names = BuildNames();

    private static HashSet<string> BuildNames()
    {
        var names = new HashSet<string>(StringComparer.Ordinal)
        {
            "ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL", "INT", "IO", "IOT", "KILL",
            "PIPE", "POLL", "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM", "TRAP", "TSTP",
            "TTIN", "TTOU", "URG", "USR1", "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ", "RTMIN", "RTMAX",
        };
        for (var i = 1; i <= 15; i++)
        {
            names.Add($"RTMIN+{i}");
            names.Add($"RTMAX-{i}");
        }
        return names;
    }

    /// <summary>True for `SIGTERM`, `term`, `15`, `RTMIN+3`; false for `0`, `FOO`, "".</summary>
    public static bool IsValid(string signal)
    {
        if (int.TryParse(signal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
        {
            return n != 0;
        }
        var name = signal.ToUpperInvariant();
        if (name.StartsWith("SIG", StringComparison.Ordinal))
        {
            name = name[3..];
        }
        return Names.Contains(name);
    }
}
