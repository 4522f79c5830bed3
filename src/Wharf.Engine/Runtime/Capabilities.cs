namespace Wharf.Engine.Runtime;

/// <summary>Linux capabilities: names, Docker's default set and `--cap-add`/`--cap-drop` handling.</summary>
public static class Capabilities
{
    /// <summary>Every capability the spec knows, by number (CAP_CHOWN = 0 ... CAP_CHECKPOINT_RESTORE = 40).</summary>
    public static readonly IReadOnlyList<string> All =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
        "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
        "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
        "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
        "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
        "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
        "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
        "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ];

    /// <summary>The capabilities a container gets by default (Docker's 14).</summary>
    public static readonly IReadOnlyList<string> Default =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
        "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
        "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    private const string AllKeyword = "ALL";

    /// <summary>
    /// Upper-cases names and adds the CAP_ prefix; "ALL" passes through. Unknown names fail with
    /// Docker's `unknown capability: "CAP_FOO"`; known ones this host cannot grant with
    /// `capability not supported by your kernel or not available in the current environment: "CAP_X"`.
    /// </summary>
    public static List<string> Normalize(IEnumerable<string>? names, IReadOnlySet<string> available)
    {
        var result = new List<string>();
        foreach (var raw in names ?? [])
        {
            var c = raw.Trim().ToUpperInvariant();
            if (c == AllKeyword)
            {
                result.Add(c);
                continue;
            }
            if (!c.StartsWith("CAP_", StringComparison.Ordinal))
            {
                c = "CAP_" + c;
            }
            if (!All.Contains(c))
            {
                throw new BadRequestException($"unknown capability: \"{c}\"");
            }
            if (!available.Contains(c))
            {
                throw new BadRequestException($"capability not supported by your kernel or not available in the current environment: \"{c}\"");
            }
            result.Add(c);
        }
        return result;
    }

    /// <summary>
    /// The container's capability set: all available ones when privileged; otherwise the default
    /// set minus drops plus adds, where `--cap-add ALL` means everything available but the drops and
    /// `--cap-drop ALL` means only the adds. The result has no duplicates and keeps a stable order.
    /// </summary>
    public static List<string> Compute(IEnumerable<string>? add, IEnumerable<string>? drop, bool privileged, IReadOnlySet<string> available)
    {
        var availableInOrder = All.Where(available.Contains).ToList();
        if (privileged)
        {
            return availableInOrder;
        }
        var drops = Normalize(drop, available);
        var adds = Normalize(add, available);
        IEnumerable<string> caps;
        if (adds.Contains(AllKeyword))
        {
            caps = availableInOrder.Where(c => !drops.Contains(c));
        }
        else if (drops.Contains(AllKeyword))
        {
            caps = adds;
        }
        else
        {
            caps = Default.Where(c => available.Contains(c) && !drops.Contains(c)).Concat(adds);
        }
        return caps.Where(c => c != AllKeyword).Distinct().ToList();
    }
}
