using System.Globalization;
using System.Text;
using System.Text.Json;
using Wharf.Engine.Logs;
using Wharf.Shim.Native;

namespace Wharf.Shim;

/// <summary>
/// The daemon half of wharf-shim: creates and starts the container through the OCI runtime, then runs a
/// single-threaded poll(2) loop over the container's output, the control socket and its clients, and the
/// container init's pidfd, until the container has exited and everything is recorded.
/// </summary>
internal sealed unsafe class Supervisor
{
    private const int ReadChunk = 32 * 1024;
    private const int StdinCap = 256 * 1024;
    private const int ClientOutCap = 8 * 1024 * 1024;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private readonly ShimOptions _o;
    private readonly byte[] _readBuf = new byte[ReadChunk];
    private readonly byte[] _defaultDetach;
    private readonly List<Client> _clients = new();
    private LogFileWriter? _log;
    private int _readyFd;
    private int _listenFd = -1;
    private int _outFd = -1;   // stdout pipe (non-TTY) or pty master (TTY)
    private int _errFd = -1;   // stderr pipe (non-TTY)
    private int _stdinFd = -1; // container stdin (pipe write end, or the pty master)
    private bool _stdinCloseRequested;
    private byte[] _stdinBuf = Array.Empty<byte>();
    private int _stdinLen;
    private int _initPid;
    private int _pidFd = -1;
    private bool _started;
    private bool _hold; // exec: output stays in the pipe/pty until the first attach client
    private bool _exited;
    private int _exitCode;
    private int _exitSignal;
    private long _finishedAt;
    private bool _oomKilled;
    private long _drainDeadline;
    private string? _memoryEventsFile;
    private long _oomAtStart;

    // Poll set, rebuilt each turn.
    private Libc.PollFd[] _pfds = new Libc.PollFd[8];
    private object?[] _owners = new object?[8];
    private int _npfd;
    private static readonly object ListenTag = new();
    private static readonly object OutTag = new();
    private static readonly object ErrTag = new();
    private static readonly object PidTag = new();
    private static readonly object StdinTag = new();

    public Supervisor(ShimOptions o)
    {
        _o = o;
        _readyFd = o.InternalReadyFd;
        _defaultDetach = DetachKeyParser.Parse(o.DetachKeys) ?? Array.Empty<byte>();
    }

