using Wharf.Engine.Build;

namespace Wharf.Engine.Tests.Build;

public class DockerfileParserTests
{
    private static Instruction Single(string text)
    {
        var df = DockerfileParser.Parse(text);
        return Assert.Single(df.Instructions);
    }

    [Fact]
    public void ParsesInstructionsWithLineNumbersAndUpperCaseKeywords()
    {
        var df = DockerfileParser.Parse("from alpine\n\n# comment\nRun echo hi\nCMD [\"sh\"]\n");
        Assert.Equal(["FROM", "RUN", "CMD"], df.Instructions.Select(i => i.Keyword));
        Assert.Equal(["from", "Run", "CMD"], df.Instructions.Select(i => i.RawKeyword));
        Assert.Equal([1, 4, 5], df.Instructions.Select(i => i.StartLine));
        Assert.Equal([1, 4, 5], df.Instructions.Select(i => i.EndLine));
        Assert.Equal('\\', df.EscapeToken);
        Assert.Empty(df.Directives);
    }

    [Fact]
    public void ContinuationSpansLinesAndKeepsIndentation()
    {
        var i = Single("RUN apt-get update && \\\n    apt-get install -y curl\n");
        Assert.Equal("RUN apt-get update &&     apt-get install -y curl", i.Original);
        Assert.Equal("apt-get update &&     apt-get install -y curl", i.ArgumentText);
        Assert.Equal(1, i.StartLine);
        Assert.Equal(2, i.EndLine);
    }

    [Fact]
    public void ContinuationSkipsCommentAndEmptyLinesAndCountsThem()
    {
        var df = DockerfileParser.Parse("FROM a\nRUN echo \\\n# inner comment\n\n  hello \\\n   # another\n  world\nUSER x\n");
        var run = df.Instructions[1];
        Assert.Equal("echo   hello   world", run.ArgumentText);
        Assert.Equal(2, run.StartLine);
        Assert.Equal(7, run.EndLine);
        Assert.Equal(8, df.Instructions[2].StartLine);
        var warning = Assert.Single(df.Warnings);
        Assert.Equal(7, warning.Line);
        Assert.Contains("Empty continuation line", warning.Message);
    }

    [Fact]
    public void EscapedEscapeAtEndOfLineDoesNotContinue()
    {
        var df = DockerfileParser.Parse("RUN echo \\\\\nUSER x");
        Assert.Equal(2, df.Instructions.Count);
        Assert.Equal("echo \\\\", df.Instructions[0].ArgumentText);
    }

    [Fact]
    public void ContinuationWithTrailingWhitespaceAfterEscape()
    {
        var i = Single("RUN a \\  \t\nb");
        Assert.Equal("a b", i.ArgumentText);
    }

    [Fact]
    public void LoneEscapeLineJoinsFollowingLine()
    {
        var i = Single("RUN a \\\n\\\nb");
        Assert.Equal("a b", i.ArgumentText);
        Assert.Equal(3, i.EndLine);
    }

    [Fact]
    public void ContinuationAtEndOfFileIsAccepted()
    {
        var i = Single("RUN echo hi \\");
        Assert.Equal("echo hi", i.ArgumentText);
    }

    [Fact]
    public void CrLfLineEndingsAndBomAreHandled()
    {
        var df = DockerfileParser.Parse("\uFEFF# escape=`\r\nFROM a\r\nRUN echo `\r\n  hi\r\n");
        Assert.Equal('`', df.EscapeToken);
        Assert.Equal("echo   hi", df.Instructions[1].ArgumentText);
    }

    [Fact]
    public void LeadingWhitespaceBeforeInstructionsAndComments()
    {
        var df = DockerfileParser.Parse("   FROM a\n\t# indented comment\n  RUN x");
        Assert.Equal(["FROM", "RUN"], df.Instructions.Select(i => i.Keyword));
        Assert.Equal("FROM a", df.Instructions[0].Original);
    }

