using Wharf.Api.Models;
using Wharf.Engine.Runtime;
using static Wharf.Engine.Tests.Runtime.SpecTestSupport;

namespace Wharf.Engine.Tests.Runtime;

public class CommandAndEnvTests
{
    private static List<string>? L(string? s) => s is null ? null : s.Length == 0 ? [] : s == "<empty>" ? [""] : [.. s.Split(' ')];

    // Docker's "Understand how CMD and ENTRYPOINT interact" table, plus the run-time overrides.
    // Columns: image ENTRYPOINT, image CMD, run --entrypoint, run command, expected args (null: error).
    [Theory]
    [InlineData(null, null, null, null, null)]
    [InlineData(null, "/bin/cmd c1", null, null, "/bin/cmd c1")]
    [InlineData("/bin/ep p1", null, null, null, "/bin/ep p1")]
    [InlineData("/bin/ep p1", "/bin/cmd c1", null, null, "/bin/ep p1 /bin/cmd c1")]
    [InlineData("/bin/sh -c ep", "/bin/cmd c1", null, null, "/bin/sh -c ep /bin/cmd c1")]
    [InlineData("/bin/ep p1", "/bin/cmd c1", null, "echo hi", "/bin/ep p1 echo hi")]
    [InlineData(null, "/bin/cmd c1", null, "echo hi", "echo hi")]
    [InlineData("/bin/ep p1", "/bin/cmd c1", "/bin/other", null, "/bin/other")]
    [InlineData("/bin/ep p1", "/bin/cmd c1", "/bin/other", "x y", "/bin/other x y")]
    [InlineData("/bin/ep p1", "/bin/cmd c1", "<empty>", "echo hi", "echo hi")]
    [InlineData("/bin/ep p1", "/bin/cmd c1", "<empty>", null, null)]
    [InlineData("/bin/ep p1", "/bin/cmd c1", "", null, "/bin/cmd c1")]
    public void EntrypointAndCmdFollowDockersRules(string? imageEp, string? imageCmd, string? runEp, string? runCmd, string? expected)
    {
        var image = new ContainerConfig { Entrypoint = L(imageEp), Cmd = L(imageCmd) };
        var user = new ContainerConfig { Entrypoint = L(runEp), Cmd = L(runCmd) };
        if (expected is null)
        {
            Assert.Equal("no command specified", Assert.Throws<BadRequestException>(() => ContainerDefaults.Merge(user, image)).Message);
            return;
        }
        var merged = ContainerDefaults.Merge(user, image);
        var (path, args) = ContainerDefaults.Command(merged);
        Assert.Equal(expected, string.Join(' ', new[] { path }.Concat(args)));

        using var rootfs = new FakeRootfs();
        var spec = new OciSpecBuilder(new FakeHostLimits(), new FakeHostDevices()).Build(new OciSpecRequest
        {
            ContainerId = Id, Config = user, ImageConfig = image, RootfsPath = rootfs.Path,
        }).Spec;
        Assert.Equal(expected, string.Join(' ', spec.Process!.Args));
    }

    [Fact]
    public void EnvironmentStartsWithPathAndHostnameAndContainerWins()
    {
        var image = new ContainerConfig { Env = ["PATH=/opt/bin:/bin", "A=image", "B=image"], Cmd = ["sh"] };
        var user = new ContainerConfig { Env = ["B=user", "C=user"] };
        using var rootfs = new FakeRootfs();
        var spec = new OciSpecBuilder(new FakeHostLimits(), new FakeHostDevices()).Build(new OciSpecRequest
        {
            ContainerId = Id, Config = user, ImageConfig = image, RootfsPath = rootfs.Path,
        }).Spec;
        Assert.Equal(["PATH=/opt/bin:/bin", "HOSTNAME=0123456789ab", "B=user", "C=user", "A=image"], spec.Process!.Env);
    }

