using Wharf.Engine.Build;

namespace Wharf.Engine.Tests.Build;

public class InstructionArgumentsTests
{
    private static T Args<T>(string line) where T : InstructionArguments
        => Assert.IsType<T>(Assert.Single(DockerfileParser.Parse(line).Instructions).Arguments);

    [Theory]
    [InlineData("ENV MY_VAR my-value", "MY_VAR", "my-value", false)]
    [InlineData("ENV MY_VAR   value with  spaces", "MY_VAR", "value with  spaces", false)]
    [InlineData("ENV A=b", "A", "b", true)]
    [InlineData("ENV A=", "A", "", true)]
    [InlineData("ENV A=\"hello world\"", "A", "\"hello world\"", true)]
    [InlineData("ENV A='single $x'", "A", "'single $x'", true)]
    [InlineData("ENV A=a\\ b", "A", "a\\ b", true)]
    [InlineData("ENV A=x=y", "A", "x=y", true)]
    public void EnvSinglePair(string line, string key, string value, bool hasEquals)
    {
        var pair = Assert.Single(Args<KeyValueArguments>(line).Pairs);
        Assert.Equal(new KeyValueArgument(key, value, hasEquals), pair);
    }

    [Fact]
    public void EnvManyPairsWithQuotesAndEscapes()
    {
        var pairs = Args<KeyValueArguments>("ENV MY_NAME=\"John Doe\" MY_DOG=Rex\\ The\\ Dog MY_CAT=fluffy").Pairs;
        Assert.Equal(["MY_NAME", "MY_DOG", "MY_CAT"], pairs.Select(p => p.Key));
        Assert.Equal(["\"John Doe\"", "Rex\\ The\\ Dog", "fluffy"], pairs.Select(p => p.Value));
        // Expansion removes the quotes and escapes.
        var x = new ShellWordExpander();
        var empty = new Dictionary<string, string>();
        Assert.Equal(["John Doe", "Rex The Dog", "fluffy"], pairs.Select(p => x.ExpandWord(p.Value, empty)));
    }

    [Fact]
    public void LabelForms()
    {
        var pairs = Args<KeyValueArguments>("LABEL \"com.example.vendor\"=\"ACME Incorporated\" com.example.label=foo version=1.0").Pairs;
        Assert.Equal(["\"com.example.vendor\"", "com.example.label", "version"], pairs.Select(p => p.Key));
        Assert.Equal(["\"ACME Incorporated\"", "foo", "1.0"], pairs.Select(p => p.Value));
        var legacy = Assert.Single(Args<KeyValueArguments>("LABEL description This is text").Pairs);
        Assert.Equal(new KeyValueArgument("description", "This is text", false), legacy);
    }

    [Fact]
    public void ArgDefinitions()
    {
        var args = Args<ArgArguments>("ARG user1 buildno=1 \"quoted\"=\"a b\" empty=").Args;
        Assert.Equal(
            [new ArgDefinition("user1", null), new ArgDefinition("buildno", "1"), new ArgDefinition("\"quoted\"", "\"a b\""), new ArgDefinition("empty", "")],
            args);
    }

    [Theory]
    [InlineData("FROM alpine", "alpine", null, null)]
    [InlineData("FROM alpine:3.20 AS build", "alpine:3.20", "build", null)]
    [InlineData("FROM alpine as Build-1.x_y", "alpine", "build-1.x_y", null)]
    [InlineData("FROM --platform=$BUILDPLATFORM golang:1.22 AS builder", "golang:1.22", "builder", "$BUILDPLATFORM")]
    [InlineData("FROM base:${CODE_VERSION}", "base:${CODE_VERSION}", null, null)]
    public void From(string line, string image, string? stage, string? platform)
    {
        Assert.Equal(new FromArguments(image, stage, platform), Args<FromArguments>(line));
    }

    [Fact]
    public void Expose()
    {
        Assert.Equal(["80/udp", "8080", "$PORT", "8000-8002"], Args<ExposeArguments>("EXPOSE 80/udp  8080\t$PORT 8000-8002").Ports);
    }

    [Theory]
    [InlineData("USER patrick:staff", "patrick:staff")]
    [InlineData("WORKDIR /path/to/workdir", "/path/to/workdir")]
    [InlineData("WORKDIR \"/a b\"", "\"/a b\"")]
    [InlineData("STOPSIGNAL SIGKILL", "SIGKILL")]
    [InlineData("MAINTAINER Jane Doe <jane@example.com>", "Jane Doe <jane@example.com>")]
    public void SingleValue(string line, string value)
    {
        Assert.Equal(value, Args<ValueArguments>(line).Value);
    }

