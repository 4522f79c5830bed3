using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Wharf.IntegrationTests.Infrastructure;

namespace Wharf.IntegrationTests;

/// <summary>
/// The registry client through the real docker CLI against Debian's docker-registry (distribution 2.8.2) on
/// loopback: tag, push, rmi, pull back, run; htpasswd auth with login and logout; TLS with a self-signed
/// certificate; an index with several platforms; and the bad input a user meets.
/// </summary>
public sealed partial class DockerCliRegistryTests(DaemonFixture fx) : IClassFixture<DaemonFixture>
{
    private WharfDaemon D => fx.Daemon;

    private async Task<string> Ok(params string[] args)
    {
        var r = await D.DockerAsync(args);
        Assert.True(r.ExitCode == 0, $"docker {string.Join(' ', args)} failed: {r}\n{D.Log}");
        return r.Stdout;
    }

    [GeneratedRegex(@"(?m)^(\S+): digest: (sha256:[0-9a-f]{64}) size: (\d+)$")]
    private static partial Regex PushedLine();

    [Fact]
    public async Task Tag_push_rmi_pull_back_and_run()
    {
        await using var reg = await LocalRegistry.StartAsync();
        var name = $"{reg.Host}/rt/busybox:1";
        await Ok("tag", "busybox:latest", name);
        var push = await Ok("push", name);
        Assert.Contains($"The push refers to repository [{reg.Host}/rt/busybox]", push);
        var m = PushedLine().Match(push);
        Assert.True(m.Success, push);
        Assert.Equal("1", m.Groups[1].Value);
        var digest = m.Groups[2].Value;
        Assert.True(reg.HasTag("rt/busybox", "1"));
        var id = (await Ok("image", "inspect", "--format", "{{.Id}}", name)).Trim();
        Assert.Contains($"{reg.Host}/rt/busybox@{digest}", await Ok("image", "inspect", "--format", "{{json .RepoDigests}}", name));

        // A second push finds every blob already there.
        var again = await Ok("push", name);
        Assert.Contains("Layer already exists", again);
        Assert.Contains($"1: digest: {digest}", again);

        await Ok("rmi", name);
        var pull = await Ok("pull", name);
        Assert.Contains("Pulling from rt/busybox", pull);
        Assert.Contains("Digest: " + digest, pull);
        Assert.Contains($"Status: Downloaded newer image for {name}", pull);
        Assert.Equal(id, (await Ok("image", "inspect", "--format", "{{.Id}}", name)).Trim());
        Assert.Contains($"{reg.Host}/rt/busybox@{digest}", await Ok("image", "inspect", "--format", "{{json .RepoDigests}}", name));
        Assert.Contains("Image is up to date", await Ok("pull", name));

        Assert.Equal("hello from the registry", (await Ok("run", "--rm", name, "echo", "hello from the registry")).Trim());
        Assert.Equal("by digest", (await Ok("run", "--rm", $"{reg.Host}/rt/busybox@{digest}", "echo", "by digest")).Trim());
        await Ok("rmi", name);
    }

    [Theory]
    [InlineData("gzip", "gzip", "application/vnd.docker.image.rootfs.diff.tar.gzip")]
    [InlineData("zstd", "zstd", "application/vnd.oci.image.layer.v1.tar+zstd")]
    public async Task Gzip_and_zstd_layers_go_up_and_come_back_compressed(string tool, string tag, string mediaType)
    {
        await using var reg = await LocalRegistry.StartAsync();
        var compressed = Path.Combine(Path.GetTempPath(), $"wharf-reg-rootfs-{Guid.NewGuid():N}.{tool}");
        try
        {
            var c = await ProcessRunner.RunAsync("sh", ["-c", $"{tool} -c < {TestImages.BusyboxRootfs} > {compressed}"]);
            Assert.True(c.ExitCode == 0, c.ToString());
            var name = $"{reg.Host}/comp/busybox:{tag}";
            await Ok("import", compressed, name);
            var digest = PushedLine().Match(await Ok("push", name)).Groups[2].Value;
            using var http = new HttpClient();
            var req = new HttpRequestMessage(HttpMethod.Get, $"http://{reg.Host}/v2/comp/busybox/manifests/{digest}");
            req.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
            var manifest = await (await http.SendAsync(req)).Content.ReadAsStringAsync();
            Assert.Contains(mediaType, manifest);
            await Ok("rmi", name);
            Assert.Contains("Downloaded newer image", await Ok("pull", name));
            Assert.Equal(tool, (await Ok("run", "--rm", name, "echo", tool)).Trim());
            await Ok("rmi", name);
        }
        finally
        {
            File.Delete(compressed);
        }
    }

