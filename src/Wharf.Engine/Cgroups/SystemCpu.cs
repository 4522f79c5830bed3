namespace Wharf.Engine.Cgroups;

/// <summary>
/// Host-wide CPU time from /proc/stat as Docker reports it in <c>system_cpu_usage</c>: the sum of the
/// first seven fields of the "cpu" line (user nice system idle iowait irq softirq) in nanoseconds, and
/// the number of "cpuN" lines as <c>online_cpus</c>.
/// </summary>
public static class SystemCpu
{
    /// <summary>USER_HZ: the unit of /proc/stat and cpuacct.stat (100 on every Linux architecture Wharf runs on).</summary>
    public const ulong ClockTicksPerSecond = 100;

    public const ulong NanosecondsPerTick = 1_000_000_000UL / ClockTicksPerSecond;

    /// <summary>Reads /proc/stat (or a file laid out the same way).</summary>
    public static bool TryRead(CgroupFileReader reader, string procStatPath, out ulong systemUsageNs, out uint onlineCpus)
    {
        systemUsageNs = 0;
        onlineCpus = 0;
        return reader.TryRead(procStatPath, out var text) && TryParse(text, out systemUsageNs, out onlineCpus);
    }

    /// <summary>Parses /proc/stat text.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out ulong systemUsageNs, out uint onlineCpus)
    {
        systemUsageNs = 0;
        onlineCpus = 0;
        bool found = false;
        foreach (var range in text.Split('\n'))
        {
            var line = text[range];
            if (!line.StartsWith("cpu"))
            {
                if (found)
                {
                    break;
                }
                continue;
            }
            if (line.Length > 3 && char.IsAsciiDigit(line[3]))
            {
                onlineCpus++;
                continue;
            }
            ulong ticks = 0;
            int field = 0;
            foreach (var part in line.Split(' '))
            {
                var f = line[part];
                if (f.Length == 0)
                {
                    continue;
                }
                field++;
                if (field == 1)
                {
                    continue; // "cpu"
                }
                if (field > 8)
                {
                    break;
                }
                if (!CgroupFileReader.TryParseUInt64(f, out ulong v))
                {
                    return false;
                }
                ticks += v;
            }
            if (field < 8)
            {
                return false;
            }
            systemUsageNs = ticks * NanosecondsPerTick;
            found = true;
        }
        return found;
    }
}
