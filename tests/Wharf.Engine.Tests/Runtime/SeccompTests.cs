using Wharf.Engine.Runtime.Seccomp;
using Wharf.Engine.Runtime.Spec;
using static Wharf.Engine.Tests.Runtime.SpecTestSupport;

namespace Wharf.Engine.Tests.Runtime;

public class SeccompTests
{
    private static HashSet<string> Allowed(OciSeccomp s, bool unconditionalOnly = true) =>
        s.Syscalls!.Where(x => x.Action == "SCMP_ACT_ALLOW" && (!unconditionalOnly || x.Args is null)).SelectMany(x => x.Names).ToHashSet();

    [Fact]
    public void DefaultProfileIsAnAllowListWithEperm()
    {
        var s = Spec().Linux!.Seccomp!;
        Assert.Equal("SCMP_ACT_ERRNO", s.DefaultAction);
        Assert.Equal(1u, s.DefaultErrnoRet);
        Assert.Equal(["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"], s.Architectures);
        var allowed = Allowed(s);
        foreach (var ok in new[] { "read", "write", "openat", "execve", "futex", "epoll_wait", "arch_prctl", "modify_ldt", "ptrace", "chroot" })
            Assert.Contains(ok, allowed);
        foreach (var bad in new[] { "mount", "umount2", "unshare", "setns", "kexec_load", "open_by_handle_at", "init_module", "finit_module",
                     "delete_module", "reboot", "swapon", "swapoff", "acct", "add_key", "keyctl", "request_key", "bpf", "perf_event_open",
                     "userfaultfd", "lookup_dcookie", "clone", "clone3", "personality", "io_uring_setup", "pivot_root", "settimeofday" })
            Assert.DoesNotContain(bad, allowed);
        var clone = Assert.Single(s.Syscalls!, x => x.Names.Contains("clone"));
        Assert.Equal("SCMP_CMP_MASKED_EQ", clone.Args![0].Op);
        Assert.Equal(WharfDefaultSeccompProfile.CloneNamespaceFlags, clone.Args[0].Value);
        var clone3 = Assert.Single(s.Syscalls!, x => x.Names.Contains("clone3"));
        Assert.Equal(("SCMP_ACT_ERRNO", 38u), (clone3.Action, clone3.ErrnoRet!.Value));
        Assert.Equal(5, s.Syscalls!.Count(x => x.Names.Contains("personality")));
    }

    [Fact]
    public void CapabilitiesWidenTheProfile()
    {
        var admin = Spec(host: h => h.CapAdd = ["SYS_ADMIN"]).Linux!.Seccomp!;
        var allowed = Allowed(admin);
        foreach (var name in new[] { "mount", "umount2", "unshare", "setns", "clone", "clone3", "bpf" })
            Assert.Contains(name, allowed);
        Assert.DoesNotContain(admin.Syscalls!, x => x.Action == "SCMP_ACT_ERRNO");

        Assert.Contains("kcmp", Allowed(Spec(host: h => h.CapAdd = ["SYS_PTRACE"]).Linux!.Seccomp!));
        Assert.Contains("init_module", Allowed(Spec(host: h => h.CapAdd = ["SYS_MODULE"]).Linux!.Seccomp!));
        Assert.DoesNotContain("chroot", Allowed(Spec(host: h => h.CapDrop = ["SYS_CHROOT"]).Linux!.Seccomp!));
    }

    [Fact]
    public void OldKernelsDoNotGetPtraceAndOtherArchesGetTheirCalls()
    {
        Assert.DoesNotContain("ptrace", Allowed(Spec(limits: new FakeHostLimits { KernelVersion = new Version(4, 4) }).Linux!.Seccomp!));
        var arm = Spec(limits: new FakeHostLimits { Architecture = "arm64" }).Linux!.Seccomp!;
        Assert.Equal(["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"], arm.Architectures);
        Assert.DoesNotContain("arch_prctl", Allowed(arm));
        Assert.Contains("set_tls", Allowed(arm));
    }

    [Fact]
    public void UnconfinedAndCustomProfiles()
    {
        Assert.Null(Spec(host: h => h.SecurityOpt = ["seccomp=unconfined"]).Linux!.Seccomp);
        const string profile = """
            {
              "defaultAction": "SCMP_ACT_ALLOW",
              "archMap": [ { "architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86"] } ],
              "syscalls": [
                { "names": ["chmod", "fchmodat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1 },
                { "name": "mkdir", "action": "SCMP_ACT_ERRNO", "includes": { "caps": ["CAP_SYS_ADMIN"] } },
                { "names": ["getpid"], "action": "SCMP_ACT_ERRNO", "args": [ { "index": 0, "value": 1, "op": "SCMP_CMP_EQ" } ] }
              ]
            }
            """;
        var s = Spec(host: h => h.SecurityOpt = ["seccomp=" + profile]).Linux!.Seccomp!;
        Assert.Equal("SCMP_ACT_ALLOW", s.DefaultAction);
        Assert.Equal(["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"], s.Architectures);
        Assert.Equal(2, s.Syscalls!.Count);
        Assert.Equal(["chmod", "fchmodat"], s.Syscalls[0].Names);

        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, profile);
            Assert.Equal(2, Spec(host: h => h.SecurityOpt = ["seccomp=" + file]).Linux!.Seccomp!.Syscalls!.Count);
        }
        finally
        {
            File.Delete(file);
        }
        Assert.StartsWith("opening seccomp profile (/nonexistent.json) failed", Error(host: h => h.SecurityOpt = ["seccomp=/nonexistent.json"]));
        Assert.StartsWith("decoding seccomp profile failed", Error(host: h => h.SecurityOpt = ["seccomp={\"defaultAction\": 5}"]));
        Assert.Equal("both 'architectures' and 'archMap' are specified in the seccomp profile, use either 'architectures' or 'archMap'",
            Error(host: h => h.SecurityOpt = ["""seccomp={"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],"archMap":[{"architecture":"SCMP_ARCH_X86_64"}]}"""]));
    }
}
