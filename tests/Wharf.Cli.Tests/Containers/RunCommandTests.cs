using System.Text;
using System.Text.Json;

namespace Wharf.Cli.Tests.Containers;

/// <summary>run, create, start -a, attach and exec against a fake daemon: the requests made and the output shown.</summary>
public class RunCommandTests
{
    const string Id = Routes.Id;

    [Fact]
    public async Task Detached_run_creates_waits_starts_and_prints_the_id()
    {
        await using var d = Routes.Container().Start();
        var r = await TestCli.RunAsync(d, "run", "-d", "--name", "web", "-e", "A=1", "busybox", "sleep", "9");
        Assert.Equal(0, r.Code);
        Assert.Equal(Id + "\n", r.Out);
        var calls = d.Requests.Where(q => q.Path != "/_ping").Select(q => q.Method + " " + q.Path.Replace("/v1.47", "")).ToList();
        Assert.Equal(["POST /containers/create", $"POST /containers/{Id}/wait", $"POST /containers/{Id}/start"], calls);
        var create = d.Requests.First(q => q.Path.EndsWith("/containers/create"));
        Assert.Equal(["web"], create.QueryValues("name"));
        using var body = JsonDocument.Parse(create.Body);
        Assert.False(body.RootElement.GetProperty("AttachStdout").GetBoolean());
        Assert.Equal("sleep", body.RootElement.GetProperty("Cmd")[0].GetString());
        Assert.Equal("A=1", body.RootElement.GetProperty("Env")[0].GetString());
        Assert.Equal(["next-exit"], d.Requests.First(q => q.Path.EndsWith("/wait")).QueryValues("condition"));
    }

    [Fact]
    public async Task Attached_run_demultiplexes_output_and_returns_the_exit_code()
    {
        await using var d = Routes.Container(exitCode: 3)
            .On("POST", $"/containers/{Id}/attach", FakeResponse.Upgrade(false, async s =>
            {
                await s.WriteAsync(Routes.Frame(1, "out\n"));
                await s.WriteAsync(Routes.Frame(2, "err\n"));
            })).Start();
        var r = await TestCli.RunAsync(d, "run", "--rm", "busybox");
        Assert.Equal(3, r.Code);
        Assert.Equal("out\n", r.Out);
        Assert.Equal("err\n", r.Err);
        var attach = d.Requests.First(q => q.Path.EndsWith("/attach"));
        Assert.Equal("tcp", attach.Headers["Upgrade"]);
        Assert.Equal(["1"], attach.QueryValues("stream"));
        Assert.Equal(["1"], attach.QueryValues("stdout"));
        Assert.Empty(attach.QueryValues("stdin"));
        Assert.Equal(["removed"], d.Requests.First(q => q.Path.EndsWith("/wait")).QueryValues("condition"));
    }

    [Fact]
    public async Task Interactive_run_sends_stdin_and_half_closes_it()
    {
        await using var d = Routes.Container()
            .On("POST", $"/containers/{Id}/attach", FakeResponse.Upgrade(false, async s =>
            {
                var input = await Routes.ReadAllAsync(s);
                await s.WriteAsync(Routes.Frame(1, $"got {input.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length} lines\n"));
            })).Start();
        var r = await TestCli.RunAsync(d, ["run", "-i", "busybox", "wc", "-l"], new MemoryStream("a\nb\nc\n"u8.ToArray()));
        Assert.Equal(0, r.Code);
        Assert.Equal("got 3 lines\n", r.Out);
        var attach = d.Requests.First(q => q.Path.EndsWith("/attach"));
        Assert.Equal(["1"], attach.QueryValues("stdin"));
    }

    [Fact]
    public async Task Tty_run_is_raw_sized_and_restored()
    {
        var terminal = new FakeTerminal((30, 100));
        await using var d = Routes.Container(exitCode: 7, tty: true)
            .On("POST", $"/containers/{Id}/attach", FakeResponse.Upgrade(true, async s =>
            {
                await s.WriteAsync("prompt$ "u8.ToArray());
                await Task.Delay(200);
            })).Start();
        var r = await TestCli.RunAsync(d, ["run", "-it", "--detach-keys", "ctrl-x,x", "busybox", "sh"], new MemoryStream(),
            inIsTerminal: true, outIsTerminal: true, terminal: terminal);
        Assert.Equal(7, r.Code);
        Assert.Equal("prompt$ ", r.Out);
        Assert.Equal(1, terminal.RawCount);
        Assert.Equal(1, terminal.RestoreCount);
        using var body = JsonDocument.Parse(d.Requests.First(q => q.Path.EndsWith("/create")).Body);
        Assert.Equal("[30,100]", body.RootElement.GetProperty("HostConfig").GetProperty("ConsoleSize").GetRawText());
        Assert.True(body.RootElement.GetProperty("Tty").GetBoolean());
        var resize = d.Requests.First(q => q.Path.EndsWith("/resize"));
        Assert.Equal(["30"], resize.QueryValues("h"));
        Assert.Equal(["100"], resize.QueryValues("w"));
        Assert.Equal(["ctrl-x,x"], d.Requests.First(q => q.Path.EndsWith("/attach")).QueryValues("detachKeys"));
    }

