using System.Text;
using Wharf.Shim.Native;

namespace Wharf.Shim;

/// <summary>
/// wharf-shim entry point. Without --internal-daemon this is the launcher: it re-executes itself as a
/// daemon (new session, stdio on /dev/null), waits for the daemon's readiness message, prints it on stdout
/// (and to --ready-fd), and exits 0 on success, 1 when the container could not be created or started,
/// 2 on bad usage.
/// </summary>
internal static unsafe class Program
{
    private static int Main(string[] args)
    {
        var o = ShimOptions.Parse(args, out string? error);
        if (o.InternalReadyFd >= 0)
        {
            return new Supervisor(o).Run();
        }
        if (error != null)
        {
            Report(o, Json.Error(error));
            return 2;
        }
        return Launch(o);
    }

    private static void Report(ShimOptions o, string message)
    {
        var bytes = Encoding.UTF8.GetBytes(message + "\n");
        Libc.WriteAll(1, bytes);
        if (o.ReadyFd >= 0)
        {
            Libc.WriteAll(o.ReadyFd, bytes);
            Libc.close(o.ReadyFd);
        }
    }

    private static int Launch(ShimOptions o)
    {
        try
        {
            Directory.CreateDirectory(o.StateDir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Report(o, Json.Error("cannot create state dir: " + e.Message));
            return 1;
        }
        int* p = stackalloc int[2];
        if (Libc.pipe2(p, Libc.O_CLOEXEC) != 0)
        {
            Report(o, Json.Error("pipe: " + Libc.StrError(Libc.Errno)));
            return 1;
        }
        string self = Environment.ProcessPath ?? "/proc/self/exe";
        var argv = new List<string>(o.Raw) { "--internal-daemon", "3" };
        // The daemon's GC settings (NativeAOT reads these from the environment only, so the launcher sets
        // them for its child): a 64 KiB gen0 budget keeps a burst of output from growing the heap.
        var env = new List<string> { "DOTNET_GCgen0size=0x10000", "DOTNET_gcConcurrent=0" };
        int pid = Spawn.Start(self, argv, -1, -1, -1, setsid: true, extraEnv: env, extraFd: p[1], extraFdTarget: 3);
        Libc.close(p[1]);
        if (pid < 0)
        {
            Libc.close(p[0]);
            Report(o, Json.Error("cannot start shim daemon: " + Libc.StrError(-pid)));
            return 1;
        }
        var msg = new List<byte>();
        byte* buf = stackalloc byte[4096];
        while (true)
        {
            nint n = Libc.read(p[0], buf, 4096);
            if (n < 0 && Libc.Errno == Libc.EINTR)
            {
                continue;
            }
            if (n <= 0)
            {
                break;
            }
            for (int i = 0; i < n; i++)
            {
                msg.Add(buf[i]);
            }
        }
        Libc.close(p[0]);
        string text = Encoding.UTF8.GetString(msg.ToArray()).Trim();
        if (text.Length == 0)
        {
            // The daemon died before it reported: collect it (it is our child until we exit).
            int st = Spawn.Wait(pid);
            text = Json.Error("shim daemon exited before it was ready (status " + st.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")");
        }
        Report(o, text);
        return text.StartsWith("{\"pid\"", StringComparison.Ordinal) ? 0 : 1;
    }
}

/// <summary>Minimal JSON text helpers (no serializer: keeps the shim small).</summary>
internal static class Json
{
    public static string Str(string s)
    {
        var src = Encoding.UTF8.GetBytes(s);
        var dst = new byte[src.Length * 6 + 2];
        dst[0] = (byte)'"';
        int n = Wharf.Engine.Logs.JsonFileLogWriter.EscapeDocker(src, dst.AsSpan(1));
        dst[n + 1] = (byte)'"';
        return Encoding.UTF8.GetString(dst, 0, n + 2);
    }

    public static string Error(string message) => "{\"error\":" + Str(message) + "}";
}
