namespace Wharf.Engine.Runtime.Seccomp;

/// <summary>
/// Wharf's default seccomp profile.
///
/// Approach (the one Docker documents for its default profile): an allow-list. Every syscall a
/// normal program needs is allowed; anything not listed fails with EPERM (SCMP_ACT_ERRNO,
/// errnoRet 1), so a program sees an ordinary permission error instead of being killed, and a
/// syscall added to a future kernel is refused until it is reviewed.
///
/// What is left out, and why:
/// - Kernel-global state that is not namespaced: kernel modules (init_module, finit_module,
///   delete_module), kexec_load/kexec_file_load, reboot, swapon/swapoff, acct, the keyring
///   (add_key, keyctl, request_key), clock and time setting, syslog, quotactl, ioperm/iopl,
///   lookup_dcookie, obsolete calls (uselib, ustat, sysfs, _sysctl, vm86, nfsservctl ...).
/// - Namespace and mount manipulation: mount, umount2, the new mount API (fsopen, fsmount,
///   open_tree, move_mount ...), pivot_root, unshare, setns, clone/clone3 with namespace flags,
///   sethostname/setdomainname. They also need CAP_SYS_ADMIN, which the container does not have
///   by default; the profile makes sure they stay refused even where a capability check is weak.
/// - Information leaks and exploit primitives: perf_event_open, bpf, userfaultfd, io_uring,
///   open_by_handle_at (container escape through file handles), ptrace and process_vm_* on
///   kernels before 4.8 (where ptrace could bypass seccomp), personality except the harmless values,
///   AF_VSOCK sockets, NUMA memory policy calls.
///
/// Most of those come back when the container is given the capability that governs them
/// (`--cap-add SYS_ADMIN` allows mount, unshare, setns and unrestricted clone; SYS_PTRACE allows
/// ptrace on any kernel; SYS_MODULE the module calls; SYS_TIME the clock setters; and so on), and
/// architecture-specific calls (arch_prctl, modify_ldt) are allowed only where they exist. The
/// profile covers x86_64 with its x86 and x32 ABIs (and aarch64 with arm) through the archMap.
///
/// The data is in Docker's profile format (<see cref="SeccompProfile"/>) and compiled for each
/// container by <see cref="SeccompCompiler"/>, the same path a user-supplied profile takes.
/// </summary>
public static class WharfDefaultSeccompProfile
{
    /// <summary>EPERM: what a refused syscall returns.</summary>
    public const uint Eperm = 1;

    /// <summary>ENOSYS: what clone3 returns without CAP_SYS_ADMIN, so libc falls back to clone (whose flags can be checked).</summary>
    public const uint Enosys = 38;

    /// <summary>The namespace flags of clone(2): NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET.</summary>
    public const ulong CloneNamespaceFlags = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;

    private const ulong AfVsock = 40;

    // Always allowed, grouped by what they are for. Names that do not exist on an architecture
    // (e.g. the *_time64 and 32-bit uid calls on x86_64) are ignored by the runtime.
    private static readonly string[] FileIo =
    [
        "read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev", "preadv2", "pwritev2",
        "open", "openat", "openat2", "creat", "close", "close_range", "lseek", "_llseek",
        "dup", "dup2", "dup3", "fcntl", "fcntl64", "ioctl", "flock",
        "pipe", "pipe2", "sendfile", "sendfile64", "splice", "tee", "vmsplice", "copy_file_range",
        "fsync", "fdatasync", "sync", "syncfs", "sync_file_range", "fallocate",
        "truncate", "truncate64", "ftruncate", "ftruncate64", "fadvise64", "fadvise64_64", "readahead",
        "memfd_create", "memfd_secret", "eventfd", "eventfd2", "signalfd", "signalfd4",
        "timerfd_create", "timerfd_settime", "timerfd_settime64", "timerfd_gettime", "timerfd_gettime64",
        "cachestat",
    ];