    [Fact]
    public async Task Detach_keys_end_a_run_with_exit_code_zero_and_no_output()
    {
        var terminal = new FakeTerminal((24, 80));
        await using var d = Routes.Container(exitCode: 9, tty: true)
            // The container keeps running: its wait does not answer while the client is attached.
            .On("POST", $"/containers/{Id}/wait", new FakeResponse(200, Chunks: ["{\"StatusCode\":9}\n"]) { ChunkDelay = TimeSpan.FromSeconds(2) })
            .On("POST", $"/containers/{Id}/attach", FakeResponse.Upgrade(true, async s =>
            {
                // The daemon sees the keys and lets the client go.
                var buf = new byte[16];
                var seen = new List<byte>();
                while (!(seen.Count >= 2 && seen[^2] == 16 && seen[^1] == 17))
                {
                    var n = await s.ReadAsync(buf);
                    if (n == 0) break;
                    seen.AddRange(buf.Take(n));
                }
            })).Start();
        var r = await TestCli.RunAsync(d, ["run", "-it", "busybox", "sh"], new SlowInput([(byte)'l', (byte)'s', 16, 17]),
            inIsTerminal: true, outIsTerminal: true, terminal: terminal);
        Assert.Equal(0, r.Code);
        Assert.Equal("", r.Out);
        Assert.Equal("", r.Err);
        Assert.Equal(1, terminal.RestoreCount);
    }

    [Fact]
    public async Task A_tty_needs_a_terminal_on_stdin()
    {
        await using var d = Routes.Container().Start();
        var r = await TestCli.RunAsync(d, "run", "-it", "busybox");
        Assert.Equal(1, r.Code);
        Assert.Equal("the input device is not a TTY\n", r.Err);
        Assert.DoesNotContain(d.Requests, q => q.Path.EndsWith("/create"));
    }

    [Fact]
    public async Task Missing_image_is_pulled_then_reported_with_exit_125()
    {
        await using var d = new Routes()
            .On("POST", "/containers/create", FakeResponse.Error(404, "No such image: nosuch:latest"))
            .On("POST", "/images/create", req => FakeResponse.Error(404, $"pull access denied for {req.QueryValues("fromImage")[0]}, repository does not exist"))
            .Start();
        var r = await TestCli.RunAsync(d, "run", "--rm", "nosuch");
        Assert.Equal(125, r.Code);
        Assert.Equal("Unable to find image 'nosuch:latest' locally\n" +
                     "wharf: Error response from daemon: pull access denied for docker.io/library/nosuch, repository does not exist\n\n" +
                     "Run 'wharf run --help' for more information\n", r.Err);
        Assert.Equal(["latest"], d.Requests.First(q => q.Path.EndsWith("/images/create")).QueryValues("tag"));
        var never = await TestCli.RunAsync(d, "run", "--pull", "never", "-q", "nosuch");
        Assert.Equal(125, never.Code);
        Assert.Equal("wharf: Error response from daemon: No such image: nosuch:latest\n\nRun 'wharf run --help' for more information\n", never.Err);
    }

    [Theory]
    [InlineData("exec: \"nosuch\": executable file not found in $PATH: unknown", 127)]
    [InlineData("exec: \"/etc\": permission denied: unknown", 126)]
    [InlineData("cannot start: something else", 125)]
    public async Task Start_failures_map_to_dockers_exit_codes(string message, int code)
    {
        await using var d = Routes.Container().On("POST", $"/containers/{Id}/start", FakeResponse.Error(400, message)).Start();
        var r = await TestCli.RunAsync(d, "run", "-d", "busybox");
        Assert.Equal(code, r.Code);
        Assert.Equal($"wharf: Error response from daemon: {message}\n\nRun 'wharf run --help' for more information\n", r.Err);
        Assert.Equal("", r.Out);
    }

