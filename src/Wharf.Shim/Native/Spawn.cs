using System.Collections;
using System.Runtime.InteropServices;
using System.Text;

namespace Wharf.Shim.Native;

/// <summary>posix_spawn wrapper: safe in a multi-threaded process (no managed code runs in the child).</summary>
internal static unsafe class Spawn
{
    /// <summary>
    /// Starts <paramref name="file"/> (searched in PATH when it has no '/') with the given stdio fds
    /// (-1 = /dev/null). Signal dispositions the shim ignores are reset to default and the mask is cleared.
    /// Returns the pid, or -errno.
    /// </summary>
    public static int Start(string file, List<string> argv, int stdin, int stdout, int stderr,
                            bool setsid = false, List<string>? extraEnv = null, int extraFd = -1, int extraFdTarget = -1)
    {
        var env = new List<string>();
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            string k = (string)e.Key;
            if (extraEnv != null && k.StartsWith("DOTNET_", StringComparison.Ordinal))
            {
                continue;
            }
            env.Add(k + "=" + (string?)e.Value);
        }
        if (extraEnv != null)
        {
            env.AddRange(extraEnv);
        }
        var allocs = new List<nint>();
        byte* fa = stackalloc byte[512];
        byte* attr = stackalloc byte[512];
        byte* sigdef = stackalloc byte[256];
        byte* sigmask = stackalloc byte[256];
        try
        {
            byte** av = (byte**)NativeMemory.AllocZeroed((nuint)(argv.Count + 2), (nuint)sizeof(nint));
            allocs.Add((nint)av);
            av[0] = Utf8(file, allocs);
            for (int i = 0; i < argv.Count; i++)
            {
                av[i + 1] = Utf8(argv[i], allocs);
            }
            byte** ev = (byte**)NativeMemory.AllocZeroed((nuint)(env.Count + 1), (nuint)sizeof(nint));
            allocs.Add((nint)ev);
            for (int i = 0; i < env.Count; i++)
            {
                ev[i] = Utf8(env[i], allocs);
            }
            Libc.posix_spawn_file_actions_init(fa);
            Libc.posix_spawnattr_init(attr);
            StdFd(fa, stdin, 0, Libc.O_RDONLY);
            StdFd(fa, stdout, 1, Libc.O_WRONLY);
            StdFd(fa, stderr, 2, Libc.O_WRONLY);
            if (extraFd >= 0)
            {
                Libc.posix_spawn_file_actions_adddup2(fa, extraFd, extraFdTarget);
            }
            Libc.sigemptyset(sigdef);
            Libc.sigaddset(sigdef, Libc.SIGHUP);
            Libc.sigaddset(sigdef, Libc.SIGINT);
            Libc.sigaddset(sigdef, Libc.SIGQUIT);
            Libc.sigaddset(sigdef, Libc.SIGPIPE);
            Libc.sigaddset(sigdef, Libc.SIGTERM);
            Libc.sigemptyset(sigmask);
            Libc.posix_spawnattr_setsigdefault(attr, sigdef);
            Libc.posix_spawnattr_setsigmask(attr, sigmask);
            short flags = Libc.POSIX_SPAWN_SETSIGDEF | Libc.POSIX_SPAWN_SETSIGMASK;
            if (setsid)
            {
                flags |= Libc.POSIX_SPAWN_SETSID;
            }
            Libc.posix_spawnattr_setflags(attr, flags);
            int pid;
            int rc = file.Contains('/')
                ? Libc.posix_spawn(&pid, av[0], fa, attr, av, ev)
                : Libc.posix_spawnp(&pid, av[0], fa, attr, av, ev);
            Libc.posix_spawn_file_actions_destroy(fa);
            Libc.posix_spawnattr_destroy(attr);
            return rc == 0 ? pid : -rc;
        }
        finally
        {
            foreach (var p in allocs)
            {
                NativeMemory.Free((void*)p);
            }
        }
    }

    private static void StdFd(byte* fa, int fd, int target, int flags)
    {
        if (fd < 0)
        {
            Libc.posix_spawn_file_actions_addopen(fa, target, "/dev/null", flags, 0);
        }
        else
        {
            Libc.posix_spawn_file_actions_adddup2(fa, fd, target);
        }
    }

    private static byte* Utf8(string s, List<nint> allocs)
    {
        int n = Encoding.UTF8.GetByteCount(s);
        byte* p = (byte*)NativeMemory.Alloc((nuint)n + 1);
        allocs.Add((nint)p);
        fixed (char* c = s)
        {
            Encoding.UTF8.GetBytes(c, s.Length, p, n);
        }
        p[n] = 0;
        return p;
    }

    /// <summary>Blocking waitpid for one child; returns the raw wait status, or -1.</summary>
    public static int Wait(int pid)
    {
        int status;
        while (true)
        {
            int r = Libc.waitpid(pid, &status, 0);
            if (r == pid)
            {
                return status;
            }
            if (r < 0 && Libc.Errno == Libc.EINTR)
            {
                continue;
            }
            return -1;
        }
    }

    public static bool Exited(int status, out int code) { code = (status >> 8) & 0xff; return (status & 0x7f) == 0; }

    public static bool Signaled(int status, out int sig) { sig = status & 0x7f; return sig != 0 && sig != 0x7f; }
}
