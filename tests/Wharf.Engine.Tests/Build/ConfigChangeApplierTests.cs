using Wharf.Api.Models;
using Wharf.Engine.Build;

namespace Wharf.Engine.Tests.Build;

public class ConfigChangeApplierTests
{
    private static ContainerConfig Apply(ContainerConfig config, params string[] changes)
        => ConfigChangeApplier.Apply(config, changes);

    private static ContainerConfig Apply(params string[] changes) => Apply(new ContainerConfig(), changes);

    [Fact]
    public void NoChangesReturnsACopy()
    {
        var original = new ContainerConfig { Env = ["A=1"] };
        var result = ConfigChangeApplier.Apply(original, []);
        Assert.NotSame(original, result);
        Assert.Equal(["A=1"], result.Env!);
    }

    [Fact]
    public void InputConfigIsNotModified()
    {
        var original = new ContainerConfig { Env = ["A=1"], Labels = new() { ["x"] = "y" } };
        Apply(original, "ENV A=2", "LABEL x=z");
        Assert.Equal(["A=1"], original.Env!);
        Assert.Equal("y", original.Labels["x"]);
    }

    [Theory]
    [InlineData("CMD echo hi", new[] { "/bin/sh", "-c", "echo hi" })]
    [InlineData("CMD [\"echo\", \"hi\"]", new[] { "echo", "hi" })]
    [InlineData("CMD [echo hi]", new[] { "/bin/sh", "-c", "[echo hi]" })]
    [InlineData("CMD echo $HOME", new[] { "/bin/sh", "-c", "echo $HOME" })]
    [InlineData("CMD []", new string[0])]
    public void Cmd(string change, string[] cmd)
    {
        var c = Apply(new ContainerConfig { ArgsEscaped = true, Env = ["HOME=/root"] }, change);
        Assert.Equal(cmd, c.Cmd!);
        Assert.False(c.ArgsEscaped);
    }

    [Fact]
    public void ShellFormUsesConfigShell()
    {
        var c = Apply(new ContainerConfig { Shell = ["/bin/bash", "-o", "pipefail", "-c"] }, "CMD a | b", "ENTRYPOINT run");
        Assert.Equal(["/bin/bash", "-o", "pipefail", "-c", "run"], c.Entrypoint!);
        Assert.Equal(["/bin/bash", "-o", "pipefail", "-c", "a | b"], c.Cmd!);
    }

    [Fact]
    public void EntrypointClearsExistingCmd()
    {
        var c = Apply(new ContainerConfig { Cmd = ["bash"] }, "ENTRYPOINT [\"/app\"]");
        Assert.Equal(["/app"], c.Entrypoint!);
        Assert.Null(c.Cmd);
    }

    [Fact]
    public void EntrypointKeepsCmdSetEarlierInSameChanges()
    {
        var c = Apply(new ContainerConfig { Cmd = ["bash"] }, "CMD [\"--help\"]", "ENTRYPOINT [\"/app\"]");
        Assert.Equal(["--help"], c.Cmd!);
        Assert.Equal(["/app"], c.Entrypoint!);
        // An empty CMD does not count as setting it.
        c = Apply(new ContainerConfig { Cmd = ["bash"] }, "CMD []", "ENTRYPOINT [\"/app\"]");
        Assert.Null(c.Cmd);
        // CMD after ENTRYPOINT simply sets it.
        c = Apply(new ContainerConfig { Cmd = ["bash"] }, "ENTRYPOINT /app", "CMD [\"x\"]");
        Assert.Equal(["/bin/sh", "-c", "/app"], c.Entrypoint!);
        Assert.Equal(["x"], c.Cmd!);
    }

    [Fact]
    public void EmptyEntrypointResetsIt()
    {
        var c = Apply(new ContainerConfig { Entrypoint = ["/old"] }, "ENTRYPOINT []");
        Assert.Empty(c.Entrypoint!);
    }

    [Fact]
    public void EnvReplacesKeepingOrderAndAppendsNew()
    {
        var c = Apply(new ContainerConfig { Env = ["PATH=/bin", "A=1", "B=2"] }, "ENV A=10 C=3", "ENV B 20 x");
        Assert.Equal(["PATH=/bin", "A=10", "B=20 x", "C=3"], c.Env!);
    }

    [Fact]
    public void EnvExpandsFromConfigAndRemovesQuotes()
    {
        var c = Apply(new ContainerConfig { Env = ["PATH=/usr/bin"] },
            "ENV PATH=/opt/bin:$PATH NAME=\"John Doe\" DOG=Rex\\ The\\ Dog",
            "ENV GREETING=\"hello ${NAME}\" LITERAL='$PATH'");
        Assert.Equal(
            ["PATH=/opt/bin:/usr/bin", "NAME=John Doe", "DOG=Rex The Dog", "GREETING=hello John Doe", "LITERAL=$PATH"],
            c.Env!);
    }