    [Fact]
    public async Task Bad_values_exit_125_before_anything_is_created()
    {
        await using var d = Routes.Container().Start();
        var mem = await TestCli.RunAsync(d, "run", "-m", "12x", "busybox");
        Assert.Equal(125, mem.Code);
        Assert.Equal("invalid argument \"12x\" for \"-m, --memory\" flag: invalid suffix: 'x'\n\n" +
                     "Usage:  wharf run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nRun 'wharf run --help' for more information\n", mem.Err);
        var conflict = await TestCli.RunAsync(d, "run", "--rm", "--restart", "always", "busybox");
        Assert.Equal(125, conflict.Code);
        Assert.Equal("wharf: conflicting options: cannot specify both --restart and --rm\n\nRun 'wharf run --help' for more information\n", conflict.Err);
        var keys = await TestCli.RunAsync(d, "run", "--detach-keys", "ctrl-1", "busybox");
        Assert.Equal(125, keys.Code);
        Assert.Equal("invalid detach keys (ctrl-1): Unknown character: 'ctrl-1'\n", keys.Err);
        var attachDetach = await TestCli.RunAsync(d, "run", "-d", "-a", "stdout", "busybox");
        Assert.Equal(1, attachDetach.Code);
        Assert.Equal("conflicting options: cannot specify both --attach and --detach\n", attachDetach.Err);
        Assert.DoesNotContain(d.Requests, q => q.Path.EndsWith("/create"));
    }

    [Fact]
    public async Task Cidfile_is_written_and_never_overwritten()
    {
        await using var d = Routes.Container().Start();
        var cid = Path.Combine(Path.GetTempPath(), "wharf-cid-" + Guid.NewGuid().ToString("N"));
        try
        {
            var r = await TestCli.RunAsync(d, "run", "-d", "--cidfile", cid, "busybox");
            Assert.Equal(0, r.Code);
            Assert.Equal(Id, File.ReadAllText(cid));
            var again = await TestCli.RunAsync(d, "run", "-d", "--cidfile", cid, "busybox");
            Assert.Equal(125, again.Code);
            Assert.Contains("container ID file found, make sure the other container isn't running or delete " + cid, again.Err);
            Assert.Single(d.Requests, q => q.Path.EndsWith("/create"));
        }
        finally
        {
            File.Delete(cid);
        }
    }

    [Fact]
    public async Task Create_prints_the_id_and_warnings()
    {
        await using var d = new Routes()
            .On("POST", "/containers/create", FakeResponse.Json($"{{\"Id\":\"{Id}\",\"Warnings\":[\"swap limit ignored\"]}}", 201)).Start();
        var r = await TestCli.RunAsync(d, "create", "--memory-swap", "1g", "-m", "512m", "busybox");
        Assert.Equal(0, r.Code);
        Assert.Equal(Id + "\n", r.Out);
        Assert.Equal("WARNING: swap limit ignored\n", r.Err);
        var bad = await TestCli.RunAsync(d, "create", "--cpus", "x", "busybox");
        Assert.Equal(125, bad.Code);
    }

    [Fact]
    public async Task Use_api_socket_binds_the_daemon_socket()
    {
        await using var d = Routes.Container().Start();
        var r = await TestCli.RunAsync(d, "create", "--use-api-socket", "busybox");
        Assert.Equal(0, r.Code);
        using var body = JsonDocument.Parse(d.Requests.First(q => q.Path.EndsWith("/create")).Body);
        var mount = body.RootElement.GetProperty("HostConfig").GetProperty("Mounts")[0];
        Assert.Equal("bind", mount.GetProperty("Type").GetString());
        Assert.Equal(d.SocketPath, mount.GetProperty("Source").GetString());
        Assert.Equal("/var/run/docker.sock", mount.GetProperty("Target").GetString());
    }

    [Fact]
    public async Task Start_attached_streams_and_returns_the_status()
    {
        await using var d = Routes.Container(exitCode: 2)
            .On("POST", $"/containers/{Id}/attach", FakeResponse.Upgrade(false, s => s.WriteAsync(Routes.Frame(1, "hi\n")).AsTask())).Start();
        var r = await TestCli.RunAsync(d, "start", "-a", Id);
        Assert.Equal(2, r.Code);
        Assert.Equal("hi\n", r.Out);
        var plain = await TestCli.RunAsync(d, "start", Id, Id);
        Assert.Equal($"{Id}\n{Id}\n", plain.Out);
        var two = await TestCli.RunAsync(d, "start", "-a", "a", "b");
        Assert.Equal("you cannot start and attach multiple containers at once\n", two.Err);
    }

