namespace Wharf.Engine.Runtime.Spec;

/// <summary>A seccomp filter as the runtime takes it: actions SCMP_ACT_*, architectures SCMP_ARCH_*.</summary>
public sealed class OciSeccomp
{
    public string DefaultAction { get; set; } = "SCMP_ACT_ERRNO";
    public uint? DefaultErrnoRet { get; set; }
    public List<string>? Architectures { get; set; }
    public List<string>? Flags { get; set; }
    public List<OciSyscall>? Syscalls { get; set; }
}

/// <summary>An action for a set of syscalls, optionally conditional on their arguments.</summary>
public sealed class OciSyscall
{
    public List<string> Names { get; set; } = [];
    public string Action { get; set; } = "SCMP_ACT_ALLOW";
    public uint? ErrnoRet { get; set; }
    public List<OciSeccompArg>? Args { get; set; }
}

/// <summary>A syscall argument condition; op is SCMP_CMP_*.</summary>
public sealed class OciSeccompArg
{
    public uint Index { get; set; }
    public ulong Value { get; set; }
    public ulong? ValueTwo { get; set; }
    public string Op { get; set; } = "SCMP_CMP_EQ";
}
