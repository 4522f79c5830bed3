using System.Net.Sockets;
using System.Text;
using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>Terminals through the real docker CLI under a pty (`script`): first bytes, attach, detach keys.</summary>
public sealed class DockerCliTerminalTests(DaemonFixture fx) : IClassFixture<DaemonFixture>
{
    private WharfDaemon D => fx.Daemon;

    private const byte CtrlP = 0x10, CtrlQ = 0x11, CtrlX = 0x18;

    /// <summary>Runs <paramref name="command"/> under `script`, typing as the steps say.</summary>
    private Task<ProcessResult> UnderTerminalAsync(string command, OutputWatch watch, ScriptedInput input) =>
        ProcessRunner.RunAsync("script", ["-qec", command, "/dev/null"], D.Env(), input, TimeSpan.FromSeconds(90), watch);

    private static (Func<Task>, byte[]) Type(string text) => (() => Task.CompletedTask, Encoding.ASCII.GetBytes(text));

    private static (Func<Task>, byte[]) After(OutputWatch watch, string seen, params byte[] keys) => (() => watch.WaitForAsync(seen), keys);

    private async Task<string> StatusAsync(string name) =>
        (await D.DockerAsync("inspect", "-f", "{{.State.Status}}", name)).Stdout.Trim();

    [Fact]
    public async Task A_tty_container_writes_nothing_before_its_output()
    {
        var piped = await D.DockerAsync("run", "--rm", "-t", "busybox", "echo", "hi");
        Assert.Equal(0, piped.ExitCode);
        Assert.Equal("hi\r\n", piped.Stdout);

        Assert.Equal(0, (await D.DockerAsync("run", "-t", "--name", "tty-logs", "busybox", "echo", "hello")).ExitCode);
        try
        {
            Assert.Equal("hello\r\n", (await D.DockerAsync("logs", "tty-logs")).Stdout);
        }
        finally { await D.DockerAsync("rm", "tty-logs"); }

        // Under a terminal, with the keyboard left alone (its end would reach the container as ^D).
        var watch = new OutputWatch();
        // The keyboard stays open a while after the output, so its end does not race the CLI's own exit.
        var r = await UnderTerminalAsync("docker run --rm -it busybox echo hi", watch, new ScriptedInput([], async () =>
        {
            await watch.WaitForAsync("hi\r");
            await Task.Delay(2000);
        }));
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("hi\r", watch.Text);
    }

    [Fact]
    public async Task Attach_to_a_running_shell_types_into_it_and_detaches_with_the_keys()
    {
        Assert.Equal(0, (await D.DockerAsync("run", "-dit", "--name", "tty-attach", "busybox", "sh")).ExitCode);
        try
        {
            var watch = new OutputWatch();
            var input = new ScriptedInput([Type("echo in-$((6*7))\n"), After(watch, "in-42", CtrlP, CtrlQ)], () => watch.WaitForAsync("escape sequence"));
            var r = await UnderTerminalAsync("docker attach tty-attach", watch, input);
            Assert.Contains("in-42", watch.Text);
            // The docker CLI ends `attach` on the detach keys with this line and status 1 (Docker does the same).
            Assert.Contains("read escape sequence", watch.Text);
            Assert.Equal(1, r.ExitCode);
            Assert.Equal("running", await StatusAsync("tty-attach"));

            // Custom keys: Ctrl-P Ctrl-Q reach the shell like any other keys, Ctrl-X detaches.
            watch = new OutputWatch();
            input = new ScriptedInput([Type("echo again-$((2*3))\n"), After(watch, "again-6", CtrlX)], () => watch.WaitForAsync("escape sequence"));
            r = await UnderTerminalAsync("docker attach --detach-keys ctrl-x tty-attach", watch, input);
            Assert.Contains("again-6", watch.Text);
            Assert.Contains("read escape sequence", watch.Text);
            Assert.Equal("running", await StatusAsync("tty-attach"));
        }
        finally { await D.DockerAsync("rm", "-f", "tty-attach"); }
    }