    [Fact]
    public async Task Attach_refuses_stopped_containers_and_streams_running_ones()
    {
        await using var d = Routes.Container(exitCode: 4)
            .On("GET", "/containers/stopped/json", FakeResponse.Json("{\"Id\":\"s\",\"State\":{\"Running\":false},\"Config\":{}}"))
            .On("POST", "/containers/stopped/wait", FakeResponse.Json("{\"StatusCode\":0}"))
            .On("POST", $"/containers/{Id}/attach", FakeResponse.Upgrade(false, s => s.WriteAsync(Routes.Frame(2, "log\n")).AsTask())).Start();
        var stopped = await TestCli.RunAsync(d, "attach", "stopped");
        Assert.Equal(1, stopped.Code);
        Assert.Equal("You cannot attach to a stopped container, start it first\n", stopped.Err);
        var r = await TestCli.RunAsync(d, ["attach", "--no-stdin", Id], new MemoryStream());
        Assert.Equal(4, r.Code);
        Assert.Equal("log\n", r.Err);
    }

    [Fact]
    public async Task Exec_creates_starts_attached_and_returns_the_exit_code()
    {
        await using var d = Routes.Container()
            .On("POST", $"/containers/{Id}/exec", FakeResponse.Json("{\"Id\":\"e1\"}", 201))
            .On("POST", "/exec/e1/start", req => req.Headers.ContainsKey("Upgrade")
                ? FakeResponse.Upgrade(false, s => s.WriteAsync(Routes.Frame(1, "ran\n")).AsTask())
                : new FakeResponse(200))
            .On("GET", "/exec/e1/json", FakeResponse.Json("{\"ID\":\"e1\",\"Running\":false,\"ExitCode\":5}")).Start();
        var r = await TestCli.RunAsync(d, "exec", "-e", "A=b", "-w", "/tmp", "-u", "nobody", "--privileged", Id, "sh", "-c", "exit 5");
        Assert.Equal(5, r.Code);
        Assert.Equal("ran\n", r.Out);
        using (var create = JsonDocument.Parse(d.Requests.First(q => q.Path.EndsWith("/exec")).Body))
        {
            var b = create.RootElement;
            Assert.Equal("[\"sh\",\"-c\",\"exit 5\"]", b.GetProperty("Cmd").GetRawText());
            Assert.Equal("[\"A=b\"]", b.GetProperty("Env").GetRawText());
            Assert.Equal("/tmp", b.GetProperty("WorkingDir").GetString());
            Assert.Equal("nobody", b.GetProperty("User").GetString());
            Assert.True(b.GetProperty("Privileged").GetBoolean());
            Assert.False(b.GetProperty("AttachStdin").GetBoolean());
            Assert.True(b.GetProperty("AttachStdout").GetBoolean());
        }
        using (var start = JsonDocument.Parse(d.Requests.First(q => q.Path.EndsWith("/start") && q.Path.Contains("/exec/")).Body))
            Assert.False(start.RootElement.GetProperty("Detach").GetBoolean());

        var detached = await TestCli.RunAsync(d, "exec", "-d", Id, "sleep", "1");
        Assert.Equal(0, detached.Code);
        using (var start = JsonDocument.Parse(d.Requests.Last(q => q.Path.EndsWith("/exec/e1/start")).Body))
            Assert.True(start.RootElement.GetProperty("Detach").GetBoolean());
    }

    [Fact]
    public async Task Exec_of_an_unknown_container_fails_before_creating()
    {
        await using var d = new Routes().On("GET", "/containers/nope/json", FakeResponse.Error(404, "No such container: nope")).Start();
        var r = await TestCli.RunAsync(d, "exec", "nope", "true");
        Assert.Equal(1, r.Code);
        Assert.Equal("Error response from daemon: No such container: nope\n", r.Err);
        Assert.DoesNotContain(d.Requests, q => q.Path.EndsWith("/exec"));
    }

    /// <summary>Input that arrives a byte at a time after a pause, like keys typed at a terminal, then stays open.</summary>
    sealed class SlowInput(byte[] keys) : Stream
    {
        int _pos;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            if (_pos >= keys.Length)
            {
                await Task.Delay(Timeout.Infinite, ct);
                return 0;
            }
            await Task.Delay(50, ct);
            buffer.Span[0] = keys[_pos++];
            return 1;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