    private static readonly string[] Polling =
    [
        "select", "_newselect", "pselect6", "pselect6_time64", "poll", "ppoll", "ppoll_time64",
        "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_wait", "epoll_wait_old",
        "epoll_pwait", "epoll_pwait2",
        "io_setup", "io_destroy", "io_submit", "io_cancel", "io_getevents", "io_pgetevents", "io_pgetevents_time64",
        "inotify_init", "inotify_init1", "inotify_add_watch", "inotify_rm_watch", "fanotify_mark",
    ];

    private static readonly string[] FileSystem =
    [
        "stat", "lstat", "fstat", "stat64", "lstat64", "fstat64", "newfstatat", "fstatat64", "statx",
        "statfs", "statfs64", "fstatfs", "fstatfs64",
        "access", "faccessat", "faccessat2", "chdir", "fchdir", "getcwd",
        "mkdir", "mkdirat", "rmdir", "rename", "renameat", "renameat2", "link", "linkat",
        "symlink", "symlinkat", "unlink", "unlinkat", "readlink", "readlinkat",
        "chmod", "fchmod", "fchmodat", "fchmodat2", "chown", "fchown", "lchown", "fchownat",
        "chown32", "fchown32", "lchown32", "umask",
        "utime", "utimes", "utimensat", "utimensat_time64", "futimesat", "mknod", "mknodat",
        "getdents", "getdents64", "readdir",
        "getxattr", "lgetxattr", "fgetxattr", "setxattr", "lsetxattr", "fsetxattr",
        "listxattr", "llistxattr", "flistxattr", "removexattr", "lremovexattr", "fremovexattr",
        "name_to_handle_at",
    ];

    private static readonly string[] Memory =
    [
        "brk", "mmap", "mmap2", "munmap", "mremap", "mprotect", "pkey_mprotect", "pkey_alloc", "pkey_free",
        "madvise", "mincore", "mlock", "mlock2", "munlock", "mlockall", "munlockall", "msync",
        "membarrier", "remap_file_pages", "map_shadow_stack",
        "futex", "futex_time64", "futex_waitv", "futex_wait", "futex_wake", "futex_requeue",
        "get_robust_list", "set_robust_list", "set_tid_address", "rseq",
    ];

    private static readonly string[] Processes =
    [
        "fork", "vfork", "execve", "execveat", "exit", "exit_group", "wait4", "waitid", "waitpid",
        "kill", "tkill", "tgkill", "pidfd_open", "pidfd_send_signal", "process_mrelease",
        "getpid", "getppid", "gettid", "getpgid", "setpgid", "getpgrp", "getsid", "setsid",
        "getuid", "geteuid", "getgid", "getegid", "getuid32", "geteuid32", "getgid32", "getegid32",
        "setuid", "setuid32", "setgid", "setgid32", "setreuid", "setreuid32", "setregid", "setregid32",
        "setresuid", "setresuid32", "setresgid", "setresgid32", "getresuid", "getresuid32", "getresgid", "getresgid32",
        "setfsuid", "setfsuid32", "setfsgid", "setfsgid32", "getgroups", "getgroups32", "setgroups", "setgroups32",
        "capget", "capset", "prctl", "seccomp",
        "getrlimit", "ugetrlimit", "setrlimit", "prlimit64", "getrusage", "times",
        "getpriority", "setpriority", "ioprio_get", "ioprio_set",
        "sched_yield", "sched_getaffinity", "sched_setaffinity", "sched_getparam", "sched_setparam",
        "sched_getscheduler", "sched_setscheduler", "sched_get_priority_max", "sched_get_priority_min",
        "sched_rr_get_interval", "sched_rr_get_interval_time64", "sched_getattr", "sched_setattr",
        "uname", "sysinfo", "getrandom", "getcpu", "get_thread_area", "set_thread_area", "restart_syscall",
        "landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self",
    ];

