using System.Net.Http;
using System.Text;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Images;
using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>Testcontainers for .NET, as our users run it in their own test suites, against wharfd.</summary>
public sealed class TestcontainersTests(DaemonFixture fx) : IClassFixture<DaemonFixture>
{
    static TestcontainersTests()
    {
        // No reaper container (it would need an image from a registry); each test disposes its own.
        Environment.SetEnvironmentVariable("TESTCONTAINERS_RYUK_DISABLED", "true");
        TestcontainersSettings.ResourceReaperEnabled = false;
    }

    [Fact]
    public async Task A_container_with_a_port_binding_a_wait_strategy_exec_and_file_copy()
    {
        await using var container = new ContainerBuilder("busybox:latest")
            .WithDockerEndpoint(fx.Daemon.Host)
            .WithImagePullPolicy(PullPolicy.Missing)
            .WithName("tc-httpd")
            .WithEntrypoint("sh", "-c")
            .WithCommand("mkdir -p /www && echo hello from wharf > /www/index.html && exec httpd -f -p 80 -h /www")
            .WithPortBinding(80, assignRandomHostPort: true)
            .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(r => r.ForPort(80).ForPath("/index.html")))
            .Build();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await container.StartAsync(cts.Token);

        var port = container.GetMappedPublicPort(80);
        Assert.NotEqual(80, port);
        using var http = new HttpClient();
        Assert.Equal("hello from wharf\n", await http.GetStringAsync($"http://127.0.0.1:{port}/index.html", cts.Token));

        var exec = await container.ExecAsync(["sh", "-c", "echo $((6*7)); echo oops >&2; exit 4"], cts.Token);
        Assert.Equal(4, exec.ExitCode);
        Assert.Equal("42\n", exec.Stdout);
        Assert.Equal("oops\n", exec.Stderr);

        await container.CopyAsync(Encoding.UTF8.GetBytes("copied in\n"), "/tmp/note.txt", ct: cts.Token);
        Assert.Equal("copied in\n", (await container.ExecAsync(["cat", "/tmp/note.txt"], cts.Token)).Stdout);
        Assert.Equal("copied in\n", Encoding.UTF8.GetString(await container.ReadFileAsync("/tmp/note.txt", cts.Token)));

        await container.StopAsync(cts.Token);
        await container.DisposeAsync();
        var ps = await fx.Daemon.DockerAsync("ps", "-aq", "--filter", "name=tc-httpd");
        Assert.Equal("", ps.Stdout.Trim());
    }
}