    [Fact]
    public async Task An_exec_client_that_sends_its_detach_keys_is_let_go_at_once()
    {
        Assert.Equal(0, (await D.DockerAsync("run", "-d", "--name", "tty-exec-detach", "busybox", "sleep", "600")).ExitCode);
        try
        {
            using var http = D.CreateHttpClient();
            var create = await http.PostAsync("/containers/tty-exec-detach/exec", new StringContent(
                "{\"Cmd\":[\"sh\"],\"Tty\":true,\"AttachStdin\":true,\"AttachStdout\":true,\"DetachKeys\":\"ctrl-x\"}", Encoding.UTF8, "application/json"));
            var execId = System.Text.Json.JsonDocument.Parse(await create.Content.ReadAsStringAsync()).RootElement.GetProperty("Id").GetString();
            using var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await s.ConnectAsync(new UnixDomainSocketEndPoint(D.SocketPath));
            const string body = "{\"Tty\":true}";
            await s.SendAsync(Encoding.ASCII.GetBytes(
                $"POST /exec/{execId}/start HTTP/1.1\r\nHost: wharf\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n{body}"));
            Assert.StartsWith("HTTP/1.1 101", await ReadUntilAsync(s, "\r\n\r\n"));
            await s.SendAsync(Encoding.ASCII.GetBytes("echo ex-$((6*7))\n"));
            await ReadUntilAsync(s, "ex-42\r\n");
            var detached = DateTime.UtcNow;
            await s.SendAsync(new[] { CtrlX });
            // The daemon ends the stream now, though the shell runs on (it never exits here).
            await ReadUntilAsync(s, null);
            Assert.True(DateTime.UtcNow - detached < TimeSpan.FromSeconds(5), $"the stream ended {DateTime.UtcNow - detached} after the keys");
            var exec = await http.GetStringAsync($"/exec/{execId}/json");
            Assert.Contains("\"Running\":true", exec);
        }
        finally { await D.DockerAsync("rm", "-f", "tty-exec-detach"); }
    }

    [Fact]
    public async Task Run_interactive_detaches_with_default_and_custom_keys()
    {
        try
        {
            var watch = new OutputWatch();
            var input = new ScriptedInput([Type("echo one-$((1+1))\n"), After(watch, "one-2", CtrlP, CtrlQ)], () => Task.Delay(TimeSpan.FromSeconds(5)));
            var r = await UnderTerminalAsync("docker run -it --name tty-run busybox sh", watch, input);
            Assert.Equal(0, r.ExitCode);
            Assert.Contains("one-2", watch.Text);
            Assert.Equal("running", await StatusAsync("tty-run"));

            watch = new OutputWatch();
            input = new ScriptedInput([Type("echo two-$((1+2))\n"), After(watch, "two-3", CtrlX)], () => Task.Delay(TimeSpan.FromSeconds(5)));
            r = await UnderTerminalAsync("docker run -it --name tty-runx --detach-keys ctrl-x busybox sh", watch, input);
            Assert.Equal(0, r.ExitCode);
            Assert.Contains("two-3", watch.Text);
            Assert.Equal("running", await StatusAsync("tty-runx"));
        }
        finally { await D.DockerAsync("rm", "-f", "tty-run", "tty-runx"); }
    }

    [Fact]
    public async Task The_daemon_detaches_an_api_client_that_sends_its_detach_keys()
    {
        Assert.Equal(0, (await D.DockerAsync("run", "-dit", "--name", "tty-api", "busybox", "sh")).ExitCode);
        try
        {
            var since = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;
            using var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await s.ConnectAsync(new UnixDomainSocketEndPoint(D.SocketPath));
            await s.SendAsync(Encoding.ASCII.GetBytes(
                "POST /containers/tty-api/attach?stream=1&stdin=1&stdout=1&stderr=1&detachKeys=ctrl-x HTTP/1.1\r\nHost: wharf\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n"));
            var head = await ReadUntilAsync(s, "\r\n\r\n");
            Assert.StartsWith("HTTP/1.1 101", head);
            using var http = D.CreateHttpClient();
            Assert.True((await http.PostAsync("/containers/tty-api/resize?h=10&w=20", null)).IsSuccessStatusCode);
            await s.SendAsync(Encoding.ASCII.GetBytes("stty size; echo api-$((3*3))\n"));
            var answer = await ReadUntilAsync(s, "api-9\r\n");
            Assert.Contains("10 20\r\napi-9", answer);
            await s.SendAsync(new[] { CtrlX });
            // The daemon closes the stream; the container keeps running.
            var rest = await ReadUntilAsync(s, null);
            Assert.DoesNotContain("\u0018", rest);
            Assert.Equal("running", await StatusAsync("tty-api"));
            var events = await D.DockerAsync("events", "--since", since.ToString(), "--until", (DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1).ToString(),
                "--filter", "container=tty-api", "--filter", "event=attach", "--filter", "event=resize", "--filter", "event=detach",
                "--format", "{{.Action}} {{index .Actor.Attributes \"height\"}} {{index .Actor.Attributes \"width\"}}");
            Assert.Equal("attach  \nresize 10 20\ndetach  \n", events.Stdout);
        }
        finally { await D.DockerAsync("rm", "-f", "tty-api"); }
    }

    /// <summary>Reads until <paramref name="marker"/> appears (or the peer closes, when null); 20 s at most.</summary>
    private static async Task<string> ReadUntilAsync(Socket s, string? marker)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var text = new StringBuilder();
        var buf = new byte[4096];
        while (marker is null || !text.ToString().Contains(marker, StringComparison.Ordinal))
        {
            var n = await s.ReceiveAsync(buf, SocketFlags.None, cts.Token);
            if (n == 0) break;
            text.Append(Encoding.UTF8.GetString(buf, 0, n));
        }
        return text.ToString();
    }
}