    [Fact]
    public void DirectivesAreReadFromTheTop()
    {
        var df = DockerfileParser.Parse("# syntax=docker/dockerfile:1\n#check=skip=JSONArgsRecommended\n# ESCAPE = `\nFROM a\n");
        Assert.Equal(["syntax", "check", "escape"], df.Directives.Select(d => d.Name));
        Assert.Equal("docker/dockerfile:1", df.Directive("syntax"));
        Assert.Equal("skip=JSONArgsRecommended", df.Directive("check"));
        Assert.Equal([1, 2, 3], df.Directives.Select(d => d.Line));
        Assert.Equal('`', df.EscapeToken);
    }

    [Fact]
    public void DirectiveAfterCommentOrBlankLineIsAComment()
    {
        Assert.Empty(DockerfileParser.Parse("# about\n# escape=`\nFROM a").Directives);
        Assert.Empty(DockerfileParser.Parse("\n# escape=`\nFROM a").Directives);
        Assert.Empty(DockerfileParser.Parse("FROM a\n# escape=`\nRUN b").Directives);
        // An unknown directive ends the directives too.
        var df = DockerfileParser.Parse("# unknowndirective=x\n# escape=`\nFROM a");
        Assert.Empty(df.Directives);
        Assert.Equal('\\', df.EscapeToken);
    }

    [Fact]
    public void EscapeDirectiveWindowsExampleFromReference()
    {
        // With the backtick escape, `c:\` is a path, not a continuation.
        var df = DockerfileParser.Parse("# escape=`\n\nFROM microsoft/nanoserver\nCOPY testfile.txt c:\\\nRUN dir c:\\\n");
        Assert.Equal(["FROM", "COPY", "RUN"], df.Instructions.Select(i => i.Keyword));
        var copy = Assert.IsType<CopyArguments>(df.Instructions[1].Arguments);
        Assert.Equal("c:\\", copy.Destination);
        Assert.Equal("dir c:\\", df.Instructions[2].ArgumentText);
        Assert.Equal([3, 4, 5], df.Instructions.Select(i => i.StartLine));
    }

    [Fact]
    public void DefaultEscapeWindowsExampleJoinsLines()
    {
        // Without the directive the trailing backslash joins COPY and RUN, as the reference warns.
        var df = DockerfileParser.Parse("FROM microsoft/nanoserver\nCOPY testfile.txt c:\\\nRUN dir c:\\\n");
        Assert.Equal(2, df.Instructions.Count);
        var copy = df.Instructions[1];
        Assert.Equal("testfile.txt c:RUN dir c:", copy.ArgumentText);
        Assert.Equal(2, copy.StartLine);
        Assert.Equal(3, copy.EndLine);
    }

    [Theory]
    [InlineData("CMD [\"echo\", \"hi\"]", true, new[] { "echo", "hi" })]
    [InlineData("CMD [echo hi]", false, new[] { "[echo hi]" })]
    [InlineData("CMD echo hi", false, new[] { "echo hi" })]
    [InlineData("CMD [\"echo\", 'hi']", false, new[] { "[\"echo\", 'hi']" })]
    [InlineData("CMD [\"a\",]", false, new[] { "[\"a\",]" })]
    [InlineData("CMD [\"a\"] extra", false, new[] { "[\"a\"] extra" })]
    [InlineData("CMD   [ \"a\" , \"b c\" ]  ", true, new[] { "a", "b c" })]
    [InlineData("CMD [\"c:\\\\dir\", \"\\u0041\"]", true, new[] { "c:\\dir", "A" })]
    [InlineData("CMD []", true, new string[0])]
    [InlineData("ENTRYPOINT [\"/bin/app\"]", true, new[] { "/bin/app" })]
    [InlineData("RUN [\"ls\", \"-l\"]", true, new[] { "ls", "-l" })]
    [InlineData("RUN ls -l | wc", false, new[] { "ls -l | wc" })]
    public void JsonFormDetection(string line, bool exec, string[] args)
    {
        var i = Single(line);
        Assert.Equal(exec, i.IsJsonForm);
        var command = i.Arguments switch
        {
            CommandArguments c => c.Command,
            RunArguments r => r.Command,
            _ => throw new InvalidOperationException(),
        };
        Assert.Equal(exec, command.IsExecForm);
        Assert.Equal(args, command.Arguments);
    }