    [Fact]
    public async Task Run_pulls_a_missing_image_and_honours_pull_never_and_always()
    {
        await using var reg = await LocalRegistry.StartAsync();
        var name = $"{reg.Host}/run/busybox:latest";
        await Ok("tag", "busybox:latest", name);
        await Ok("push", name);
        await Ok("rmi", name);

        var never = await D.DockerAsync("run", "--rm", "--pull", "never", name, "true");
        Assert.NotEqual(0, never.ExitCode);
        Assert.Contains("No such image", never.Stderr);

        var run = await D.DockerAsync("run", "--rm", name, "echo", "pulled");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"Unable to find image '{name}' locally", run.Stderr);
        Assert.Equal("pulled", run.Stdout.Trim());

        var always = await D.DockerAsync("create", "--pull", "always", name, "true");
        Assert.True(always.ExitCode == 0, always.ToString());
        Assert.Contains("Image is up to date", always.Stderr);
        await Ok("rm", always.Stdout.Trim());
        await Ok("rmi", name);
    }

    [Fact]
    public async Task Htpasswd_registry_push_needs_login_and_logout_forgets()
    {
        await using var reg = await LocalRegistry.StartAsync(auth: true);
        var name = $"{reg.Host}/private/busybox:1";
        await Ok("tag", "busybox:latest", name);

        var denied = await D.DockerAsync("push", name);
        Assert.NotEqual(0, denied.ExitCode);
        Assert.Contains("no basic auth credentials", denied.Stdout + denied.Stderr);
        Assert.False(reg.HasTag("private/busybox", "1"));

        var wrong = await D.DockerAsync(["login", "-u", reg.User!, "--password-stdin", reg.Host], new MemoryStream("wrong-password\n"u8.ToArray()));
        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Contains("401 Unauthorized", wrong.Stderr);
        Assert.False(File.Exists(Path.Combine(D.DockerConfig, "config.json")) &&
            File.ReadAllText(Path.Combine(D.DockerConfig, "config.json")).Contains(reg.Host), "a failed login stored credentials");

        var login = await D.DockerAsync(["login", "-u", reg.User!, "--password-stdin", reg.Host], new MemoryStream(Encoding.UTF8.GetBytes(reg.Password + "\n")));
        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Contains("Login Succeeded", login.Stdout);
        Assert.Contains("1: digest: sha256:", await Ok("push", name));
        Assert.True(reg.HasTag("private/busybox", "1"));
        await Ok("rmi", name);
        Assert.Contains("Downloaded newer image", await Ok("pull", name));

        Assert.Contains("Removing login credentials", await Ok("logout", reg.Host));
        await Ok("rmi", name);
        var forgotten = await D.DockerAsync("pull", name);
        Assert.NotEqual(0, forgotten.ExitCode);
        Assert.Contains("no basic auth credentials", forgotten.Stderr);
    }

    [Fact]
    public async Task Tls_registry_with_a_self_signed_certificate_on_loopback()
    {
        await using var reg = await LocalRegistry.StartAsync(auth: true, tls: true);
        var name = $"{reg.Host}/tls/busybox:1";
        await Ok("tag", "busybox:latest", name);
        var login = await D.DockerAsync(["login", "-u", reg.User!, "--password-stdin", reg.Host], new MemoryStream(Encoding.UTF8.GetBytes(reg.Password!)));
        Assert.True(login.ExitCode == 0, login.ToString());
        await Ok("push", name);
        Assert.True(reg.HasTag("tls/busybox", "1"));
        await Ok("rmi", name);
        Assert.Contains("Downloaded newer image", await Ok("pull", name));
        await Ok("rmi", name);
        await Ok("logout", reg.Host);
    }

    [Fact]
    public async Task Index_pull_takes_the_host_platform_or_the_one_asked_for()
    {
        await using var reg = await LocalRegistry.StartAsync();
        var repo = $"{reg.Host}/multi/app";
        await Ok("tag", "busybox:latest", repo + ":amd");
        var other = (await Ok("import", "-c", "LABEL flavour=arm", TestImages.BusyboxRootfs, repo + ":arm")).Trim();
        var amdId = (await Ok("image", "inspect", "--format", "{{.Id}}", repo + ":amd")).Trim();
        var pushedAmd = PushedLine().Match(await Ok("push", repo + ":amd"));
        var pushedArm = PushedLine().Match(await Ok("push", repo + ":arm"));
        var index = $$$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
              {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{pushedArm.Groups[2].Value}}}","size":{{{pushedArm.Groups[3].Value}}},"platform":{"os":"linux","architecture":"arm64"}},
              {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{pushedAmd.Groups[2].Value}}}","size":{{{pushedAmd.Groups[3].Value}}},"platform":{"os":"linux","architecture":"amd64"}}]}
            """;
        using var http = new HttpClient();
        var content = new StringContent(index);
        content.Headers.ContentType = new("application/vnd.oci.image.index.v1+json");
        var put = await http.PutAsync($"http://{reg.Host}/v2/multi/app/manifests/multi", content);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);

        await Ok("rmi", repo + ":amd", repo + ":arm");
        await Ok("pull", repo + ":multi");
        Assert.Equal(amdId, (await Ok("image", "inspect", "--format", "{{.Id}}", repo + ":multi")).Trim());
        await Ok("pull", "--platform", "linux/arm64", repo + ":multi");
        Assert.Equal(other, (await Ok("image", "inspect", "--format", "{{.Id}}", repo + ":multi")).Trim());
        var none = await D.DockerAsync("pull", "--platform", "linux/s390x", repo + ":multi");
        Assert.NotEqual(0, none.ExitCode);
        Assert.Contains("no matching manifest for linux/s390x", none.Stderr);
        // busybox:latest (the amd64 entry) stays for the other tests.
        await D.DockerAsync("rmi", "-f", other);
    }

    [Fact]
    public async Task Missing_image_and_unreachable_registry_fail_clearly_and_quickly()
    {
        await using var reg = await LocalRegistry.StartAsync();
        var missing = await D.DockerAsync("pull", $"{reg.Host}/nothing/here:1");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains($"manifest for {reg.Host}/nothing/here:1 not found", missing.Stderr);

        var port = TestPorts.Free();
        var sw = Stopwatch.StartNew();
        var down = await D.DockerAsync("pull", $"127.0.0.1:{port}/app:1");
        sw.Stop();
        Assert.NotEqual(0, down.ExitCode);
        Assert.Contains("connection refused", down.Stderr);
        Assert.Single(down.Stderr.Trim().Split('\n'));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"took {sw.Elapsed}");

        var push = await D.DockerAsync("push", "busybox:nosuchtag");
        Assert.NotEqual(0, push.ExitCode);
        Assert.Contains("An image does not exist locally with the tag: busybox", push.Stderr);
    }

    [Theory]
    [InlineData("127.0.0.1:5000/a/../b", "1")]
    [InlineData("127.0.0.1:5000/Upper", "1")]
    [InlineData("127.0.0.1:5000/ok", "bad:tag")]
    public async Task Bad_names_are_400s_over_the_api(string fromImage, string tag)
    {
        using var http = D.CreateHttpClient();
        var res = await http.PostAsync($"/v1.47/images/create?fromImage={Uri.EscapeDataString(fromImage)}&tag={Uri.EscapeDataString(tag)}", null);
        Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
        using var doc = JsonDocument.Parse(await res.Content.ReadAsStringAsync());
        Assert.StartsWith("invalid reference format", doc.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Push_of_an_upper_case_name_is_a_400()
    {
        using var http = D.CreateHttpClient();
        var push = await http.PostAsync("/v1.47/images/127.0.0.1:5000/Upper/push?tag=1", null);
        Assert.Equal(HttpStatusCode.BadRequest, push.StatusCode);
        Assert.Contains("must be lowercase", await push.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Wrong_password_over_the_api_is_a_401()
    {
        await using var reg = await LocalRegistry.StartAsync(auth: true);
        using var http = D.CreateHttpClient();
        var body = new StringContent($"{{\"username\":\"alice\",\"password\":\"nope\",\"serveraddress\":\"{reg.Host}\"}}", Encoding.UTF8, "application/json");
        var res = await http.PostAsync("/v1.47/auth", body);
        Assert.Equal(HttpStatusCode.Unauthorized, res.StatusCode);
        var ok = new StringContent($"{{\"username\":\"alice\",\"password\":\"{reg.Password}\",\"serveraddress\":\"{reg.Host}\"}}", Encoding.UTF8, "application/json");
        var good = await http.PostAsync("/v1.47/auth", ok);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Contains("Login Succeeded", await good.Content.ReadAsStringAsync());
    }
}
