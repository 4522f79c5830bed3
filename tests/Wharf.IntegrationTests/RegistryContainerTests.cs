using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>
/// The registry server as users run registry:2: a container from a Wharf image that carries the wharf binary
/// and the libraries `ldd` lists, published with -p and reached from the host by skopeo and curl.
/// </summary>
public sealed class RegistryContainerTests : IAsyncLifetime
{
    WharfDaemon _d = null!;
    string _dir = null!;

    public async Task InitializeAsync()
    {
        _d = await WharfDaemon.StartNewAsync(withBusybox: false);
        _dir = Path.Combine(_d.Root, "registry-image");
        Directory.CreateDirectory(_dir);
    }

    public async Task DisposeAsync() => await _d.DisposeAsync();

    async Task<string> Ok(params string[] args)
    {
        var r = await _d.WharfAsync(args);
        Assert.True(r.ExitCode == 0, $"wharf {string.Join(' ', args)} failed: {r}\n{_d.Log}");
        return r.Stdout;
    }

    [Fact]
    public async Task The_server_runs_as_a_container_and_serves_pushes_through_a_published_port()
    {
        var rootfs = Path.Combine(_dir, "rootfs.tar");
        var made = await ProcessRunner.RunAsync("bash", [Path.Combine(Repo.Root, "scripts", "make-registry-image.sh"), Repo.Wharf, rootfs]);
        Assert.True(made.ExitCode == 0, made.ToString());
        await Ok("import", "-c", "ENTRYPOINT [\"/usr/local/bin/wharf\",\"registry\",\"serve\",\"--addr\",\"0.0.0.0:5000\"]",
            "-c", "EXPOSE 5000", rootfs, "wharf-registry:test");

        var port = TestPorts.Free();
        await Ok("run", "-d", "--name", "registry", "-p", $"127.0.0.1:{port}:5000", "wharf-registry:test");
        var body = await TestPorts.CurlAsync($"http://127.0.0.1:{port}/v2/", TimeSpan.FromSeconds(20));
        Assert.True(body == "{}", $"the registry container did not answer: {body}\n{await _d.WharfAsync("logs", "registry")}");

        var image = Path.Combine(_dir, "oci");
        Assert.Equal(0, (await ProcessRunner.RunAsync("bash", [Path.Combine(Repo.Root, "scripts", "make-oci-image.sh"), image, "4", "2"])).ExitCode);
        var push = await ProcessRunner.RunAsync("skopeo", ["copy", "--dest-tls-verify=false", $"oci:{image}:latest", $"docker://127.0.0.1:{port}/in/container:1"]);
        Assert.True(push.ExitCode == 0, push + "\n" + (await _d.WharfAsync("logs", "registry")));
        var back = Path.Combine(_dir, "back");
        var pull = await ProcessRunner.RunAsync("skopeo", ["copy", "--src-tls-verify=false", $"docker://127.0.0.1:{port}/in/container:1", $"oci:{back}:latest"]);
        Assert.True(pull.ExitCode == 0, pull.ToString());
        Assert.Equal(Directory.GetFiles(Path.Combine(image, "blobs", "sha256")).Select(Path.GetFileName).Order(),
            Directory.GetFiles(Path.Combine(back, "blobs", "sha256")).Select(Path.GetFileName).Order());

        var logs = await _d.WharfAsync("logs", "registry");
        Assert.Contains("registry listening on http://0.0.0.0:5000", logs.Stdout + logs.Stderr);
        // The storage is the container's /var/lib/registry, and the collector runs there too.
        Assert.Contains("in/container: marking manifest", await Ok("exec", "registry", "/usr/local/bin/wharf", "registry", "garbage-collect", "--dry-run", "--root", "/var/lib/registry"));
    }
}
