using Wharf.Engine.Build;

namespace Wharf.Engine.Tests.Build;

public class DockerfileHeredocTests
{
    [Fact]
    public void RunHeredocReadsBodyAndCountsLines()
    {
        var df = DockerfileParser.Parse("FROM a\nRUN <<EOF\napt-get update\napt-get install -y vim\nEOF\nUSER x\n");
        var run = df.Instructions[1];
        var doc = Assert.Single(run.Heredocs);
        Assert.Equal("EOF", doc.Name);
        Assert.Equal("apt-get update\napt-get install -y vim\n", doc.Content);
        Assert.True(doc.Expand);
        Assert.False(doc.Chomp);
        Assert.Equal(0, doc.FileDescriptor);
        Assert.Equal(2, run.StartLine);
        Assert.Equal(5, run.EndLine);
        Assert.Equal("<<EOF", Assert.IsType<RunArguments>(run.Arguments).Command.ShellText);
        Assert.Equal(6, df.Instructions[2].StartLine);
    }

    [Fact]
    public void ChompStripsLeadingTabsFromBodyAndTerminator()
    {
        var doc = Assert.Single(DockerfileParser.Parse("RUN <<-EOT\n\techo a\n\t\techo b\n  keep spaces\n\tEOT\n").Instructions).Heredocs[0];
        Assert.True(doc.Chomp);
        Assert.Equal("\techo a\n\t\techo b\n  keep spaces\n", doc.RawContent);
        Assert.Equal("echo a\necho b\n  keep spaces\n", doc.Content);
    }

    [Fact]
    public void TabIndentedTerminatorDoesNotEndPlainHeredoc()
    {
        var e = Assert.Throws<DockerfileParseException>(() => DockerfileParser.Parse("RUN <<EOF\necho\n\tEOF\n"));
        Assert.Equal("Dockerfile:1: unterminated heredoc", e.Message);
    }

    [Theory]
    [InlineData("RUN <<\"EOF\"", "EOF", false)]
    [InlineData("RUN <<'EOF'", "EOF", false)]
    [InlineData("RUN <<E\"O\"F", "EOF", false)]
    [InlineData("RUN <<EOF", "EOF", true)]
    [InlineData("RUN << EOF", "EOF", true)]
    [InlineData("RUN cat <<END > /file", "END", true)]
    [InlineData("RUN python3 <<'PY'", "PY", false)]
    public void QuotedDelimiterDisablesExpansion(string line, string name, bool expand)
    {
        var doc = Assert.Single(Assert.Single(DockerfileParser.Parse(line + "\nbody $HOME\n" + name + "\n").Instructions).Heredocs);
        Assert.Equal(name, doc.Name);
        Assert.Equal(expand, doc.Expand);
        Assert.Equal("body $HOME\n", doc.Content);
    }

    [Fact]
    public void SeveralHeredocsOnOneLineAreReadInOrder()
    {
        var run = Assert.Single(DockerfileParser.Parse("RUN <<FILE1 cat > file1 && <<FILE2 cat > file2\nI am\nfirst\nFILE1\nI am\nsecond\nFILE2\n").Instructions);
        Assert.Equal(["FILE1", "FILE2"], run.Heredocs.Select(h => h.Name));
        Assert.Equal("I am\nfirst\n", run.Heredocs[0].Content);
        Assert.Equal("I am\nsecond\n", run.Heredocs[1].Content);
        Assert.Equal(7, run.EndLine);
    }

    [Fact]
    public void FileDescriptorPrefix()
    {
        var doc = Assert.Single(DockerfileParser.Parse("RUN 3<<EOF cat /dev/fd/3\nx\nEOF").Instructions).Heredocs[0];
        Assert.Equal(3, doc.FileDescriptor);
    }

    [Fact]
    public void CopyHeredocBecomesInlineSource()
    {
        var df = DockerfileParser.Parse("FROM a\nCOPY <<EOF /etc/motd\nhello\nEOF\nCOPY file1 <<-\"TWO\" /dst/\n\tinline\n\tTWO\n");
        var first = Assert.IsType<CopyArguments>(df.Instructions[1].Arguments);
        Assert.Empty(first.Sources);
        var inline = Assert.Single(first.InlineSources);
        Assert.Equal("EOF", inline.Name);
        Assert.Equal("hello\n", inline.Content);
        Assert.Equal("/etc/motd", first.Destination);

        var second = Assert.IsType<CopyArguments>(df.Instructions[2].Arguments);
        Assert.Equal(["file1"], second.Sources);
        Assert.Equal("inline\n", Assert.Single(second.InlineSources).Content);
        Assert.False(second.InlineSources[0].Expand);
        Assert.Equal(5, df.Instructions[2].StartLine);
        Assert.Equal(7, df.Instructions[2].EndLine);
    }

    [Fact]
    public void HeredocAsDestinationIsAnError()
    {
        var e = Assert.Throws<DockerfileParseException>(() => DockerfileParser.Parse("COPY a <<EOF\nx\nEOF\n"));
        Assert.Equal("Dockerfile:1: COPY cannot accept a heredoc as a destination", e.Message);
    }

    [Fact]
    public void HeredocsOnlyForRunAddCopyInShellForm()
    {
        // CMD does not take heredocs: the next lines are instructions of their own.
        var df = DockerfileParser.Parse("CMD cat <<EOF\nUSER x\n");
        Assert.Equal(2, df.Instructions.Count);
        Assert.Empty(df.Instructions[0].Heredocs);
        // JSON form does not either.
        df = DockerfileParser.Parse("RUN [\"cat\", \"<<EOF\"]\nUSER x\n");
        Assert.Equal(2, df.Instructions.Count);
    }

    [Fact]
    public void HeredocInsideQuotesIsNotAHeredoc()
    {
        var df = DockerfileParser.Parse("RUN echo '<<EOF'\nUSER x\n");
        Assert.Equal(2, df.Instructions.Count);
        Assert.Empty(df.Instructions[0].Heredocs);
    }

    [Fact]
    public void OnbuildRunHeredoc()
    {
        var i = Assert.Single(DockerfileParser.Parse("ONBUILD RUN <<EOF\necho hi\nEOF\n").Instructions);
        var onbuild = Assert.IsType<OnbuildArguments>(i.Arguments);
        Assert.Equal("RUN <<EOF\necho hi\nEOF", onbuild.Expression);
        Assert.Equal("echo hi\n", Assert.Single(onbuild.Trigger.Heredocs).Content);
        Assert.Equal(3, i.EndLine);
    }

    [Fact]
    public void HeredocBodyKeepsBlankLinesCommentsAndBackslashes()
    {
        var doc = Assert.Single(DockerfileParser.Parse("RUN <<EOF\n# not a comment\n\necho a \\\nEOF\n").Instructions).Heredocs[0];
        Assert.Equal("# not a comment\n\necho a \\\n", doc.Content);
    }

    [Fact]
    public void HeredocBodyKeepsCrLf()
    {
        var doc = Assert.Single(DockerfileParser.Parse("RUN <<EOF\r\nline\r\nEOF\r\n").Instructions).Heredocs[0];
        Assert.Equal("line\r\n", doc.Content);
    }

    [Fact]
    public void UnterminatedHeredocReportsInstructionLine()
    {
        var e = Assert.Throws<DockerfileParseException>(() => DockerfileParser.Parse("FROM a\nRUN <<EOF\necho\n"));
        Assert.Equal("Dockerfile:2: unterminated heredoc", e.Message);
    }
}