    private static readonly string[] TimeAndSignals =
    [
        "pause", "alarm", "getitimer", "setitimer", "nanosleep", "clock_nanosleep", "clock_nanosleep_time64",
        "clock_gettime", "clock_gettime64", "clock_getres", "clock_getres_time64", "gettimeofday", "time",
        "adjtimex", "clock_adjtime", "clock_adjtime64",
        "timer_create", "timer_delete", "timer_settime", "timer_settime64", "timer_gettime", "timer_gettime64", "timer_getoverrun",
        "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigpending", "rt_sigsuspend",
        "rt_sigtimedwait", "rt_sigtimedwait_time64", "rt_sigqueueinfo", "rt_tgsigqueueinfo",
        "sigaction", "sigprocmask", "sigreturn", "sigpending", "sigsuspend", "sigaltstack", "signal",
    ];

    private static readonly string[] Networking =
    [
        "socketpair", "bind", "connect", "listen", "accept", "accept4", "getsockname", "getpeername",
        "getsockopt", "setsockopt", "sendto", "recvfrom", "sendmsg", "recvmsg", "sendmmsg", "recvmmsg",
        "recvmmsg_time64", "send", "recv", "shutdown", "socketcall",
    ];

    private static readonly string[] Ipc =
    [
        "shmget", "shmat", "shmdt", "shmctl", "semget", "semop", "semtimedop", "semtimedop_time64", "semctl",
        "msgget", "msgsnd", "msgrcv", "msgctl", "ipc",
        "mq_open", "mq_unlink", "mq_timedsend", "mq_timedsend_time64", "mq_timedreceive", "mq_timedreceive_time64",
        "mq_notify", "mq_getsetattr",
    ];

    // personality(2) values that change nothing dangerous: PER_LINUX, UNAME26, ADDR_NO_RANDOMIZE,
    // UNAME26|ADDR_NO_RANDOMIZE, and 0xffffffff which only queries.
    private static readonly ulong[] SafePersonalities = [0x0, 0x0008, 0x20000, 0x20008, 0xffffffff];