    [Fact]
    public void EnvPairsInOneInstructionSeeTheOldValues()
    {
        var c = Apply(new ContainerConfig { Env = ["A=old"] }, "ENV A=new B=$A");
        Assert.Equal(["A=new", "B=old"], c.Env!);
    }

    [Fact]
    public void Expose()
    {
        var c = Apply(new ContainerConfig { ExposedPorts = new() { ["22/tcp"] = EmptyObject.Instance }, Env = ["P=9000 9001/udp"] },
            "EXPOSE 80 53/UDP 8000-8002/tcp", "EXPOSE $P 132/sctp");
        Assert.Equal(
            new[] { "132/sctp", "22/tcp", "53/udp", "80/tcp", "8000/tcp", "8001/tcp", "8002/tcp", "9000/tcp", "9001/udp" },
            c.ExposedPorts!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void LabelMergesAndExpands()
    {
        var c = Apply(new ContainerConfig { Labels = new() { ["keep"] = "1", ["over"] = "old" }, Env = ["V=2.0"] },
            "LABEL over=new \"com.example.vendor\"=\"ACME Inc\" version=$V",
            "LABEL description This is text");
        Assert.Equal("1", c.Labels!["keep"]);
        Assert.Equal("new", c.Labels["over"]);
        Assert.Equal("ACME Inc", c.Labels["com.example.vendor"]);
        Assert.Equal("2.0", c.Labels["version"]);
        Assert.Equal("This is text", c.Labels["description"]);
    }

    [Fact]
    public void VolumeAddsToSet()
    {
        var c = Apply(new ContainerConfig { Volumes = new() { ["/a"] = EmptyObject.Instance }, Env = ["D=/data"] },
            "VOLUME /b $D/x", "VOLUME [\"/c d\"]");
        Assert.Equal(new[] { "/a", "/b", "/c d", "/data/x" }, c.Volumes!.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(null, "WORKDIR /app", "/app")]
    [InlineData("/app", "WORKDIR sub", "/app/sub")]
    [InlineData(null, "WORKDIR rel", "/rel")]
    [InlineData("/a/b", "WORKDIR ../c/./d/", "/a/c/d")]
    [InlineData("/a", "WORKDIR //x//y/..", "/x")]
    [InlineData("/a", "WORKDIR $BASE/src", "/opt/src")]
    [InlineData("/a", "WORKDIR \"with space\"", "/a/with space")]
    public void Workdir(string? current, string change, string expected)
    {
        var c = Apply(new ContainerConfig { WorkingDir = current, Env = ["BASE=/opt"] }, change);
        Assert.Equal(expected, c.WorkingDir);
    }

    [Fact]
    public void RelativeWorkdirsChain()
    {
        var c = Apply(new ContainerConfig { WorkingDir = "/srv" }, "WORKDIR a", "WORKDIR b", "WORKDIR ../c");
        Assert.Equal("/srv/a/c", c.WorkingDir);
    }

    [Fact]
    public void UserAndStopSignal()
    {
        var c = Apply(new ContainerConfig { Env = ["U=app"] }, "USER $U:staff", "STOPSIGNAL SIGQUIT");
        Assert.Equal("app:staff", c.User);
        Assert.Equal("SIGQUIT", c.StopSignal);
        Assert.Equal("9", Apply("STOPSIGNAL 9").StopSignal);
        Assert.Equal("rtmin+3", Apply("STOPSIGNAL rtmin+3").StopSignal);
    }

    [Fact]
    public void Healthcheck()
    {
        var c = Apply("HEALTHCHECK --interval=30s --retries=2 CMD curl -f http://localhost/");
        Assert.Equal(["CMD-SHELL", "curl -f http://localhost/"], c.Healthcheck!.Test!);
        Assert.Equal(30_000_000_000, c.Healthcheck.Interval);
        Assert.Equal(2, c.Healthcheck.Retries);
        c = Apply(new ContainerConfig { Healthcheck = new HealthConfig { Test = ["CMD", "x"] } }, "HEALTHCHECK NONE");
        Assert.Equal(["NONE"], c.Healthcheck!.Test!);
    }

    [Fact]
    public void OnbuildStoresTriggerText()
    {
        var c = Apply(new ContainerConfig { OnBuild = ["RUN first"] }, "ONBUILD RUN echo $HOME", "onbuild ADD . /app/src");
        Assert.Equal(["RUN first", "RUN echo $HOME", "ADD . /app/src"], c.OnBuild!);
    }

    [Fact]
    public void KeywordsAreCaseInsensitiveAndLineContinuationsWork()
    {
        var c = Apply("cmd [\"a\", \\", "\"b\"]", "env X=1");
        Assert.Equal(["a", "b"], c.Cmd!);
        Assert.Equal(["X=1"], c.Env!);
    }

    [Fact]
    public void EscapeDirectiveAppliesToChanges()
    {
        var c = Apply("# escape=`", "ENV P=c:\\dir `", "  Q=more");
        Assert.Equal(["P=c:\\dir", "Q=more"], c.Env!);
    }

    [Theory]
    [InlineData("RUN echo hi", "RUN is not a valid change command")]
    [InlineData("run echo hi", "run is not a valid change command")]
    [InlineData("FROM alpine", "FROM is not a valid change command")]
    [InlineData("COPY a b", "COPY is not a valid change command")]
    [InlineData("ADD a b", "ADD is not a valid change command")]
    [InlineData("ARG a", "ARG is not a valid change command")]
    [InlineData("SHELL [\"sh\"]", "SHELL is not a valid change command")]
    [InlineData("MAINTAINER me", "MAINTAINER is not a valid change command")]
    [InlineData("FOO bar", "FOO is not a valid change command")]
    public void DisallowedInstructions(string change, string message)
    {
        var e = Assert.Throws<ConfigChangeException>(() => Apply("ENV OK=1", change));
        Assert.Equal(message, e.Message);
        Assert.IsAssignableFrom<ArgumentException>(e);
    }

    [Fact]
    public void KeywordCheckComesBeforeArgumentErrors()
    {
        var e = Assert.Throws<ConfigChangeException>(() => Apply("ENV", "RUN x"));
        Assert.Equal("RUN is not a valid change command", e.Message);
    }

    [Theory]
    [InlineData("ENV", "ENV requires at least one argument")]
    [InlineData("ENV FOO", "ENV must have two arguments")]
    [InlineData("ENV A=1 B", "Syntax error - can't find = in \"B\". Must be of the form: name=value")]
    [InlineData("LABEL", "LABEL requires at least one argument")]
    [InlineData("EXPOSE", "EXPOSE requires at least one argument")]
    [InlineData("EXPOSE 80/foo", "invalid proto: foo")]
    [InlineData("EXPOSE abc", "invalid containerPort: abc")]
    [InlineData("EXPOSE 90-80", "invalid containerPort: 90-80")]
    [InlineData("EXPOSE 70000", "invalid containerPort: 70000")]
    [InlineData("EXPOSE /tcp", "no port specified: /tcp<empty>")]
    [InlineData("USER", "USER requires exactly one argument")]
    [InlineData("WORKDIR", "WORKDIR requires exactly one argument")]
    [InlineData("WORKDIR $NOTSET", "cannot normalize nothing")]
    [InlineData("VOLUME $NOTSET", "VOLUME specified can not be an empty string")]
    [InlineData("STOPSIGNAL SIGFOO", "invalid signal: SIGFOO")]
    [InlineData("STOPSIGNAL 0", "invalid signal: 0")]
    [InlineData("CMD [\"a\", 1]", "when using JSON array syntax, arrays must be comprised of strings only")]
    [InlineData("ENTRYPOINT --x a", "unknown flag: --x")]
    [InlineData("HEALTHCHECK --interval=1x CMD a", "time: unknown unit \"x\" in duration \"1x\"")]
    [InlineData("ONBUILD ONBUILD RUN x", "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")]
    [InlineData("USER ${X:?need X}", "failed to process \"${X:?need X}\": X: need X")]
    [InlineData("ENV A=\"unterminated", "failed to process \"\\\"unterminated\": unexpected end of statement while looking for matching double-quote")]
    public void InvalidChanges(string change, string message)
    {
        var e = Assert.Throws<ConfigChangeException>(() => Apply(change));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void EmptyChangeStringIsAnError()
    {
        var e = Assert.Throws<ConfigChangeException>(() => Apply(""));
        Assert.Equal("file with no instructions", e.Message);
    }

    [Fact]
    public void AllowedKeywordsMatchDocker()
    {
        Assert.Equal(
            new[] { "CMD", "ENTRYPOINT", "ENV", "EXPOSE", "HEALTHCHECK", "LABEL", "ONBUILD", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR" },
            ConfigChangeApplier.AllowedKeywords.Order(StringComparer.Ordinal));
    }
}