    [Fact]
    public void JsonArrayWithNonStringIsAnError()
    {
        var e = Assert.Throws<DockerfileParseException>(() => DockerfileParser.Parse("FROM a\nCMD [\"a\", 1]"));
        Assert.Equal("Dockerfile:2: when using JSON array syntax, arrays must be comprised of strings only", e.Message);
    }

    [Fact]
    public void JsonFormAcrossContinuationLines()
    {
        var i = Single("CMD [\"a\", \\\n     \"b\"]");
        Assert.Equal(["a", "b"], i.JsonArguments!);
        Assert.Equal(2, i.EndLine);
    }

    [Fact]
    public void FlagsAreSplitFromArguments()
    {
        var i = Single("COPY --from=build --chown=a:b --chmod=755 --link /src /dst");
        Assert.Equal(
            [new InstructionFlag("from", "build"), new InstructionFlag("chown", "a:b"), new InstructionFlag("chmod", "755"), new InstructionFlag("link", null)],
            i.Flags);
        Assert.Equal("/src /dst", i.ArgumentText);
        Assert.Equal("build", i.Flag("from"));
        Assert.Equal("--chown=a:b", i.Flags[1].ToString());
    }

    [Fact]
    public void FlagValuesLoseQuotesAndEscapes()
    {
        var i = Single("RUN --mount=type=cache,target=\"/root/.cache\" --network=none echo hi");
        Assert.Equal("type=cache,target=/root/.cache", i.Flag("mount"));
        var run = Assert.IsType<RunArguments>(i.Arguments);
        Assert.Equal(["type=cache,target=/root/.cache"], run.Mounts);
        Assert.Equal("none", run.Network);
        Assert.Equal("echo hi", run.Command.ShellText);
    }

    [Fact]
    public void DoubleDashEndsFlags()
    {
        var i = Single("RUN --network=host -- --not-a-flag");
        Assert.Single(i.Flags);
        Assert.Equal("--not-a-flag", i.ArgumentText);
    }

    [Fact]
    public void RepeatableFlagsKeepEveryValue()
    {
        var run = Assert.IsType<RunArguments>(Single("RUN --mount=type=secret,id=a --mount=type=ssh --device=/dev/x make").Arguments);
        Assert.Equal(["type=secret,id=a", "type=ssh"], run.Mounts);
        Assert.Equal(["/dev/x"], run.Devices);
    }

    [Fact]
    public void OnbuildHoldsInnerInstruction()
    {
        var i = Single("ONBUILD RUN echo \"building\"");
        var onbuild = Assert.IsType<OnbuildArguments>(i.Arguments);
        Assert.Equal("RUN echo \"building\"", onbuild.Expression);
        Assert.Equal("RUN", onbuild.Trigger.Keyword);
        Assert.Equal("echo \"building\"", Assert.IsType<RunArguments>(onbuild.Trigger.Arguments).Command.ShellText);
        Assert.Equal(1, onbuild.Trigger.StartLine);
    }

    [Fact]
    public void OnbuildWithFlagsAndJsonTrigger()
    {
        var onbuild = Assert.IsType<OnbuildArguments>(Single("onbuild COPY --chown=1 [\"a\", \"/b\"]").Arguments);
        var copy = Assert.IsType<CopyArguments>(onbuild.Trigger.Arguments);
        Assert.Equal("1", copy.Chown);
        Assert.Equal(["a"], copy.Sources);
        Assert.Equal("/b", copy.Destination);
        Assert.True(onbuild.Trigger.IsJsonForm);
        Assert.Equal("COPY --chown=1 [\"a\", \"/b\"]", onbuild.Expression);
    }

