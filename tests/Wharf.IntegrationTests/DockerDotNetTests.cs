using Docker.DotNet;
using Docker.DotNet.Models;
using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>An SDK written for Docker (Docker.DotNet, in its maintained form that Testcontainers uses) works against Wharf unchanged.</summary>
public sealed class DockerDotNetTests(DaemonFixture fx) : IClassFixture<DaemonFixture>
{
    private DockerClient Client() => new DockerClientBuilder().WithEndpoint(new Uri(fx.Daemon.Host)).Build();

    [Fact]
    public async Task Version_and_info()
    {
        using var c = Client();
        var v = await c.System.GetVersionAsync();
        Assert.Equal("0.1.0", v.Version);
        Assert.Equal("1.47", v.APIVersion);
        var info = await c.System.GetSystemInfoAsync();
        Assert.Equal(fx.Daemon.DataRoot, info.DockerRootDir);
        Assert.True(info.Images >= 1);
        Assert.Equal("inactive", info.Swarm.LocalNodeState.ToString().ToLowerInvariant());
    }

    [Fact]
    public async Task Images_list_inspect_tag_history_delete()
    {
        using var c = Client();
        var list = await c.Images.ListImagesAsync(new ImagesListParameters { Filters = new Dictionary<string, IDictionary<string, bool>> { ["reference"] = new Dictionary<string, bool> { ["busybox"] = true } } });
        var busybox = Assert.Single(list);
        Assert.Contains("busybox:latest", busybox.RepoTags);
        Assert.InRange(busybox.Size, 1_900_000, 2_100_000);
        await c.Images.TagImageAsync("busybox", new ImageTagParameters { RepositoryName = "sdk/tagged", Tag = "7" });
        var inspect = await c.Images.InspectImageAsync("sdk/tagged:7");
        Assert.Equal(busybox.ID, inspect.ID);
        Assert.Equal(["sh"], inspect.Config!.Cmd);
        Assert.Equal("linux", inspect.Os);
        var history = await c.Images.GetImageHistoryAsync("sdk/tagged:7");
        Assert.NotEmpty(history);
        var deleted = await c.Images.DeleteImageAsync("sdk/tagged:7", new ImageDeleteParameters());
        Assert.Equal("sdk/tagged:7", deleted.Single()["Untagged"]);
        var e = await Assert.ThrowsAsync<DockerImageNotFoundException>(() => c.Images.InspectImageAsync("sdk/none:1"));
        Assert.Contains("No such image", e.Message);
    }

    [Fact]
    public async Task Events_stream_through_the_sdk()
    {
        using var c = Client();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var got = new TaskCompletionSource<Message>();
        // Since a moment ago, so the tag is seen even if the subscription is made after it; only this tag counts.
        var since = (DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var monitor = c.System.MonitorEventsAsync(
            new ContainerEventsParameters { Since = since, Filters = new Dictionary<string, IDictionary<string, bool>> { ["event"] = new Dictionary<string, bool> { ["tag"] = true } } },
            new Progress<Message>(m => { if (m.Actor?.Attributes is { } a && a.TryGetValue("name", out var n) && n == "sdk/event:1") got.TrySetResult(m); }), cts.Token);
        await c.Images.TagImageAsync("busybox", new ImageTagParameters { RepositoryName = "sdk/event", Tag = "1" });
        var msg = await got.Task.WaitAsync(cts.Token);
        Assert.Equal("tag", msg.Action);
        Assert.Equal("sdk/event:1", msg.Actor.Attributes["name"]);
        cts.Cancel();
        try { await monitor; } catch (OperationCanceledException) { }
    }

    [Fact]
    public async Task Containers_create_start_inspect_logs_wait_and_remove()
    {
        using var c = Client();
        var created = await c.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = "busybox",
            Name = "sdk-c1",
            Cmd = ["sh", "-c", "echo out-line; echo err-line >&2; exit 3"],
            Env = ["GREETING=hi"],
            Labels = new Dictionary<string, string> { ["sdk"] = "yes" },
        });
        Assert.Matches("^[0-9a-f]{64}$", created.ID);
        Assert.True(await c.Containers.StartContainerAsync(created.ID, new ContainerStartParameters()));
        var waited = await c.Containers.WaitContainerAsync(created.ID);
        Assert.Equal(3, waited.StatusCode);
        var inspect = await c.Containers.InspectContainerAsync("sdk-c1");
        Assert.Equal("/sdk-c1", inspect.Name);
        Assert.Equal("exited", inspect.State!.Status);
        Assert.Equal(3, inspect.State.ExitCode);
        Assert.Contains("GREETING=hi", inspect.Config!.Env);
        Assert.Equal("yes", inspect.Config.Labels["sdk"]);
        using (var logs = await c.Containers.GetContainerLogsAsync(created.ID,
                   new ContainerLogsParameters { ShowStdout = true, ShowStderr = true }, CancellationToken.None))
        {
            var (stdout, stderr) = await logs.ReadOutputToEndAsync(CancellationToken.None);
            Assert.Equal("out-line\n", stdout);
            Assert.Equal("err-line\n", stderr);
        }
        var listed = await c.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { ["sdk=yes"] = true } },
        });
        Assert.Equal(created.ID, Assert.Single(listed).ID);
        await c.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters());
        await Assert.ThrowsAsync<DockerContainerNotFoundException>(() => c.Containers.InspectContainerAsync(created.ID));
    }
}