    [Theory]
    [InlineData("VOLUME /data", new[] { "/data" })]
    [InlineData("VOLUME /var/log /var/db", new[] { "/var/log", "/var/db" })]
    [InlineData("VOLUME [\"/data\", \" /other \"]", new[] { "/data", "/other" })]
    public void Volume(string line, string[] paths)
    {
        Assert.Equal(paths, Args<VolumeArguments>(line).Paths);
    }

    [Fact]
    public void Shell()
    {
        Assert.Equal(["powershell", "-command"], Args<ShellArguments>("SHELL [\"powershell\", \"-command\"]").Shell);
    }

    [Fact]
    public void CommandLineToArgv()
    {
        var shell = Args<CommandArguments>("CMD echo $HOME").Command;
        Assert.Equal(["/bin/sh", "-c", "echo $HOME"], shell.ToArgv());
        Assert.Equal(["pwsh", "-c", "echo $HOME"], shell.ToArgv(["pwsh", "-c"]));
        var exec = Args<CommandArguments>("ENTRYPOINT [\"top\", \"-b\"]").Command;
        Assert.Equal(["top", "-b"], exec.ToArgv(["pwsh"]));
        Assert.Null(exec.ShellText);
        Assert.Empty(Args<CommandArguments>("CMD").Command.ToArgv());
    }

    [Fact]
    public void HealthcheckCmdShellForm()
    {
        var h = Args<HealthcheckArguments>("HEALTHCHECK --interval=5m --timeout=3s --start-period=1m30s --start-interval=500ms --retries=3 CMD curl -f http://localhost/ || exit 1");
        Assert.Equal(["CMD-SHELL", "curl -f http://localhost/ || exit 1"], h.Test);
        Assert.Equal(300_000_000_000, h.Interval);
        Assert.Equal(3_000_000_000, h.Timeout);
        Assert.Equal(90_000_000_000, h.StartPeriod);
        Assert.Equal(500_000_000, h.StartInterval);
        Assert.Equal(3, h.Retries);
        var config = h.ToHealthConfig();
        Assert.Equal(h.Test, config.Test!);
        Assert.Equal(3, config.Retries);
    }

    [Fact]
    public void HealthcheckExecFormAndNone()
    {
        var exec = Args<HealthcheckArguments>("healthcheck cmd [\"/bin/check\", \"-q\"]");
        Assert.Equal(["CMD", "/bin/check", "-q"], exec.Test);
        Assert.Equal(0, exec.Interval);
        var none = Args<HealthcheckArguments>("HEALTHCHECK none");
        Assert.Equal(["NONE"], none.Test);
        // Docker ignores flags given with NONE.
        Assert.Equal(["NONE"], Args<HealthcheckArguments>("HEALTHCHECK --bogus NONE").Test);
        Assert.Equal(0, Args<HealthcheckArguments>("HEALTHCHECK --interval=0s CMD true").Interval);
    }

    [Fact]
    public void CopyAndAddFlags()
    {
        var copy = Args<CopyArguments>("COPY --from=build --chown=1000:1000 --chmod=755 --link --parents --exclude=*.md --exclude=*.txt a b /dst/");
        Assert.Equal(["a", "b"], copy.Sources);
        Assert.Equal("/dst/", copy.Destination);
        Assert.Equal("build", copy.From);
        Assert.Equal("1000:1000", copy.Chown);
        Assert.Equal("755", copy.Chmod);
        Assert.True(copy.Link);
        Assert.True(copy.Parents);
        Assert.Equal(["*.md", "*.txt"], copy.Excludes);
        Assert.Null(copy.KeepGitDir);

        var add = Args<CopyArguments>("ADD --checksum=sha256:abc --keep-git-dir=true --unpack=false --link=false https://x/y.tar /");
        Assert.Equal("sha256:abc", add.Checksum);
        Assert.True(add.KeepGitDir);
        Assert.False(add.Unpack);
        Assert.False(add.Link);
        Assert.Null(add.From);
        Assert.Null(Args<CopyArguments>("ADD a b").Unpack);
    }

    [Fact]
    public void CopyJsonFormAllowsSpacesInPaths()
    {
        var copy = Args<CopyArguments>("COPY [\"my file.txt\", \"/dst dir/\"]");
        Assert.Equal(["my file.txt"], copy.Sources);
        Assert.Equal("/dst dir/", copy.Destination);
    }

    [Fact]
    public void RunSecurityFlag()
    {
        var run = Args<RunArguments>("RUN --security=insecure cat /proc/self/status");
        Assert.Equal("insecure", run.Security);
        Assert.Null(run.Network);
    }
}
