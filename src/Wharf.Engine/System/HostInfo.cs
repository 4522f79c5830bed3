namespace Wharf.Engine.SystemInfo;

/// <summary>Facts about the host read once at start: kernel, OS, CPUs, memory, cgroups.</summary>
public sealed record HostInfo(string KernelVersion, string OperatingSystem, string OsVersion, int Cpus, long MemTotal,
    string CgroupVersion, string Hostname)
{
    public static HostInfo Probe()
    {
        var kernel = ReadTrim("/proc/sys/kernel/osrelease") ?? "";
        string os = "Linux", osVersion = "";
        if (File.Exists("/etc/os-release"))
            foreach (var line in File.ReadAllLines("/etc/os-release"))
            {
                if (line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal)) os = line[12..].Trim('"');
                if (line.StartsWith("VERSION_ID=", StringComparison.Ordinal)) osVersion = line[11..].Trim('"');
            }
        long mem = 0;
        if (File.Exists("/proc/meminfo"))
        {
            var first = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            if (first is not null && long.TryParse(first.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], out var kb)) mem = kb * 1024;
        }
        // A unified hierarchy at /sys/fs/cgroup means v2; anything else (v1, or v1 with a v2 "unified" side mount) is v1.
        var cgroup = File.Exists("/sys/fs/cgroup/cgroup.controllers") ? "2" : "1";
        return new HostInfo(kernel, os, osVersion, Environment.ProcessorCount, mem, cgroup, ReadTrim("/proc/sys/kernel/hostname") ?? Environment.MachineName);
    }

    private static string? ReadTrim(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : null;
}