    [Fact]
    public void DefaultPathTermAndRemoval()
    {
        var env = Spec(c => { c.Tty = true; c.Hostname = "web"; c.Env = ["X=1", "HOSTNAME", "TERM=vt100"]; }).Process!.Env;
        Assert.Equal(["PATH=" + ContainerDefaults.DefaultPath, "TERM=vt100", "X=1"], env);
        var plain = Spec().Process!.Env;
        Assert.DoesNotContain(plain, e => e.StartsWith("TERM=", StringComparison.Ordinal));
    }

    [Fact]
    public void CwdHostnameTerminalAndConsoleSize()
    {
        var spec = Spec(c => { c.WorkingDir = "/srv"; c.Hostname = "web"; c.Domainname = "example.com"; c.Tty = true; },
            h => h.ConsoleSize = [40, 120]);
        Assert.Equal("/srv", spec.Process!.Cwd);
        Assert.Equal("web", spec.Hostname);
        Assert.Equal("example.com", spec.Domainname);
        Assert.True(spec.Process.Terminal);
        Assert.Equal(40u, spec.Process.ConsoleSize!.Height);
        Assert.Equal(120u, spec.Process.ConsoleSize.Width);

        var plain = Spec();
        Assert.Equal("/", plain.Process!.Cwd);
        Assert.Equal("0123456789ab", plain.Hostname);
        Assert.False(plain.Process.Terminal);
        Assert.Null(plain.Process.ConsoleSize);
    }

    [Fact]
    public void InitPrependsDockerInitAndMountsIt()
    {
        var tini = Path.GetTempFileName();
        try
        {
            var spec = Spec(c => c.Cmd = ["sleep", "1"], h => h.Init = true, request: r => r with { InitPath = tini });
            Assert.Equal(["/sbin/docker-init", "--", "sleep", "1"], spec.Process!.Args);
            var m = Assert.Single(spec.Mounts, m => m.Destination == "/sbin/docker-init");
            Assert.Equal(tini, m.Source);
            Assert.Equal(["bind", "ro"], m.Options);

            // Not with the host's or another container's pid namespace.
            Assert.Equal(["sleep", "1"], Spec(c => c.Cmd = ["sleep", "1"], h => { h.Init = true; h.PidMode = "host"; },
                request: r => r with { InitPath = tini }).Process!.Args);
        }
        finally
        {
            File.Delete(tini);
        }
    }

    [Fact]
    public void NoNewPrivilegesAndOomScore()
    {
        Assert.True(Spec(host: h => h.SecurityOpt = ["no-new-privileges"]).Process!.NoNewPrivileges);
        Assert.True(Spec(host: h => h.SecurityOpt = ["no-new-privileges=true"]).Process!.NoNewPrivileges);
        Assert.False(Spec(host: h => h.SecurityOpt = ["no-new-privileges:false"]).Process!.NoNewPrivileges);
        Assert.Equal("invalid --security-opt 2: \"no-new-privileges=maybe\"", Error(host: h => h.SecurityOpt = ["no-new-privileges=maybe"]));
        Assert.Equal("invalid --security-opt 1: \"bogus\"", Error(host: h => h.SecurityOpt = ["bogus"]));
        Assert.Equal("invalid --security-opt 2: \"foo=bar\"", Error(host: h => h.SecurityOpt = ["foo=bar"]));
        Assert.Equal(500, Spec(host: h => h.OomScoreAdj = 500).Process!.OomScoreAdj);
        Assert.Equal("Invalid value 1001, range for oom score adj is [-1000, 1000]", Error(host: h => h.OomScoreAdj = 1001));
    }

    [Fact]
    public void HostConfigDefaultsAreDockers()
    {
        var hc = new HostConfig { Memory = 100 * 1024 * 1024 };
        ContainerDefaults.ApplyHostConfigDefaults(hc, cgroupVersion: 1);
        Assert.Equal(64L * 1024 * 1024, hc.ShmSize);
        Assert.Equal(200L * 1024 * 1024, hc.MemorySwap);
        Assert.Equal("json-file", hc.LogConfig!.Type);
        Assert.Equal("no", hc.RestartPolicy!.Name);
        Assert.Equal("private", hc.IpcMode);
        Assert.Equal("host", hc.CgroupnsMode);
        Assert.Equal("default", hc.NetworkMode);
        Assert.Null(hc.Binds);
    }
}