    public int Run()
    {
        // Descriptors inherited from whoever started the launcher (its --ready-fd among them) must not be
        // held open by the daemon: close every non-close-on-exec fd above stdio except our ready pipe.
        for (int fd = 3; fd < 1024; fd++)
        {
            int fl = Libc.fcntl(fd, Libc.F_GETFD, 0);
            if (fl >= 0 && (fl & 1) == 0 && fd != _readyFd)
            {
                Libc.close(fd);
            }
        }
        Libc.CloexecFrom(_readyFd + 1);
        Libc.SetCloexec(_readyFd);
        Libc.signal(Libc.SIGPIPE, 1);
        Libc.signal(Libc.SIGHUP, 1);
        Libc.signal(Libc.SIGINT, 1);
        Libc.signal(Libc.SIGTERM, 1);
        Libc.prctl(Libc.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        if (Libc.chdir(_o.StateDir) != 0)
        {
            return Fail("cannot enter state dir " + _o.StateDir + ": " + Libc.StrError(Libc.Errno));
        }
        File.Delete("exit.json");
        WriteSmallFile("shim.pid", Libc.getpid().ToString(Inv) + "\n");
        try
        {
            if (_o.LogDriver == "json-file")
            {
                _log = new JsonFileLogWriter(_o.LogPath, _o.LogOptions);
            }
            else if (_o.LogDriver == "local")
            {
                _log = new LocalLogWriter(_o.LogPath, _o.LogOptions);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail("cannot open log file " + _o.LogPath + ": " + e.Message);
        }

        string? err = Listen();
        if (err != null)
        {
            return Fail(err);
        }
        err = Create();
        if (err != null)
        {
            if (!_o.Exec)
            {
                RunRuntime(new List<string> { "delete", "-f", _o.Id }, out _);
            }
            return Fail(err);
        }
        if (_o.Exec)
        {
            // `runc exec --detach` has started the process already.
            _started = true;
            _hold = !_o.Detach;
        }
        else if (!_o.WaitStart)
        {
            err = Start();
            if (err != null)
            {
                RunRuntime(new List<string> { "kill", _o.Id, "9" }, out _);
                RunRuntime(new List<string> { "delete", "-f", _o.Id }, out _);
                return Fail(err);
            }
        }
        Ready("{\"pid\":" + _initPid.ToString(Inv) + ",\"status\":\"" + (_started ? "running" : "created") + "\"}");
        Loop();
        return 0;
    }

    private int Fail(string message)
    {
        if (_listenFd >= 0)
        {
            Libc.close(_listenFd);
            _listenFd = -1;
        }
        Libc.unlink("shim.sock");
        Libc.unlink("shim.pid");
        _log?.Dispose();
        Ready(Json.Error(message));
        return 1;
    }

    private void Ready(string json)
    {
        if (_readyFd >= 0)
        {
            Libc.WriteAll(_readyFd, Encoding.UTF8.GetBytes(json + "\n"));
            Libc.close(_readyFd);
            _readyFd = -1;
        }
    }

    // ---------------------------------------------------------------- runtime

    private List<string> RuntimeArgv(List<string> sub)
    {
        var a = new List<string>(_o.RuntimeArgs) { "--root", _o.RuntimeRoot };
        a.AddRange(sub);
        return a;
    }

    /// <summary>Runs the runtime with its stderr captured; returns the wait status.</summary>
    private int RunRuntime(List<string> sub, out string stderr)
    {
        stderr = "";
        int* p = stackalloc int[2];
        if (Libc.pipe2(p, Libc.O_CLOEXEC) != 0)
        {
            return -1;
        }
        int pid = Spawn.Start(_o.Runtime, RuntimeArgv(sub), -1, -1, p[1]);
        Libc.close(p[1]);
        if (pid < 0)
        {
            Libc.close(p[0]);
            stderr = _o.Runtime + ": " + Libc.StrError(-pid);
            return -1;
        }
        stderr = ReadToEnd(p[0], 64 * 1024).Trim();
        Libc.close(p[0]);
        return Spawn.Wait(pid);
    }

    private static string ReadToEnd(int fd, int max)
    {
        var sb = new List<byte>();
        byte* buf = stackalloc byte[4096];
        while (sb.Count < max)
        {
            nint n = Libc.read(fd, buf, 4096);
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
                sb.Add(buf[i]);
            }
        }
        return Encoding.UTF8.GetString(sb.ToArray());
    }

    private string? Create()
    {
        int stdinR = -1, outW = -1, errW = -1, consoleFd = -1;
        string? consolePath = null;
        int* p = stackalloc int[2];
        try
        {
            if (_o.Tty)
            {
                // The runtime dials this path from its own cwd: absolute, and short enough for sun_path.
                consolePath = Path.Combine(_o.StateDir, "console.sock");
                if (Encoding.UTF8.GetByteCount(consolePath) > 100)
                {
                    consolePath = "/tmp/wharf-console-" + Libc.getpid().ToString(Inv) + ".sock";
                }
                Libc.unlink(consolePath);
                consoleFd = Libc.socket(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
                if (!BindListen(consoleFd, consolePath))
                {
                    return "console socket: " + Libc.StrError(Libc.Errno);
                }
            }
            else
            {
                if (_o.Stdin)
                {
                    Libc.pipe2(p, Libc.O_CLOEXEC);
                    stdinR = p[0];
                    _stdinFd = p[1];
                }
                Libc.pipe2(p, Libc.O_CLOEXEC);
                _outFd = p[0];
                outW = p[1];
                Libc.pipe2(p, Libc.O_CLOEXEC);
                _errFd = p[0];
                errW = p[1];
            }
            Libc.unlink("runtime-create.log");
            var sub = new List<string> { "--log", Path.Combine(_o.StateDir, "runtime-create.log"), "--log-format", "json" };
            if (_o.Exec)
            {
                // The exec'd process outlives `runc exec --detach` and is re-parented to us (subreaper).
                sub.AddRange(new[] { "exec", "--process", _o.Process, "--detach", "--pid-file", Path.Combine(_o.StateDir, "init.pid") });
            }
            else
            {
                sub.AddRange(new[] { "create", "--bundle", _o.Bundle, "--pid-file", Path.Combine(_o.StateDir, "init.pid") });
            }
            if (_o.Tty)
            {
                sub.Add("--console-socket");
                sub.Add(consolePath!);
            }
            sub.Add(_o.Id);
            int pid = Spawn.Start(_o.Runtime, RuntimeArgv(sub), stdinR, outW, errW);
            if (pid < 0)
            {
                return "cannot run " + _o.Runtime + ": " + Libc.StrError(-pid);
            }
            if (stdinR >= 0)
            {
                Libc.close(stdinR);
                stdinR = -1;
            }
            Libc.close(outW);
            Libc.close(errW);
            outW = errW = -1;

            int status;
            if (_o.Tty)
            {
                status = ReceiveConsole(consoleFd, pid);
            }
            else
            {
                status = Spawn.Wait(pid);
            }
            if (!Spawn.Exited(status, out int code) || code != 0)
            {
                return RuntimeError("runtime-create.log", status);
            }
            if (_o.Tty && _outFd < 0)
            {
                return "runtime did not send the console";
            }
            string pidText;
            try
            {
                pidText = File.ReadAllText("init.pid").Trim();
            }
            catch (IOException e)
            {
                return "cannot read init pid: " + e.Message;
            }
            if (!int.TryParse(pidText, NumberStyles.None, Inv, out _initPid) || _initPid <= 0)
            {
                return "bad init pid \"" + pidText + "\"";
            }
            Libc.unlink("runtime-create.log");
            _pidFd = Libc.PidfdOpen(_initPid);
            if (_pidFd >= 0)
            {
                Libc.SetCloexec(_pidFd);
            }
            if (_outFd >= 0)
            {
                Libc.SetNonBlocking(_outFd);
            }
            if (_errFd >= 0)
            {
                Libc.SetNonBlocking(_errFd);
            }
            if (_o.Tty && _o.Stdin)
            {
                _stdinFd = _outFd;
            }
            else if (_stdinFd >= 0)
            {
                Libc.SetNonBlocking(_stdinFd);
            }
            if (!_o.Exec)
            {
                FindMemoryCgroup();
            }
            return null;
        }
        finally
        {
            if (stdinR >= 0)
            {
                Libc.close(stdinR);
            }
            if (outW >= 0)
            {
                Libc.close(outW);
            }
            if (errW >= 0)
            {
                Libc.close(errW);
            }
            if (consoleFd >= 0)
            {
                Libc.close(consoleFd);
                Libc.unlink(consolePath!);
            }
        }
    }

    /// <summary>The runtime's own error text: the last error in its JSON log, else the raw log.</summary>
    private static string RuntimeError(string logFile, int status)
    {
        string? last = null;
        try
        {
            foreach (var line in File.ReadAllLines(logFile))
            {
                var bytes = Encoding.UTF8.GetBytes(line);
                string? level = null, msg = null;
                try
                {
                    var r = new Utf8JsonReader(bytes);
                    if (r.Read() && r.TokenType == JsonTokenType.StartObject)
                    {
                        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                        {
                            bool isLevel = r.ValueTextEquals("level"u8);
                            bool isMsg = r.ValueTextEquals("msg"u8);
                            r.Read();
                            if (isLevel && r.TokenType == JsonTokenType.String)
                            {
                                level = r.GetString();
                            }
                            else if (isMsg && r.TokenType == JsonTokenType.String)
                            {
                                msg = r.GetString();
                            }
                            else
                            {
                                r.Skip();
                            }
                        }
                    }
                }
                catch (JsonException)
                {
                    last = line;
                    continue;
                }
                if (level is "error" or "fatal" && msg != null)
                {
                    last = msg;
                }
            }
        }
        catch (IOException)
        {
        }
        return last ?? ("runtime failed with status " + status.ToString(Inv));
    }

    /// <summary>Accepts runc's connection on the console socket and takes the pty master (SCM_RIGHTS).</summary>
    private int ReceiveConsole(int listenFd, int runtimePid)
    {
        Libc.SetNonBlocking(listenFd);
        int status;
        while (true)
        {
            if (_outFd < 0)
            {
                var pfd = new Libc.PollFd { Fd = listenFd, Events = Libc.POLLIN };
                Libc.poll(&pfd, 1, 20);
                int c = Libc.accept4(listenFd, null, null, Libc.SOCK_CLOEXEC);
                if (c >= 0)
                {
                    _outFd = RecvFd(c);
                    Libc.close(c);
                    if (_outFd >= 0)
                    {
                        Libc.SetCloexec(_outFd);
                        if (_o.ConsoleRows > 0 && _o.ConsoleCols > 0)
                        {
                            Resize(_o.ConsoleRows, _o.ConsoleCols);
                        }
                    }
                }
            }
            else
            {
                return Spawn.Wait(runtimePid);
            }
            int r = Libc.waitpid(runtimePid, &status, Libc.WNOHANG);
            if (r == runtimePid)
            {
                if (_outFd < 0)
                {
                    // It may have connected just before exiting.
                    int c = Libc.accept4(listenFd, null, null, Libc.SOCK_CLOEXEC);
                    if (c >= 0)
                    {
                        _outFd = RecvFd(c);
                        Libc.close(c);
                    }
                }
                return status;
            }
        }
    }

    private static int RecvFd(int sock)
    {
        byte* data = stackalloc byte[4096];
        byte* control = stackalloc byte[64];
        new Span<byte>(control, 64).Clear();
        var iov = new Libc.IoVec { Base = data, Len = 4096 };
        var msg = new Libc.MsgHdr { Iov = &iov, IovLen = 1, Control = control, ControlLen = 64 };
        var pfd = new Libc.PollFd { Fd = sock, Events = Libc.POLLIN };
        Libc.poll(&pfd, 1, 5000);
        nint n = Libc.recvmsg(sock, &msg, 0);
        if (n < 0 || msg.ControlLen < 20)
        {
            return -1;
        }
        // struct cmsghdr { size_t len; int level; int type; } then the fd.
        int level = *(int*)(control + 8);
        int type = *(int*)(control + 12);
        if (level != Libc.SOL_SOCKET || type != Libc.SCM_RIGHTS)
        {
            return -1;
        }
        return *(int*)(control + 16);
    }

    private string? Start()
    {
        int status = RunRuntime(new List<string> { "start", _o.Id }, out string stderr);
        if (!Spawn.Exited(status, out int code) || code != 0)
        {
            return stderr.Length > 0 ? stderr : "runtime start failed with status " + status.ToString(Inv);
        }
        _started = true;
        return null;
    }

    private void FindMemoryCgroup()
    {
        // The init's memory cgroup (v1 "N:memory:/path", else v2 "0::/path"); read now, while it runs.
        try
        {
            string? v1 = null, v2 = null;
            foreach (var line in File.ReadAllLines("/proc/" + _initPid.ToString(Inv) + "/cgroup"))
            {
                var parts = line.Split(':', 3);
                if (parts.Length != 3)
                {
                    continue;
                }
                if (parts[1].Split(',').Contains("memory"))
                {
                    v1 = parts[2];
                }
                else if (parts[0] == "0" && parts[1].Length == 0)
                {
                    v2 = parts[2];
                }
            }
            if (v1 != null && File.Exists("/sys/fs/cgroup/memory" + v1 + "/memory.oom_control"))
            {
                _memoryEventsFile = "/sys/fs/cgroup/memory" + v1 + "/memory.oom_control";
            }
            else if (v2 != null && File.Exists("/sys/fs/cgroup" + v2 + "/memory.events"))
            {
                _memoryEventsFile = "/sys/fs/cgroup" + v2 + "/memory.events";
            }
            _oomAtStart = ReadOomKills();
        }
        catch (IOException)
        {
        }
    }

    private long ReadOomKills()
    {
        if (_memoryEventsFile == null)
        {
            return 0;
        }
        try
        {
            foreach (var line in File.ReadAllLines(_memoryEventsFile))
            {
                if (line.StartsWith("oom_kill ", StringComparison.Ordinal)
                    && long.TryParse(line.AsSpan(9), NumberStyles.None, Inv, out long n))
                {
                    return n;
                }
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }

    // ---------------------------------------------------------------- control socket

    private static bool BindListen(int fd, string path)
    {
        byte* addr = stackalloc byte[110];
        uint len = Libc.SockaddrUn(path, new Span<byte>(addr, 110));
        return fd >= 0 && len != uint.MaxValue && Libc.bind(fd, addr, len) == 0 && Libc.listen(fd, 64) == 0;
    }

    private string? Listen()
    {
        Libc.unlink("shim.sock");
        _listenFd = Libc.socket(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC | Libc.SOCK_NONBLOCK, 0);
        if (!BindListen(_listenFd, "shim.sock"))
        {
            return "control socket: " + Libc.StrError(Libc.Errno);
        }
        return null;
    }

    private enum Mode
    {
        Request,
        Attach,
        Wait,
        Closing,
    }

    private sealed class Client
    {
        public int Fd;
        public Mode Mode;
        public byte[] In = new byte[512];
        public int InLen;
        public byte[]? Out;
        public int OutStart;
        public int OutEnd;
        public bool AttachStdin;
        public bool AttachStdout;
        public bool AttachStderr;
        public bool StdinOnce;
        public bool StdinDone;
        public byte[] Detach = Array.Empty<byte>();
        public int DetachMatched;
        public bool Dead;

        public int Pending => OutEnd - OutStart;
    }

    private void Accept()
    {
        while (true)
        {
            int fd = Libc.accept4(_listenFd, null, null, Libc.SOCK_CLOEXEC | Libc.SOCK_NONBLOCK);
            if (fd < 0)
            {
                return;
            }
            _clients.Add(new Client { Fd = fd });
        }
    }

    private void OnClientReadable(Client c)
    {
        if (c.Mode == Mode.Request)
        {
            fixed (byte* b = c.In)
            {
                nint n = Libc.read(c.Fd, b + c.InLen, (nuint)(c.In.Length - c.InLen));
                if (n <= 0)
                {
                    if (n == 0 || Libc.Errno != Libc.EAGAIN)
                    {
                        c.Dead = true;
                    }
                    return;
                }
                c.InLen += (int)n;
            }
            int nl = Array.IndexOf(c.In, (byte)'\n', 0, c.InLen);
            if (nl < 0)
            {
                if (c.InLen == c.In.Length)
                {
                    if (c.In.Length >= 16 * 1024)
                    {
                        Reply(c, Json.Error("request too long"));
                        return;
                    }
                    Array.Resize(ref c.In, c.In.Length * 4);
                }
                return;
            }
            HandleRequest(c, c.In.AsSpan(0, nl));
            int rest = c.InLen - nl - 1;
            if (c.Mode == Mode.Attach && rest > 0)
            {
                StdinFromClient(c, c.In.AsSpan(nl + 1, rest));
            }
            c.In = Array.Empty<byte>();
            c.InLen = 0;
            return;
        }
        // Attach (stdin) or a waiter/closing client: read and route or discard.
        fixed (byte* b = _readBuf)
        {
            nint n = Libc.read(c.Fd, b, (nuint)_readBuf.Length);
            if (n < 0)
            {
                if (Libc.Errno != Libc.EAGAIN && Libc.Errno != Libc.EINTR)
                {
                    c.Dead = true;
                }
                return;
            }
            if (n == 0)
            {
                // The client closed its sending side: end of its stdin.
                c.StdinDone = true;
                if (c.Mode == Mode.Attach && c.AttachStdin && c.StdinOnce)
                {
                    _stdinCloseRequested = true;
                    FlushStdin();
                }
                if (c.Mode == Mode.Attach && !c.AttachStdout && !c.AttachStderr)
                {
                    c.Dead = true; // nothing left to deliver to it
                }
                else if (c.Mode == Mode.Closing && c.Pending == 0)
                {
                    c.Dead = true;
                }
                return;
            }
            if (c.Mode == Mode.Attach && c.AttachStdin)
            {
                StdinFromClient(c, _readBuf.AsSpan(0, (int)n));
            }
        }
    }

    private void StdinFromClient(Client c, ReadOnlySpan<byte> data)
    {
        if (_stdinFd < 0 || _stdinCloseRequested)
        {
            return;
        }
        if (c.Detach.Length == 0)
        {
            QueueStdin(data);
            FlushStdin();
            return;
        }
        int from = 0;
        for (int i = 0; i < data.Length; i++)
        {
            if (data[i] == c.Detach[c.DetachMatched])
            {
                if (c.DetachMatched == 0)
                {
                    QueueStdin(data[from..i]);
                }
                c.DetachMatched++;
                from = i + 1;
                if (c.DetachMatched == c.Detach.Length)
                {
                    // Detach: this client goes away, the container keeps its stdin.
                    FlushStdin();
                    c.Dead = true;
                    return;
                }
            }
            else if (c.DetachMatched > 0)
            {
                QueueStdin(c.Detach.AsSpan(0, c.DetachMatched));
                c.DetachMatched = 0;
                from = i;
                i--; // re-examine this byte as a possible first key
            }
        }
        if (c.DetachMatched == 0)
        {
            QueueStdin(data[from..]);
        }
        FlushStdin();
    }

    private void QueueStdin(ReadOnlySpan<byte> data)
    {
        if (data.Length == 0)
        {
            return;
        }
        if (_stdinBuf.Length - _stdinLen < data.Length)
        {
            int size = Math.Max(4096, _stdinBuf.Length);
            while (size - _stdinLen < data.Length)
            {
                size *= 2;
            }
            Array.Resize(ref _stdinBuf, size);
        }
        data.CopyTo(_stdinBuf.AsSpan(_stdinLen));
        _stdinLen += data.Length;
    }

    private void FlushStdin()
    {
        if (_stdinFd < 0)
        {
            _stdinLen = 0;
            return;
        }
        if (_stdinLen > 0)
        {
            fixed (byte* b = _stdinBuf)
            {
                nint n = Libc.write(_stdinFd, b, (nuint)_stdinLen);
                if (n < 0)
                {
                    int e = Libc.Errno;
                    if (e != Libc.EAGAIN && e != Libc.EINTR)
                    {
                        _stdinLen = 0; // EPIPE: nobody reads the container's stdin any more
                        CloseStdin();
                        return;
                    }
                }
                else if (n > 0)
                {
                    Buffer.BlockCopy(_stdinBuf, (int)n, _stdinBuf, 0, _stdinLen - (int)n);
                    _stdinLen -= (int)n;
                }
            }
            if (_stdinLen == 0 && _stdinBuf.Length > 64 * 1024)
            {
                _stdinBuf = Array.Empty<byte>();
            }
        }
        if (_stdinLen == 0 && _stdinCloseRequested)
        {
            CloseStdin();
        }
    }

    private void CloseStdin()
    {
        if (_stdinFd >= 0 && _stdinFd != _outFd)
        {
            Libc.close(_stdinFd);
        }
        _stdinFd = -1;
    }

    private void HandleRequest(Client c, ReadOnlySpan<byte> line)
    {
        string op = "";
        int signal = 15, rows = 0, cols = 0;
        bool all = false, stdin = false, stdout = true, stderr = true, stdinOnce = false;
        string? detachKeys = null;
        try
        {
            var r = new Utf8JsonReader(line);
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject)
            {
                Reply(c, Json.Error("request must be a JSON object"));
                return;
            }
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                string name = r.GetString() ?? "";
                r.Read();
                switch (name)
                {
                    case "op": op = r.GetString() ?? ""; break;
                    case "signal": signal = r.GetInt32(); break;
                    case "all": all = r.GetBoolean(); break;
                    case "rows": rows = r.GetInt32(); break;
                    case "cols": cols = r.GetInt32(); break;
                    case "stdin": stdin = r.GetBoolean(); break;
                    case "stdout": stdout = r.GetBoolean(); break;
                    case "stderr": stderr = r.GetBoolean(); break;
                    case "stdinOnce": stdinOnce = r.GetBoolean(); break;
                    case "detachKeys": detachKeys = r.TokenType == JsonTokenType.Null ? null : r.GetString(); break;
                    default: r.Skip(); break;
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            Reply(c, Json.Error("bad request: " + e.Message));
            return;
        }
        switch (op)
        {
            case "state":
                Reply(c, StateJson());
                return;
            case "wait":
                if (_exited && _finishedAt != 0)
                {
                    Reply(c, ExitJson());
                }
                else
                {
                    c.Mode = Mode.Wait;
                }
                return;
            case "start":
                if (_started)
                {
                    Reply(c, Json.Error("container already started"));
                    return;
                }
                if (_exited)
                {
                    Reply(c, Json.Error("container is not running"));
                    return;
                }
                Reply(c, Start() is string startErr ? Json.Error(startErr) : "{\"ok\":true}");
                return;
            case "kill":
                if (_exited)
                {
                    Reply(c, Json.Error("container is not running"));
                    return;
                }
                if (_o.Exec)
                {
                    // An exec process is signalled directly: `runc kill` would signal the container's init.
                    Reply(c, Libc.kill(_initPid, signal) == 0 ? "{\"ok\":true}" : Json.Error("kill: " + Libc.StrError(Libc.Errno)));
                    return;
                }
                {
                    var sub = new List<string> { "kill" };
                    if (all)
                    {
                        sub.Add("--all");
                    }
                    sub.Add(_o.Id);
                    sub.Add(signal.ToString(Inv));
                    int st = RunRuntime(sub, out string kerr);
                    bool ok = Spawn.Exited(st, out int code) && code == 0;
                    Reply(c, ok ? "{\"ok\":true}" : Json.Error(kerr.Length > 0 ? kerr : "kill failed"));
                }
                return;
            case "resize":
                if (!_o.Tty || _outFd < 0)
                {
                    Reply(c, Json.Error("the container has no TTY"));
                    return;
                }
                if (rows <= 0 || cols <= 0 || rows > 65535 || cols > 65535)
                {
                    Reply(c, Json.Error("bad size"));
                    return;
                }
                Reply(c, Resize((ushort)rows, (ushort)cols) ? "{\"ok\":true}" : Json.Error("TIOCSWINSZ: " + Libc.StrError(Libc.Errno)));
                return;
            case "attach":
                {
                    byte[]? keys = string.IsNullOrEmpty(detachKeys) ? _defaultDetach : DetachKeyParser.Parse(detachKeys);
                    if (keys == null)
                    {
                        Reply(c, Json.Error("invalid detachKeys"));
                        return;
                    }
                    c.Mode = Mode.Attach;
                    _hold = false;
                    c.AttachStdin = stdin && _o.Stdin;
                    c.AttachStdout = stdout;
                    c.AttachStderr = stderr;
                    c.StdinOnce = stdinOnce;
                    c.Detach = keys;
                    Send(c, Encoding.UTF8.GetBytes("{\"ok\":true,\"tty\":" + (_o.Tty ? "true" : "false") + "}\n"));
                    if (_exited && _outFd < 0 && _errFd < 0)
                    {
                        c.Mode = Mode.Closing;
                    }
                    return;
                }
            default:
                Reply(c, Json.Error("unknown op \"" + op + "\""));
                return;
        }
    }

    private bool Resize(ushort rows, ushort cols)
    {
        var ws = new Libc.WinSize { Rows = rows, Cols = cols };
        return Libc.ioctl(_outFd, Libc.TIOCSWINSZ, &ws) == 0;
    }

    private void Reply(Client c, string json)
    {
        Send(c, Encoding.UTF8.GetBytes(json + "\n"));
        c.Mode = Mode.Closing;
        if (c.Pending == 0)
        {
            c.Dead = true;
        }
    }

    private string StateJson()
    {
        var sb = new StringBuilder(200);
        sb.Append("{\"id\":").Append(Json.Str(_o.Id))
          .Append(",\"pid\":").Append(_initPid.ToString(Inv))
          .Append(",\"shimPid\":").Append(Libc.getpid().ToString(Inv))
          .Append(",\"status\":\"").Append(_exited ? "stopped" : _started ? "running" : "created").Append('"')
          .Append(",\"running\":").Append(!_exited && _started ? "true" : "false")
          .Append(",\"tty\":").Append(_o.Tty ? "true" : "false")
          .Append(",\"attached\":").Append(CountAttached().ToString(Inv));
        if (_exited)
        {
            sb.Append(",\"exitCode\":").Append(_exitCode.ToString(Inv))
              .Append(",\"signal\":").Append(_exitSignal.ToString(Inv))
              .Append(",\"oomKilled\":").Append(_oomKilled ? "true" : "false")
              .Append(",\"finishedAt\":\"").Append(LogTime.FormatRfc3339Nano(_finishedAt)).Append('"');
        }
        return sb.Append('}').ToString();
    }

    private int CountAttached()
    {
        int n = 0;
        foreach (var c in _clients)
        {
            if (c.Mode == Mode.Attach && !c.Dead)
            {
                n++;
            }
        }
        return n;
    }

    private string ExitJson()
        => "{\"exitCode\":" + _exitCode.ToString(Inv) + ",\"signal\":" + _exitSignal.ToString(Inv)
           + ",\"oomKilled\":" + (_oomKilled ? "true" : "false")
           + ",\"finishedAt\":\"" + LogTime.FormatRfc3339Nano(_finishedAt) + "\"}";

    /// <summary>Queues bytes for a client and tries to send at once; a client too far behind is dropped.</summary>
    private static void Send(Client c, ReadOnlySpan<byte> data)
    {
        if (c.Dead || data.Length == 0)
        {
            return;
        }
        if (c.Pending == 0)
        {
            fixed (byte* p = data)
            {
                nint n = Libc.send(c.Fd, p, (nuint)data.Length, Libc.MSG_NOSIGNAL | Libc.MSG_DONTWAIT);
                if (n == data.Length)
                {
                    return;
                }
                if (n < 0)
                {
                    int e = Libc.Errno;
                    if (e != Libc.EAGAIN && e != Libc.EINTR)
                    {
                        c.Dead = true;
                        return;
                    }
                    n = 0;
                }
                data = data[(int)n..];
            }
        }
        if (c.Pending + data.Length > ClientOutCap)
        {
            c.Dead = true; // never block the container on a slow client
            return;
        }
        if (c.Out == null || c.Out.Length - c.OutEnd < data.Length)
        {
            int pending = c.Pending;
            int size = c.Out?.Length ?? 16 * 1024;
            while (size < pending + data.Length)
            {
                size *= 2;
            }
            var nb = size == c.Out?.Length ? c.Out : new byte[size];
            if (c.Out != null)
            {
                Buffer.BlockCopy(c.Out, c.OutStart, nb, 0, pending);
            }
            c.Out = nb;
            c.OutStart = 0;
            c.OutEnd = pending;
        }
        data.CopyTo(c.Out.AsSpan(c.OutEnd));
        c.OutEnd += data.Length;
    }

    private static void FlushClient(Client c)
    {
        if (c.Pending == 0 || c.Out == null)
        {
            return;
        }
        fixed (byte* p = c.Out)
        {
            nint n = Libc.send(c.Fd, p + c.OutStart, (nuint)c.Pending, Libc.MSG_NOSIGNAL | Libc.MSG_DONTWAIT);
            if (n < 0)
            {
                int e = Libc.Errno;
                if (e != Libc.EAGAIN && e != Libc.EINTR)
                {
                    c.Dead = true;
                }
                return;
            }
            c.OutStart += (int)n;
        }
        if (c.Pending == 0)
        {
            c.OutStart = c.OutEnd = 0;
            if (c.Out.Length > 64 * 1024)
            {
                c.Out = null;
            }
            if (c.Mode == Mode.Closing)
            {
                c.Dead = true;
            }
        }
    }

    // ---------------------------------------------------------------- output

    private void OnOutput(bool stderr)
    {
        int fd = stderr ? _errFd : _outFd;
        var stream = stderr ? LogStream.Stderr : LogStream.Stdout;
        // Read a few chunks per turn at most, so one busy stream cannot starve the rest.
        for (int turn = 0; turn < 4; turn++)
        {
            nint n;
            fixed (byte* b = _readBuf)
            {
                n = Libc.read(fd, b, (nuint)_readBuf.Length);
            }
            if (n < 0)
            {
                int e = Libc.Errno;
                if (e == Libc.EAGAIN || e == Libc.EINTR)
                {
                    return;
                }
                // EIO on a pty master: every slave fd is closed.
                n = 0;
            }
            if (n == 0)
            {
                long now = LogTime.NowNanos();
                _log?.EndOfStream(stream, now);
                if (stderr)
                {
                    Libc.close(_errFd);
                    _errFd = -1;
                }
                else
                {
                    if (_stdinFd == _outFd)
                    {
                        _stdinFd = -1;
                    }
                    Libc.close(_outFd);
                    _outFd = -1;
                }
                return;
            }
            var data = _readBuf.AsSpan(0, (int)n);
            _log?.Write(stream, data, LogTime.NowNanos());
            Broadcast(stream, data);
            if (n < _readBuf.Length)
            {
                return;
            }
        }
    }

    private void Broadcast(LogStream stream, ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[8];
        header.Clear();
        header[0] = (byte)stream;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(header[4..], (uint)data.Length);
        foreach (var c in _clients)
        {
            if (c.Mode != Mode.Attach || c.Dead)
            {
                continue;
            }
            if (stream == LogStream.Stderr ? !c.AttachStderr : !c.AttachStdout)
            {
                continue;
            }
            if (!_o.Tty)
            {
                Send(c, header);
            }
            Send(c, data);
        }
    }

    // ---------------------------------------------------------------- exit

    private void Reap()
    {
        int status;
        while (true)
        {
            int pid = Libc.waitpid(-1, &status, Libc.WNOHANG);
            if (pid <= 0)
            {
                if (pid < 0 && Libc.Errno == Libc.EINTR)
                {
                    continue;
                }
                return;
            }
            if (pid == _initPid && !_exited)
            {
                _exited = true;
                if (Spawn.Exited(status, out int code))
                {
                    _exitCode = code;
                }
                else if (Spawn.Signaled(status, out int sig))
                {
                    _exitSignal = sig;
                    _exitCode = 128 + sig;
                }
                // An exec nobody has attached to yet keeps its output for a while for the first client.
                _drainDeadline = Environment.TickCount64 + (_hold ? 10000 : 2000);
                if (_pidFd >= 0)
                {
                    Libc.close(_pidFd);
                    _pidFd = -1;
                }
                if (_stdinFd >= 0 && _stdinFd != _outFd)
                {
                    CloseStdin();
                }
            }
        }
    }

    private void Finish()
    {
        _finishedAt = LogTime.NowNanos();
        long now = _finishedAt;
        if (_outFd >= 0)
        {
            Libc.close(_outFd);
            _outFd = -1;
        }
        if (_errFd >= 0)
        {
            Libc.close(_errFd);
            _errFd = -1;
        }
        _stdinFd = -1;
        if (_log != null)
        {
            _log.EndOfStream(LogStream.Stdout, now);
            _log.EndOfStream(LogStream.Stderr, now);
            _log.Dispose();
            _log = null;
        }
        _oomKilled = _memoryEventsFile != null && ReadOomKills() > _oomAtStart;
        WriteAtomically("exit.json", ExitJson() + "\n");
        if (!_o.Exec)
        {
            RunRuntime(new List<string> { "delete", "-f", _o.Id }, out _);
        }
        // Stop taking new clients; tell waiters; let attachers drain (bounded), then go.
        Libc.close(_listenFd);
        _listenFd = -1;
        Libc.unlink("shim.sock");
        string exit = ExitJson();
        foreach (var c in _clients)
        {
            if (c.Mode == Mode.Wait)
            {
                Reply(c, exit);
            }
            else if (c.Mode == Mode.Attach)
            {
                c.Mode = Mode.Closing;
                if (c.Pending == 0)
                {
                    c.Dead = true;
                }
            }
            else if (c.Mode == Mode.Request)
            {
                // A request that arrived too late: answer state-like from the exit record.
                c.Dead = true;
            }
        }
        long deadline = Environment.TickCount64 + 5000;
        while (Environment.TickCount64 < deadline)
        {
            Prune();
            if (_clients.Count == 0)
            {
                break;
            }
            BuildPollSet();
            fixed (Libc.PollFd* p = _pfds)
            {
                Libc.poll(p, (nuint)_npfd, 100);
            }
            foreach (var c in _clients)
            {
                FlushClient(c);
            }
        }
        foreach (var c in _clients)
        {
            Libc.close(c.Fd);
        }
        _clients.Clear();
        Libc.unlink("shim.pid");
    }

    private static void WriteSmallFile(string path, string text)
    {
        int fd = Libc.open(path, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_TRUNC | Libc.O_CLOEXEC, 0x1a4);
        if (fd >= 0)
        {
            Libc.WriteAll(fd, Encoding.UTF8.GetBytes(text));
            Libc.close(fd);
        }
    }

    private static void WriteAtomically(string path, string text)
    {
        string tmp = path + ".tmp";
        int fd = Libc.open(tmp, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_TRUNC | Libc.O_CLOEXEC, 0x1a4);
        if (fd < 0)
        {
            return;
        }
        Libc.WriteAll(fd, Encoding.UTF8.GetBytes(text));
        Libc.fsync(fd);
        Libc.close(fd);
        Libc.rename(tmp, path);
        int dir = Libc.open(".", Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (dir >= 0)
        {
            Libc.fsync(dir);
            Libc.close(dir);
        }
    }

    // ---------------------------------------------------------------- loop

    private void Add(int fd, short events, object owner)
    {
        if (_npfd == _pfds.Length)
        {
            Array.Resize(ref _pfds, _npfd * 2);
            Array.Resize(ref _owners, _npfd * 2);
        }
        _pfds[_npfd] = new Libc.PollFd { Fd = fd, Events = events };
        _owners[_npfd] = owner;
        _npfd++;
    }

    private void BuildPollSet()
    {
        _npfd = 0;
        if (_listenFd >= 0)
        {
            Add(_listenFd, Libc.POLLIN, ListenTag);
        }
        int outIndex = -1;
        if (_outFd >= 0 && !_hold)
        {
            outIndex = _npfd;
            Add(_outFd, Libc.POLLIN, OutTag);
        }
        if (_errFd >= 0 && !_hold)
        {
            Add(_errFd, Libc.POLLIN, ErrTag);
        }
        if (_pidFd >= 0)
        {
            Add(_pidFd, Libc.POLLIN, PidTag);
        }
        if (_stdinFd >= 0 && _stdinFd != _outFd && _stdinLen > 0)
        {
            Add(_stdinFd, Libc.POLLOUT, StdinTag);
        }
        foreach (var c in _clients)
        {
            short ev = 0;
            bool wantsInput = c.Mode switch
            {
                Mode.Request => true,
                Mode.Attach => !c.StdinDone && (!c.AttachStdin || _stdinLen < StdinCap),
                _ => !c.StdinDone,
            };
            if (wantsInput)
            {
                ev |= Libc.POLLIN;
            }
            if (c.Pending > 0)
            {
                ev |= Libc.POLLOUT;
            }
            Add(c.Fd, ev, c);
        }
        // With a TTY and stdin pending, the master must also be polled for writing.
        if (outIndex >= 0 && _stdinFd == _outFd && _stdinLen > 0)
        {
            _pfds[outIndex].Events |= Libc.POLLOUT;
        }
    }

    private void Prune()
    {
        for (int i = _clients.Count - 1; i >= 0; i--)
        {
            var c = _clients[i];
            if (c.Dead)
            {
                Libc.close(c.Fd);
                _clients.RemoveAt(i);
            }
        }
    }

    private void Loop()
    {
        while (true)
        {
            Prune();
            if (_exited && ((_outFd < 0 && _errFd < 0) || Environment.TickCount64 >= _drainDeadline))
            {
                Finish();
                return;
            }
            BuildPollSet();
            int timeout = -1;
            if (_pidFd < 0 && !_exited)
            {
                timeout = 500; // no pidfd: look for the exit twice a second
            }
            if (_exited)
            {
                timeout = (int)Math.Max(0, _drainDeadline - Environment.TickCount64);
            }
            int n;
            fixed (Libc.PollFd* p = _pfds)
            {
                n = Libc.poll(p, (nuint)_npfd, timeout);
            }
            if (n < 0)
            {
                continue; // EINTR
            }
            if (n == 0 && _pidFd < 0)
            {
                Reap();
                continue;
            }
            int count = _npfd;
            for (int i = 0; i < count; i++)
            {
                short re = _pfds[i].REvents;
                if (re == 0)
                {
                    continue;
                }
                object? owner = _owners[i];
                if (owner == ListenTag)
                {
                    Accept();
                }
                else if (owner == OutTag)
                {
                    if ((re & Libc.POLLOUT) != 0)
                    {
                        FlushStdin();
                    }
                    if ((re & (Libc.POLLIN | Libc.POLLHUP | Libc.POLLERR)) != 0 && _outFd >= 0)
                    {
                        OnOutput(false);
                    }
                }
                else if (owner == ErrTag)
                {
                    OnOutput(true);
                }
                else if (owner == PidTag)
                {
                    Reap();
                }
                else if (owner == StdinTag)
                {
                    FlushStdin();
                }
                else if (owner is Client c && !c.Dead)
                {
                    if ((re & Libc.POLLOUT) != 0)
                    {
                        FlushClient(c);
                    }
                    if ((re & (Libc.POLLIN | Libc.POLLHUP | Libc.POLLERR)) != 0 && !c.StdinDone)
                    {
                        OnClientReadable(c);
                    }
                    else if ((re & (Libc.POLLHUP | Libc.POLLERR)) != 0)
                    {
                        c.Dead = true; // the peer is gone entirely
                    }
                }
            }
            _log?.Flush();
        }
    }
}