    /// <summary>A fresh copy of the profile (callers may change it).</summary>
    public static SeccompProfile Create()
    {
        var rules = new List<SeccompRule>
        {
            Allow([.. FileIo, .. Polling, .. FileSystem, .. Memory, .. Processes, .. TimeAndSignals, .. Networking, .. Ipc],
                "what ordinary programs use"),
            // Sockets of every family but vsock (talks to the hypervisor, not namespaced).
            new SeccompRule
            {
                Names = ["socket"], Action = "SCMP_ACT_ALLOW",
                Args = [new SeccompArg { Index = 0, Value = AfVsock, Op = "SCMP_CMP_NE" }],
                Comment = "sockets except AF_VSOCK",
            },
            // ptrace could bypass seccomp before 4.8; from then on it is confined to the container's pid namespace.
            Allow(["ptrace", "process_vm_readv", "process_vm_writev"], "ptrace where it cannot bypass seccomp", includes: new SeccompFilter { MinKernel = "4.8" }),

            // Without CAP_SYS_ADMIN: clone without namespace flags, and clone3 answers ENOSYS so libc uses clone.
            new SeccompRule
            {
                Names = ["clone"], Action = "SCMP_ACT_ALLOW",
                Args = [new SeccompArg { Index = 0, Value = CloneNamespaceFlags, ValueTwo = 0, Op = "SCMP_CMP_MASKED_EQ" }],
                Excludes = new SeccompFilter { Caps = ["CAP_SYS_ADMIN"], Arches = ["s390", "s390x"] },
                Comment = "clone without new namespaces",
            },
            new SeccompRule
            {
                Names = ["clone"], Action = "SCMP_ACT_ALLOW",
                Args = [new SeccompArg { Index = 1, Value = CloneNamespaceFlags, ValueTwo = 0, Op = "SCMP_CMP_MASKED_EQ" }],
                Includes = new SeccompFilter { Arches = ["s390", "s390x"] },
                Excludes = new SeccompFilter { Caps = ["CAP_SYS_ADMIN"] },
                Comment = "clone without new namespaces (s390 swaps the first two arguments)",
            },
            new SeccompRule
            {
                Names = ["clone3"], Action = "SCMP_ACT_ERRNO", ErrnoRet = Enosys,
                Excludes = new SeccompFilter { Caps = ["CAP_SYS_ADMIN"] },
                Comment = "clone3 flags live in memory seccomp cannot read; make libc fall back to clone",
            },

            // Architecture-specific calls.
            Allow(["arch_prctl"], "x86_64 thread state", includes: new SeccompFilter { Arches = ["amd64", "x32"] }),
            Allow(["modify_ldt"], "x86 local descriptor table", includes: new SeccompFilter { Arches = ["amd64", "x32", "x86", "386"] }),
            Allow(["arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2", "breakpoint", "cacheflush", "set_tls"],
                "arm", includes: new SeccompFilter { Arches = ["arm", "arm64"] }),

            // Calls that come back with the capability that governs them.
            CapAllow("CAP_SYS_ADMIN", ["clone", "clone3", "mount", "mount_setattr", "umount", "umount2", "fsopen", "fsconfig",
                "fsmount", "fspick", "open_tree", "move_mount", "pivot_root", "unshare", "setns", "sethostname",
                "setdomainname", "quotactl", "quotactl_fd", "lookup_dcookie", "fanotify_init", "bpf", "perf_event_open", "syslog"]),
            CapAllow("CAP_SYS_PTRACE", ["ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd", "process_madvise"]),
            CapAllow("CAP_SYS_BOOT", ["reboot"]),
            CapAllow("CAP_SYS_CHROOT", ["chroot"]),
            CapAllow("CAP_SYS_MODULE", ["init_module", "finit_module", "delete_module"]),
            CapAllow("CAP_SYS_PACCT", ["acct"]),
            CapAllow("CAP_SYS_RAWIO", ["iopl", "ioperm"]),
            CapAllow("CAP_SYS_TIME", ["settimeofday", "stime", "clock_settime", "clock_settime64"]),
            CapAllow("CAP_SYS_TTY_CONFIG", ["vhangup"]),
            CapAllow("CAP_SYS_NICE", ["get_mempolicy", "set_mempolicy", "set_mempolicy_home_node", "mbind", "move_pages", "migrate_pages"]),
            CapAllow("CAP_SYSLOG", ["syslog"]),
            CapAllow("CAP_BPF", ["bpf"]),
            CapAllow("CAP_PERFMON", ["perf_event_open"]),
            CapAllow("CAP_DAC_READ_SEARCH", ["open_by_handle_at"]),
        };
        foreach (var p in SafePersonalities)
        {
            rules.Add(new SeccompRule
            {
                Names = ["personality"], Action = "SCMP_ACT_ALLOW",
                Args = [new SeccompArg { Index = 0, Value = p, Op = "SCMP_CMP_EQ" }],
            });
        }
        return new SeccompProfile
        {
            DefaultAction = "SCMP_ACT_ERRNO",
            DefaultErrnoRet = Eperm,
            ArchMap =
            [
                new SeccompArchMap { Architecture = "SCMP_ARCH_X86_64", SubArchitectures = ["SCMP_ARCH_X86", "SCMP_ARCH_X32"] },
                new SeccompArchMap { Architecture = "SCMP_ARCH_AARCH64", SubArchitectures = ["SCMP_ARCH_ARM"] },
            ],
            Syscalls = rules,
        };
    }

    private static SeccompRule Allow(List<string> names, string comment, SeccompFilter? includes = null) =>
        new() { Names = names, Action = "SCMP_ACT_ALLOW", Comment = comment, Includes = includes };

    private static SeccompRule CapAllow(string cap, List<string> names) =>
        new() { Names = names, Action = "SCMP_ACT_ALLOW", Comment = $"with {cap}", Includes = new SeccompFilter { Caps = [cap] } };
}
