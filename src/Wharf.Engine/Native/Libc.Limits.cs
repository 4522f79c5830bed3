using System.Runtime.InteropServices;

namespace Wharf.Engine.Native;

internal static partial class Libc
{
    public const int RLIMIT_CPU = 0;
    public const int RLIMIT_FSIZE = 1;
    public const int RLIMIT_DATA = 2;
    public const int RLIMIT_STACK = 3;
    public const int RLIMIT_CORE = 4;
    public const int RLIMIT_RSS = 5;
    public const int RLIMIT_NPROC = 6;
    public const int RLIMIT_NOFILE = 7;
    public const int RLIMIT_MEMLOCK = 8;
    public const int RLIMIT_AS = 9;
    public const int RLIMIT_LOCKS = 10;
    public const int RLIMIT_SIGPENDING = 11;
    public const int RLIMIT_MSGQUEUE = 12;
    public const int RLIMIT_NICE = 13;
    public const int RLIMIT_RTPRIO = 14;
    public const int RLIMIT_RTTIME = 15;

    /// <summary>RLIM_INFINITY on 64-bit Linux.</summary>
    public const ulong RLIM_INFINITY = ulong.MaxValue;

    /// <summary>struct rlimit on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Rlimit
    {
        public ulong Current;
        public ulong Max;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    public static partial int GetRlimit(int resource, out Rlimit rlim);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    public static partial int SetRlimit(int resource, in Rlimit rlim);

    [LibraryImport("libc", EntryPoint = "sched_getaffinity", SetLastError = true)]
    public static unsafe partial int SchedGetAffinity(int pid, nint setSize, byte* mask);
}
