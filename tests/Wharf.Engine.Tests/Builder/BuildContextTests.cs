using System.Formats.Tar;
using System.Text;
using Wharf.Engine.Builder;

namespace Wharf.Engine.Tests.Builder;

public sealed class BuildContextTests : IDisposable
{
    private readonly string _tmp = Path.Combine(Path.GetTempPath(), "wharf-ctx-test-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_tmp)) Directory.Delete(_tmp, true);
    }

    private static MemoryStream Tar(params (string Name, string? Content, int Mode)[] entries)
    {
        var ms = new MemoryStream();
        using (var w = new TarWriter(ms, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, content, mode) in entries)
            {
                var e = content is null
                    ? new PaxTarEntry(TarEntryType.Directory, name)
                    : new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) };
                e.Mode = (UnixFileMode)mode;
                e.ModificationTime = DateTimeOffset.UnixEpoch.AddSeconds(mode);
                w.WriteEntry(e);
            }
        }
        ms.Position = 0;
        return ms;
    }

    [Fact]
    public async Task Unpacks_and_hashes_every_file()
    {
        using var ctx = await BuildContext.ReceiveAsync(Tar(("Dockerfile", "FROM x\n", 0x1A4), ("src/", null, 0x1ED), ("src/a.c", "int a;", 0x1A4)), _tmp, default);
        Assert.Equal("int a;", File.ReadAllText(Path.Combine(await ctx.RootAsync(default), "src/a.c")));
        Assert.Equal(ContextEntryKind.Directory, ctx.Entries["src"].Kind);
        Assert.Equal(64, ctx.Entries["src/a.c"].ContentHash.Length);
        Assert.Null(ctx.InlineDockerfile);
    }

    [Fact]
    public async Task Tree_hash_follows_content_and_mode_but_not_times()
    {
        async Task<string> Hash(string content, int mode, int dirMode)
        {
            using var ctx = await BuildContext.ReceiveAsync(Tar(("d/", null, dirMode), ("d/f", content, mode)), _tmp, default);
            return ctx.HashTree("d");
        }
        var baseline = await Hash("x", 0x1A4, 0x1ED);
        Assert.Equal(baseline, await Hash("x", 0x1A4, 0x1ED));
        Assert.NotEqual(baseline, await Hash("y", 0x1A4, 0x1ED));
        Assert.NotEqual(baseline, await Hash("x", 0x1ED, 0x1ED));
    }

    [Fact]
    public async Task Files_are_written_out_only_when_asked_for_and_the_dockerfile_is_kept()
    {
        using var ctx = await BuildContext.ReceiveAsync(Tar(("Dockerfile", "FROM x\n", 0x1A4), ("a.txt", "a", 0x1A4)), _tmp, default,
            new HashSet<string> { "Dockerfile" });
        Assert.Equal("FROM x\n", System.Text.Encoding.UTF8.GetString(ctx.ReadKept("Dockerfile")!));
        Assert.Null(ctx.ReadKept("a.txt"));
        Assert.Empty(Directory.GetFiles(_tmp, "a.txt", SearchOption.AllDirectories));
        var root = await ctx.RootAsync(default);
        Assert.Equal("a", File.ReadAllText(Path.Combine(root, "a.txt")));
    }

    [Fact]
    public async Task A_body_that_is_not_a_tar_is_the_dockerfile()
    {
        using var ctx = await BuildContext.ReceiveAsync(new MemoryStream("FROM busybox\nRUN true\n"u8.ToArray()), _tmp, default);
        Assert.Equal("FROM busybox\nRUN true\n", ctx.InlineDockerfile);
        Assert.Empty(ctx.Entries);
    }

    [Fact]
    public async Task An_entry_escaping_the_context_is_refused_and_nothing_stays()
    {
        await Assert.ThrowsAsync<BadRequestException>(() => BuildContext.ReceiveAsync(Tar(("../evil", "x", 0x1A4)), _tmp, default));
        Assert.Empty(Directory.GetDirectories(_tmp));
    }

    [Fact]
    public void Copy_sources_above_the_context_are_forbidden()
    {
        Assert.Equal("a/b", BuildContext.CleanSource("./a//b/"));
        Assert.Equal(".", BuildContext.CleanSource("."));
        Assert.Equal("x", BuildContext.CleanSource("/x"));
        var e = Assert.Throws<BuildException>(() => BuildContext.CleanSource("../x"));
        Assert.Equal("forbidden path outside the build context: ../x ()", e.Message);
        Assert.Throws<BuildException>(() => BuildContext.CleanSource("a/../../x"));
    }
}