    [Fact]
    public void KeywordIsCaseInsensitive()
    {
        var df = DockerfileParser.Parse("fRoM a AS Builder\nworkdir /x");
        var from = Assert.IsType<FromArguments>(df.Instructions[0].Arguments);
        Assert.Equal("builder", from.StageName);
        Assert.Equal("WORKDIR", df.Instructions[1].Keyword);
    }

    [Fact]
    public void FileNameAppearsInErrors()
    {
        var e = Assert.Throws<DockerfileParseException>(() => DockerfileParser.Parse("FROM a\nBAD x", "build/Dockerfile.dev"));
        Assert.Equal("build/Dockerfile.dev:2: unknown instruction: BAD", e.Message);
        Assert.Equal(2, e.Line);
        Assert.Equal("unknown instruction: BAD", e.Detail);
        Assert.Equal("build/Dockerfile.dev", e.FileName);
    }

    [Fact]
    public void ReferenceExampleDockerfileParses()
    {
        const string text = """
            # syntax=docker/dockerfile:1
            ARG  CODE_VERSION=latest
            FROM base:${CODE_VERSION}
            CMD  /code/run-app

            FROM extras:${CODE_VERSION}
            LABEL "com.example.vendor"="ACME Incorporated"
            LABEL com.example.label-with-value="foo" \
                  version="1.0" \
                  description="This text illustrates \
            that label-values can span multiple lines."
            ENV MY_NAME="John Doe" MY_DOG=Rex\ The\ Dog \
                MY_CAT=fluffy
            EXPOSE 80/udp 8080
            HEALTHCHECK --interval=5m --timeout=3s CMD curl -f http://localhost/ || exit 1
            VOLUME ["/data"]
            USER patrick
            WORKDIR /path/to/workdir
            STOPSIGNAL SIGKILL
            SHELL ["powershell", "-command"]
            """;
        var df = DockerfileParser.Parse(text);
        Assert.Equal(
            ["ARG", "FROM", "CMD", "FROM", "LABEL", "LABEL", "ENV", "EXPOSE", "HEALTHCHECK", "VOLUME", "USER", "WORKDIR", "STOPSIGNAL", "SHELL"],
            df.Instructions.Select(i => i.Keyword));
        var label = df.Instructions[5];
        Assert.Equal(8, label.StartLine);
        Assert.Equal(11, label.EndLine);
        var pairs = Assert.IsType<KeyValueArguments>(label.Arguments).Pairs;
        Assert.Equal(["com.example.label-with-value", "version", "description"], pairs.Select(p => p.Key));
        Assert.Equal("\"This text illustrates that label-values can span multiple lines.\"", pairs[2].Value);
        var env = Assert.IsType<KeyValueArguments>(df.Instructions[6].Arguments).Pairs;
        Assert.Equal(["MY_NAME", "MY_DOG", "MY_CAT"], env.Select(p => p.Key));
        Assert.Equal("Rex\\ The\\ Dog", env[1].Value);
    }

    [Fact]
    public void AccessorsReturnNullWhenAbsent()
    {
        var df = DockerfileParser.Parse("FROM a");
        Assert.Null(df.Directive("syntax"));
        Assert.Null(df.Instructions[0].Flag("platform"));
        Assert.Empty(df.Instructions[0].Flags);
        Assert.Null(df.Instructions[0].JsonArguments);
        Assert.Equal("Dockerfile", df.FileName);
    }

    [Fact]
    public void LaterRepeatableFlagWins()
    {
        var i = Single("RUN --mount=a --mount=b x");
        Assert.Equal("b", i.Flag("mount"));
    }
}
