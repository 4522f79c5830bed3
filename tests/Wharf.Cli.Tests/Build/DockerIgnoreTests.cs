using System.Formats.Tar;
using Wharf.Cli.Build;

namespace Wharf.Cli.Tests.Build;

public sealed class DockerIgnoreTests
{
    [Theory]
    [InlineData("*.md", "README.md", true)]
    [InlineData("*.md", "docs/guide.md", false)]
    [InlineData("**/*.md", "docs/guide.md", true)]
    [InlineData("**/*.md", "README.md", true)]
    [InlineData("docs", "docs/a/b.txt", true)]
    [InlineData("/build/", "build/out.o", true)]
    [InlineData("./tmp", "tmp", true)]
    [InlineData("node_modules/**", "node_modules/x/y.js", true)]
    [InlineData("a/**/z", "a/z", true)]
    [InlineData("a/**/z", "a/b/c/z", true)]
    [InlineData("a?c", "abc", true)]
    [InlineData("a?c", "a/c", false)]
    [InlineData("[ab].txt", "b.txt", true)]
    [InlineData("# comment", "# comment", false)]
    public void Pattern_rules(string pattern, string path, bool excluded) =>
        Assert.Equal(excluded, DockerIgnore.Parse(pattern + "\n").IsExcluded(path));

    [Fact]
    public void Exceptions_re_include_and_the_last_match_wins()
    {
        var ignore = DockerIgnore.Parse("*.log\n!keep.log\nkeep*.log\n!keep-this.log\n");
        Assert.True(ignore.IsExcluded("a.log"));
        Assert.True(ignore.IsExcluded("keep.log"));
        Assert.False(ignore.IsExcluded("keep-this.log"));
        Assert.False(ignore.IsExcluded("main.c"));
    }

    [Fact]
    public void A_directory_with_an_exception_below_it_is_walked()
    {
        var ignore = DockerIgnore.Parse("logs\n!logs/keep.log\n");
        Assert.True(ignore.IsExcluded("logs"));
        Assert.False(ignore.CanSkipDirectory("logs"));
        Assert.False(ignore.IsExcluded("logs/keep.log"));
        Assert.True(ignore.IsExcluded("logs/other.log"));
        Assert.True(DockerIgnore.Parse("logs\n").CanSkipDirectory("logs"));
    }

    [Fact]
    public void Malformed_patterns_are_refused()
    {
        Assert.Throws<FormatException>(() => DockerIgnore.Parse("[abc\n"));
        Assert.Throws<FormatException>(() => DockerIgnore.Parse("!\n"));
    }

    [Fact]
    public async Task Archive_leaves_out_ignored_files_but_keeps_the_dockerfile()
    {
        var dir = Path.Combine(Path.GetTempPath(), "wharf-ignore-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "logs"));
            File.WriteAllText(Path.Combine(dir, "Dockerfile"), "FROM x");
            File.WriteAllText(Path.Combine(dir, ".dockerignore"), "Dockerfile\nlogs\n!logs/keep.log\n*.tmp\n");
            File.WriteAllText(Path.Combine(dir, "logs", "keep.log"), "k");
            File.WriteAllText(Path.Combine(dir, "logs", "drop.log"), "d");
            File.WriteAllText(Path.Combine(dir, "a.tmp"), "t");
            File.WriteAllText(Path.Combine(dir, "main.c"), "c");
            var ignore = DockerIgnore.Parse(File.ReadAllText(Path.Combine(dir, ".dockerignore")));
            using var ms = new MemoryStream();
            await ContextArchive.WriteAsync(ms, dir, ignore, new HashSet<string> { "Dockerfile", ".dockerignore" }, [("extra", "e"u8.ToArray())], default);
            ms.Position = 0;
            var names = new List<string>();
            using var reader = new TarReader(ms);
            while (reader.GetNextEntry() is { } e)
            {
                names.Add(e.Name);
                Assert.Equal(0, e.Uid);
            }
            Assert.Equal([".dockerignore", "Dockerfile", "logs/keep.log", "main.c", "extra"], names.ToArray());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
